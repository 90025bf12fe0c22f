// Boot code for the link check on RV64GC (QEMU `virt`, `-bios none`: the hart starts in
// machine mode at the start of RAM, where this is linked): stack, floating point on (the
// lp64d code uses FP registers), .bss, then linkcheck_main, whose result (the number of failed
// checks) becomes the semihosting exit: ApplicationExit (QEMU status 0) when it is 0,
// RunTimeErrorUnknown (status 1) otherwise.
    .section .text.boot, "ax"
    .global _start
_start:
    la      sp, __stack_top
    li      t0, 0x2000              // mstatus.FS = Initial: floating point usable
    csrs    mstatus, t0
    csrwi   fcsr, 0
    la      t0, __bss_start
    la      t1, __bss_end
1:  bgeu    t0, t1, 2f
    sd      zero, 0(t0)
    addi    t0, t0, 8
    j       1b
2:  call    linkcheck_main
    li      t0, 0x20026             // ADP_Stopped_ApplicationExit
    beqz    a0, 3f
    li      t0, 0x20024             // ADP_Stopped_RunTimeErrorUnknown
3:  la      a1, exit_block          // SYS_EXIT on RV64 takes (reason, subcode) by address
    sd      t0, 0(a1)
    sd      a0, 8(a1)
    li      a0, 0x18                // SYS_EXIT
    .option push
    .option norvc                   // the semihosting sequence: uncompressed, in one page
    .balign 16
    slli    zero, zero, 0x1f
    ebreak
    srai    zero, zero, 7
    .option pop
4:  j       4b

    .section .bss
    .balign 8
exit_block:
    .space 16

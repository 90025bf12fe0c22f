// Boot code for the link check on ARMv7 (QEMU `virt`, `-cpu cortex-a15`): stack, VFP, .bss,
// then linkcheck_main, whose result (the number of failed checks) becomes the semihosting
// exit: ApplicationExit (QEMU status 0) when it is 0, RunTimeErrorUnknown (status 1) otherwise.
    .syntax unified
    .arm
    .section .text.boot, "ax"
    .global _start
_start:
    ldr     sp, =__stack_top
    mrc     p15, 0, r0, c1, c0, 2   // CPACR: full access to cp10 and cp11 (VFP)
    orr     r0, r0, #(0xf << 20)
    mcr     p15, 0, r0, c1, c0, 2
    isb
    mov     r0, #0x40000000         // FPEXC.EN
    vmsr    fpexc, r0
    ldr     r0, =__bss_start
    ldr     r1, =__bss_end
    mov     r2, #0
1:  cmp     r0, r1
    strlo   r2, [r0], #4
    blo     1b
    bl      linkcheck_main
    cmp     r0, #0
    ldreq   r1, =0x20026
    ldrne   r1, =0x20024
    mov     r0, #0x18               // SYS_EXIT
    svc     0x123456
2:  b       2b

// Boot code for the bare-metal example kernel (AArch64, QEMU `virt`, entered at EL1 with the
// MMU and caches off), plus the few instructions Swift cannot write itself.

    .section .text.boot, "ax"
    .global _start
_start:
    // Only the first core runs the kernel; any other one parks.
    mrs     x0, mpidr_el1
    and     x0, x0, #0xff
    cbnz    x0, park
    ldr     x0, =__stack_top
    mov     sp, x0
    // Swift's runtime and memcpy may use SIMD registers: let EL1 use FP/SIMD (CPACR.FPEN).
    mov     x0, #(3 << 20)
    msr     cpacr_el1, x0
    isb
    // Zero .bss word by word (the linker script aligns it to 16 bytes).
    ldr     x0, =__bss_start
    ldr     x1, =__bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:  ldr     x0, =vectors
    msr     vbar_el1, x0
    isb
    bl      kernel_main
    // kernel_main returns the exit status.
    bl      semihosting_exit
park:
    wfe
    b       park

    .text
// void semihosting_exit(uint64_t status): SYS_EXIT with ADP_Stopped_ApplicationExit.
    .global semihosting_exit
semihosting_exit:
    ldr     x2, =0x20026
    stp     x2, x0, [sp, #-16]!
    mov     x1, sp
    mov     w0, #0x18
    hlt     #0xf000
    b       park

// The exception vectors. A synchronous exception from EL1 at one of the probes' accesses (the
// faults the checks provoke) is recorded and skipped; anything else ends the run with status 3.
    .balign 2048
vectors:
    .balign 0x80
    b       unexpected          // Current EL, SP_EL0: synchronous
    .balign 0x80
    b       unexpected
    .balign 0x80
    b       unexpected
    .balign 0x80
    b       unexpected
    .balign 0x80
    b       record_and_skip     // Current EL, SP_ELx: synchronous
    .balign 0x80
    b       unexpected
    .balign 0x80
    b       unexpected
    .balign 0x80
    b       unexpected
    .rept 8
    .balign 0x80
    b       unexpected          // Lower ELs
    .endr

record_and_skip:
    stp     x0, x1, [sp, #-16]!
    mrs     x0, esr_el1
    mrs     x0, elr_el1         // Only the probes' accesses may fault; anything else (a
    ldr     x1, =probe_load_access  // Swift trap is a BRK, a wild pointer a data abort)
    cmp     x0, x1              // ends the run.
    b.eq    1f
    ldr     x1, =probe_store_access
    cmp     x0, x1
    b.ne    unexpected
1:  mrs     x0, esr_el1
    ldr     x1, =fault_record
    str     x0, [x1, #0]
    mrs     x0, far_el1
    str     x0, [x1, #8]
    ldr     x0, [x1, #16]
    add     x0, x0, #1
    str     x0, [x1, #16]
    mrs     x0, elr_el1         // Skip the faulting instruction.
    add     x0, x0, #4
    msr     elr_el1, x0
    ldp     x0, x1, [sp], #16
    eret

unexpected:
    mrs     x0, esr_el1
    mrs     x1, elr_el1
    bl      report_unexpected
    mov     x0, #3
    b       semihosting_exit

// Probes: one load or store the checks expect to fault (or not). A fault skips the access, so
// the load returns the marker already in x0.
    .global probe_load
probe_load:                     // uint64_t probe_load(uint64_t address)
    mov     x1, x0
    ldr     x0, =0xdeadbeefdeadbeef
probe_load_access:
    ldr     x0, [x1]
    ret
    .global probe_store
probe_store:                    // void probe_store(uint64_t address, uint64_t value)
probe_store_access:
    str     x1, [x0]
    ret

// System registers and maintenance.
    .global at_s1e1r
at_s1e1r:                       // uint64_t at_s1e1r(uint64_t va): PAR_EL1 after AT S1E1R
    at      s1e1r, x0
    isb
    mrs     x0, par_el1
    ret
    .global tlbi_page
tlbi_page:                      // void tlbi_page(uint64_t va): TLBI VAAE1IS, any ASID
    lsr     x0, x0, #12
    tlbi    vaae1is, x0
    ret
    .global tlbi_all
tlbi_all:                       // void tlbi_all(void): TLBI VMALLE1IS
    tlbi    vmalle1is
    ret
    .global tlb_sync
tlb_sync:                       // void tlb_sync(void): wait for invalidations
    dsb     ish
    isb
    ret
    .global table_barrier
table_barrier:                  // void table_barrier(void): table stores visible to walks
    dsb     ishst
    isb
    ret
    .global clean_invalidate_dcache
clean_invalidate_dcache:        // void clean_invalidate_dcache(uint64_t start, uint64_t end)
    mrs     x2, ctr_el0
    ubfx    x2, x2, #16, #4     // DminLine: log2(words) of the smallest data cache line
    mov     x3, #4
    lsl     x3, x3, x2
    sub     x4, x3, #1
    bic     x0, x0, x4
1:  cmp     x0, x1
    b.hs    2f
    dc      civac, x0
    add     x0, x0, x3
    b       1b
2:  dsb     sy
    ret
    .global enable_mmu
enable_mmu:                     // uint64_t enable_mmu(ttbr0, tcr, mair): the new SCTLR_EL1
    msr     mair_el1, x2
    msr     tcr_el1, x1
    msr     ttbr0_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    ic      iallu
    dsb     nsh
    isb
    mrs     x0, sctlr_el1
    orr     x0, x0, #(1 << 0)   // M: the MMU
    orr     x0, x0, #(1 << 2)   // C: data caches
    orr     x0, x0, #(1 << 12)  // I: instruction caches
    msr     sctlr_el1, x0
    isb
    ret
    .global read_sctlr
read_sctlr:
    mrs     x0, sctlr_el1
    ret

// What Embedded Swift expects the environment to provide: an aligned allocator, the memory
// primitives, random bytes (Set and Dictionary seeds) and a character sink. Freestanding C,
// no library. The allocator is a bump allocator that counts calls, so the checks can tell
// whether an operation touched the heap.

#include <stddef.h>
#include <stdint.h>

extern char __heap_start[], __heap_end[];
static uintptr_t heap_next = (uintptr_t)__heap_start;

/// Heap calls so far: the checks read these around an operation.
uint64_t heap_allocations, heap_frees;

int putchar(int c);
static void heap_exhausted(size_t size) {
    const char *text = "heap exhausted\n";
    while (*text) putchar(*text++);
}

int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment < 16) alignment = 16;
    uintptr_t start = (heap_next + alignment - 1) & ~(uintptr_t)(alignment - 1);
    if (start > (uintptr_t)__heap_end || size > (uintptr_t)__heap_end - start) {
        heap_exhausted(size);
        return 12;  // ENOMEM
    }
    heap_next = start + size;
    heap_allocations++;
    *result = (void *)start;
    return 0;
}

void free(void *pointer) {
    if (pointer) heap_frees++;  // A bump allocator: memory is not reused.
}

void *memset(void *destination, int value, size_t count) {
    volatile unsigned char *d = destination;  // volatile: the compiler must not call memset here.
    while (count--) *d++ = (unsigned char)value;
    return destination;
}

void *memcpy(void *destination, const void *source, size_t count) {
    volatile unsigned char *d = destination;
    const unsigned char *s = source;
    while (count--) *d++ = *s++;
    return destination;
}

void *memmove(void *destination, const void *source, size_t count) {
    volatile unsigned char *d = destination;
    const unsigned char *s = source;
    if (d < s) {
        while (count--) *d++ = *s++;
    } else {
        while (count--) d[count] = s[count];
    }
    return destination;
}

int memcmp(const void *left, const void *right, size_t count) {
    const unsigned char *l = left, *r = right;
    for (; count; count--, l++, r++) {
        if (*l != *r) return *l < *r ? -1 : 1;
    }
    return 0;
}

/// Hash seeds: a fixed xorshift stream (a kernel with an entropy source should use it).
void arc4random_buf(void *buffer, size_t count) {
    static uint64_t state = 0x9e3779b97f4a7c15u;
    unsigned char *b = buffer;
    while (count--) {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17;
        *b++ = (unsigned char)state;
    }
}

#if defined(__riscv)
/// The NS16550 UART of QEMU's RISC-V virt machine: transmit register and line status
/// (THRE, bit 5: the transmitter can take a byte).
#define UART_BASE 0x10000000u
int putchar(int c) {
    volatile uint8_t *uart = (volatile uint8_t *)(uintptr_t)UART_BASE;
    while (!(uart[5] & (1u << 5))) {}
    uart[0] = (uint8_t)c;
    return c;
}
#else
/// The PL011 UART of QEMU's ARM virt machine: data register and flag register (TXFF, bit 5).
#define UART_BASE 0x09000000u
int putchar(int c) {
    volatile uint32_t *uart = (volatile uint32_t *)(uintptr_t)UART_BASE;
    while (uart[0x18 / 4] & (1u << 5)) {}
    uart[0] = (uint32_t)(unsigned char)c;
    return c;
}
#endif

/// What the exception vector records: ESR_EL1, FAR_EL1 and a count (see start.S).
volatile uint64_t fault_record[3];

uint64_t fault_count(void) { return fault_record[2]; }
uint64_t fault_syndrome(void) { return fault_record[0]; }
uint64_t fault_address(void) { return fault_record[1]; }
uint64_t heap_allocation_count(void) { return heap_allocations; }

/// The linker script's region boundaries, by number (Swift cannot name linker symbols).
extern char __text_start[], __text_end[], __rodata_end[], __data_end[], __tables_start[], __tables_end[],
    __scratch_start[], __stack_bottom[];
uint64_t kernel_symbol(int which) {
    switch (which) {
    case 0: return (uintptr_t)__text_start;
    case 1: return (uintptr_t)__text_end;
    case 2: return (uintptr_t)__rodata_end;
    case 3: return (uintptr_t)__data_end;
    case 4: return (uintptr_t)__tables_start;
    case 5: return (uintptr_t)__tables_end;
    case 6: return (uintptr_t)__scratch_start;
    default: return (uintptr_t)__stack_bottom;
    }
}

/// Swift's stack protector: the canary and what a smashed stack calls.
uintptr_t __stack_chk_guard = (uintptr_t)0x595e9fbd94fda766u;
void __stack_chk_fail(void) {
    for (;;) {}
}

static void put_hex(uint64_t value) {
    for (int shift = 60; shift >= 0; shift -= 4) putchar("0123456789abcdef"[(value >> shift) & 0xF]);
}

/// An exception the kernel did not expect (a Swift trap, a fault outside a probe).
void report_unexpected(uint64_t syndrome, uint64_t address) {
    const char *text = "unexpected exception: ESR ";
    while (*text) putchar(*text++);
    put_hex(syndrome);
    text = " ELR ";
    while (*text) putchar(*text++);
    put_hex(address);
    putchar('\n');
}

/// `ceil`, which the Embedded standard library's hash tables call when sizing (AArch64 has an
/// instruction for it; ARMv7 VFPv3 and RV64GC do not). On the bits: conversions would need
/// more helpers on ARMv7.
double ceil(double x) {
    union { double d; uint64_t u; } v = { x };
    int exponent = (int)((v.u >> 52) & 0x7ff) - 1023;
    if (exponent >= 52) return x;                      // Integral, infinite or NaN.
    if (exponent < 0) {                                // |x| < 1
        if ((v.u << 1) == 0) return x;                 // +0 or -0
        return (v.u >> 63) ? -0.0 : 1.0;
    }
    uint64_t fraction = 0x000fffffffffffffull >> exponent;
    if ((v.u & fraction) == 0) return x;               // Already integral.
    if (!(v.u >> 63)) v.u += fraction + 1;             // Positive: up to the next integer.
    v.u &= ~fraction;                                  // Negative: truncation is ceil.
    return v.d;
}

// The ARM EABI run-time helpers that code for armv7-none-none-eabi calls and the toolchain
// does not ship (no compiler-rt builtins for bare-metal ARM): 64-bit division and the
// memory aliases. Freestanding C, small and slow -- a real kernel links its own libgcc or
// compiler-rt builtins instead.

#include <stddef.h>
#include <stdint.h>

void *memcpy(void *, const void *, size_t);
void *memmove(void *, const void *, size_t);
void *memset(void *, int, size_t);

/// Unsigned 64-bit division by shift and subtract; `*remainder` gets the remainder.
static uint64_t divide(uint64_t numerator, uint64_t denominator, uint64_t *remainder) {
    uint64_t quotient = 0, rest = 0;
    for (int bit = 63; bit >= 0; bit--) {
        rest = rest << 1 | ((numerator >> bit) & 1);
        if (rest >= denominator) { rest -= denominator; quotient |= (uint64_t)1 << bit; }
    }
    *remainder = rest;
    return quotient;
}

uint64_t __udivdi3(uint64_t n, uint64_t d) { uint64_t r; return divide(n, d, &r); }
uint64_t __umoddi3(uint64_t n, uint64_t d) { uint64_t r; divide(n, d, &r); return r; }

/// The division helpers' bodies: the quotient returned, the remainder stored.
__attribute__((used)) uint64_t eabi_uldivmod(uint64_t n, uint64_t d, uint64_t *remainder) {
    return divide(n, d, remainder);
}

__attribute__((used)) int64_t eabi_ldivmod(int64_t n, int64_t d, int64_t *remainder) {
    uint64_t un = n < 0 ? -(uint64_t)n : (uint64_t)n, ud = d < 0 ? -(uint64_t)d : (uint64_t)d, r;
    uint64_t q = divide(un, ud, &r);
    *remainder = n < 0 ? -(int64_t)r : (int64_t)r;
    return (n < 0) != (d < 0) ? -(int64_t)q : (int64_t)q;
}

// __aeabi_uldivmod and __aeabi_ldivmod return the quotient in r0:r1 and the remainder in
// r2:r3, which C cannot express: a wrapper passes a remainder slot on the stack.
#define DIVMOD_WRAPPER(name, body)                                                            \
    __attribute__((naked)) void name(void) {                                                  \
        __asm__ volatile("push {r4, lr}\n"                                                     \
                         "sub sp, sp, #16\n"                                                   \
                         "add r4, sp, #8\n"                                                    \
                         "str r4, [sp]\n"                                                      \
                         "bl " #body "\n"                                                      \
                         "ldrd r2, r3, [sp, #8]\n"                                             \
                         "add sp, sp, #16\n"                                                   \
                         "pop {r4, pc}\n");                                                    \
    }
DIVMOD_WRAPPER(__aeabi_uldivmod, eabi_uldivmod)
DIVMOD_WRAPPER(__aeabi_ldivmod, eabi_ldivmod)

/// 32-bit division with the remainder: quotient in r0, remainder in r1, which is how a
/// 64-bit value is returned.
uint64_t __aeabi_uidivmod(unsigned n, unsigned d) {
    uint64_t r;
    unsigned q = (unsigned)divide(n, d, &r);
    return (uint64_t)(uint32_t)r << 32 | q;
}

uint64_t __aeabi_idivmod(int n, int d) {
    unsigned un = n < 0 ? -(unsigned)n : (unsigned)n, ud = d < 0 ? -(unsigned)d : (unsigned)d;
    uint64_t r;
    unsigned q = (unsigned)divide(un, ud, &r);
    int quotient = (n < 0) != (d < 0) ? -(int)q : (int)q, remainder = n < 0 ? -(int)r : (int)r;
    return (uint64_t)(uint32_t)remainder << 32 | (uint32_t)quotient;
}

/// 64-bit shifts by a variable amount, on 32-bit halves (a 64-bit shift here would call them).
uint64_t __aeabi_llsl(uint64_t value, int shift) {
    uint32_t low = (uint32_t)value, high = (uint32_t)(value >> 32);
    if (shift >= 32) { high = low << (shift - 32); low = 0; }
    else if (shift > 0) { high = high << shift | low >> (32 - shift); low <<= shift; }
    return (uint64_t)high << 32 | low;
}

uint64_t __aeabi_llsr(uint64_t value, int shift) {
    uint32_t low = (uint32_t)value, high = (uint32_t)(value >> 32);
    if (shift >= 32) { low = high >> (shift - 32); high = 0; }
    else if (shift > 0) { low = low >> shift | high << (32 - shift); high >>= shift; }
    return (uint64_t)high << 32 | low;
}

int64_t __aeabi_lasr(int64_t value, int shift) {
    uint32_t low = (uint32_t)value;
    int32_t high = (int32_t)(value >> 32);
    if (shift >= 32) { low = (uint32_t)(high >> (shift - 32)); high >>= 31; }
    else if (shift > 0) { low = low >> shift | (uint32_t)high << (32 - shift); high >>= shift; }
    return (int64_t)((uint64_t)(uint32_t)high << 32 | low);
}

unsigned __aeabi_uidiv(unsigned n, unsigned d) { uint64_t r; return (unsigned)divide(n, d, &r); }
int __aeabi_idiv(int n, int d) {
    unsigned un = n < 0 ? -(unsigned)n : (unsigned)n, ud = d < 0 ? -(unsigned)d : (unsigned)d;
    uint64_t r;
    unsigned q = (unsigned)divide(un, ud, &r);
    return (n < 0) != (d < 0) ? -(int)q : (int)q;
}

void __aeabi_memcpy(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy4(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memcpy8(void *d, const void *s, size_t n) { memcpy(d, s, n); }
void __aeabi_memmove(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove4(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memmove8(void *d, const void *s, size_t n) { memmove(d, s, n); }
void __aeabi_memset(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset4(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memset8(void *d, size_t n, int c) { memset(d, c, n); }
void __aeabi_memclr(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr4(void *d, size_t n) { memset(d, 0, n); }
void __aeabi_memclr8(void *d, size_t n) { memset(d, 0, n); }

// C11 atomics over raw table memory, for PageTableConcurrent.
//
// Swift's Synchronization module offers `Atomic` values with their own storage; it cannot view
// a descriptor word inside a table that lives in caller-provided (simulated physical or DMA)
// memory. These inline functions do exactly that, and nothing else.
#ifndef PAGE_TABLE_ATOMICS_H
#define PAGE_TABLE_ATOMICS_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

/// Loads a 64-bit descriptor with acquire ordering: what its writer stored before it (a
/// zeroed and filled table) is visible after the load.
static inline uint64_t pt_load_acquire64(const void *word) {
    return atomic_load_explicit((_Atomic uint64_t *)word, memory_order_acquire);
}

/// Loads a 32-bit descriptor with acquire ordering.
static inline uint32_t pt_load_acquire32(const void *word) {
    return atomic_load_explicit((_Atomic uint32_t *)word, memory_order_acquire);
}

/// Stores a 64-bit descriptor with release ordering.
static inline void pt_store_release64(void *word, uint64_t value) {
    atomic_store_explicit((_Atomic uint64_t *)word, value, memory_order_release);
}

/// Stores a 32-bit descriptor with release ordering.
static inline void pt_store_release32(void *word, uint32_t value) {
    atomic_store_explicit((_Atomic uint32_t *)word, value, memory_order_release);
}

/// Replaces `*expected` with `desired` if the word still holds it (release on success, acquire
/// on failure); otherwise puts the word's value in `*expected`. Returns whether it replaced.
static inline bool pt_compare_exchange64(void *word, uint64_t *expected, uint64_t desired) {
    return atomic_compare_exchange_strong_explicit((_Atomic uint64_t *)word, expected, desired,
                                                   memory_order_acq_rel, memory_order_acquire);
}

/// The 32-bit form of `pt_compare_exchange64`.
static inline bool pt_compare_exchange32(void *word, uint32_t *expected, uint32_t desired) {
    return atomic_compare_exchange_strong_explicit((_Atomic uint32_t *)word, expected, desired,
                                                   memory_order_acq_rel, memory_order_acquire);
}

/// Adds `delta` to a counter word, sequentially consistent; returns the old value.
static inline int64_t pt_fetch_add_seq(void *word, int64_t delta) {
    return atomic_fetch_add_explicit((_Atomic int64_t *)word, delta, memory_order_seq_cst);
}

/// Loads a counter word, sequentially consistent.
static inline int64_t pt_load_seq(const void *word) {
    return atomic_load_explicit((_Atomic int64_t *)word, memory_order_seq_cst);
}

/// A small per-thread number, handed out round-robin on a thread's first call: readers spread
/// their counters over stripes by it, so concurrent translations do not share one cache line.
unsigned pt_thread_stripe(void);

/// Gives up the processor (a grace-period wait spins with it).
void pt_yield(void);

#endif

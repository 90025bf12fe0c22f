#include "PageTableAtomics.h"
#include <sched.h>

static _Atomic unsigned next_stripe = 0;
static _Thread_local unsigned thread_stripe = 0;  // 0: not assigned yet (stripes count from 1).

unsigned pt_thread_stripe(void) {
    if (thread_stripe == 0) {
        thread_stripe = atomic_fetch_add_explicit(&next_stripe, 1, memory_order_relaxed) + 1;
    }
    return thread_stripe - 1;
}

void pt_yield(void) { sched_yield(); }

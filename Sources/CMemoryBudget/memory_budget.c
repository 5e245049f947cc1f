// The process's memory budget; see memory_budget.h. Atomics: the HTTP client's event loops
// reserve while the Lua thread allocates.
#include "memory_budget.h"

#include <stdatomic.h>

static _Atomic size_t budget_limit;
static _Atomic size_t budget_used;

void tl_budget_set_limit(size_t limit) { atomic_store(&budget_limit, limit); }
size_t tl_budget_limit(void) { return atomic_load(&budget_limit); }
size_t tl_budget_used(void) { return atomic_load(&budget_used); }

int tl_budget_reserve(size_t bytes) {
    size_t limit = atomic_load(&budget_limit);
    size_t used = atomic_load(&budget_used);
    do {
        if (limit != 0 && (bytes > limit || used > limit - bytes)) return 0;
    } while (!atomic_compare_exchange_weak(&budget_used, &used, used + bytes));
    return 1;
}

void tl_budget_release(size_t bytes) { atomic_fetch_sub(&budget_used, bytes); }

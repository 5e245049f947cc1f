// One memory budget for the whole process (`--max-memory`): Lua's allocator and the large
// buffers Swift holds for the script (response bodies, JSON text being encoded, files being
// uploaded) draw from the same count, so a script cannot get around the limit by making Swift
// allocate for it. C, so that Lua's allocator (LuaShims) and the HTTP client (Telnyx) share it.
#ifndef MEMORY_BUDGET_H
#define MEMORY_BUDGET_H

#include <stddef.h>

/// Sets the budget in bytes (0: unlimited). Bytes already counted stay counted.
void tl_budget_set_limit(size_t limit);
/// The budget in bytes (0: unlimited).
size_t tl_budget_limit(void);
/// Bytes counted now.
size_t tl_budget_used(void);
/// Counts `bytes` more if that stays within the budget: 1 if counted, 0 if refused.
int tl_budget_reserve(size_t bytes);
/// Stops counting `bytes`.
void tl_budget_release(size_t bytes);

#endif

// The parts of the Lua 5.4 C API that Swift cannot import (macros), and the trampolines that
// raise errors on behalf of Swift functions. Lua's error raising longjmps; doing that through a
// Swift frame skips its cleanup, so Swift functions only *report* an error and the C trampoline
// below raises it after the Swift frame has returned.
#ifndef LUA_SHIMS_H
#define LUA_SHIMS_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

// ---- Macro wrappers -------------------------------------------------------------------------

static inline int tl_pcall(lua_State *L, int nargs, int nresults, int msgh) {
    return lua_pcall(L, nargs, nresults, msgh);
}
static inline void tl_call(lua_State *L, int nargs, int nresults) { lua_call(L, nargs, nresults); }
static inline const char *tl_tostring(lua_State *L, int idx) { return lua_tostring(L, idx); }
static inline lua_Number tl_tonumber(lua_State *L, int idx) { return lua_tonumber(L, idx); }
static inline lua_Integer tl_tointeger(lua_State *L, int idx) { return lua_tointeger(L, idx); }
static inline void tl_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void tl_newtable(lua_State *L) { lua_newtable(L); }
static inline int tl_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline int tl_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline void tl_pushglobaltable(lua_State *L) { lua_pushglobaltable(L); }
static inline void tl_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void tl_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline void tl_replace(lua_State *L, int idx) { lua_replace(L, idx); }
static inline int tl_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline int tl_isinteger(lua_State *L, int idx) { return lua_isinteger(L, idx); }
static inline void *tl_newuserdata(lua_State *L, size_t size) { return lua_newuserdata(L, size); }
static inline void tl_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }
static inline int tl_getmetatable_named(lua_State *L, const char *name) {
    return luaL_getmetatable(L, name);
}
static inline int tl_loadbuffer(lua_State *L, const char *buf, size_t size, const char *name) {
    return luaL_loadbuffer(L, buf, size, name);
}
static inline int tl_loadfile(lua_State *L, const char *path) { return luaL_loadfile(L, path); }
static inline int tl_yield(lua_State *L, int n) { return lua_yield(L, n); }
static inline int tl_lua_version_num(void) { return LUA_VERSION_NUM; }
static inline const char *tl_lua_release(void) { return LUA_RELEASE; }
static inline int tl_multret(void) { return LUA_MULTRET; }
static inline int tl_minstack(void) { return LUA_MINSTACK; }

// ---- Swift functions callable from Lua --------------------------------------------------------

/// What a Swift function returns besides a result count (>= 0).
enum {
    /// Raise the value on top of the stack as the error, unchanged (an error table, say).
    TL_RAISE = -1,
    /// Raise the string on top of the stack, prefixed with the caller's `file:line:`.
    TL_RAISE_WHERE = -2,
};

/// Calls the Swift function whose box is `box`; returns a count or a TL_RAISE code.
typedef int (*tl_dispatch_fn)(lua_State *L, void *box);
/// Releases a box when the Lua closure holding it is collected.
typedef void (*tl_release_fn)(void *box);

/// Installs the two Swift entry points; called once, before any Swift function is pushed.
void tl_set_swift_entry_points(tl_dispatch_fn dispatch, tl_release_fn release);

/// Pushes a Lua C closure that calls the Swift function in `box` (retained by the caller; the
/// closure's collection releases it through the release entry point).
void tl_push_swift_function(lua_State *L, void *box);

// ---- Protected calls with tracebacks -------------------------------------------------------

/// lua_pcall with a message handler that adds a traceback: a string error becomes
/// "message\nstack traceback:..."; a table error gets a `traceback` field (when it has none).
int tl_pcall_traceback(lua_State *L, int nargs, int nresults);

/// Resumes coroutine `co`; on error leaves the error value with a traceback as above.
int tl_resume(lua_State *co, lua_State *from, int nargs, int *nresults);

// ---- Limits ----------------------------------------------------------------------------------

/// Creates a state whose allocator refuses to grow past `limit` bytes (0: no limit).
lua_State *tl_newstate_limited(size_t limit);
/// Bytes currently allocated by a state made with tl_newstate_limited.
size_t tl_allocated_bytes(lua_State *L);
/// Changes the allocation limit of a state made with tl_newstate_limited (0: no limit).
void tl_set_memory_limit(lua_State *L, size_t limit);

/// Arms an instruction-count hook on `L` (copied by coroutines created after) that raises
/// "interrupted" once tl_request_interrupt was called (from a signal handler, say), or
/// "script timed out" once the deadline set by tl_set_deadline has passed.
void tl_arm_interrupt_hook(lua_State *L);
void tl_request_interrupt(void);
void tl_clear_interrupt(void);
int tl_interrupt_requested(void);
void tl_set_deadline(double seconds_from_now);


// ---- Signals ---------------------------------------------------------------------------------

/// Installs a SIGINT handler that requests an interrupt (see above) and, as lua.c does, restores
/// the default action so that a second Ctrl-C ends the process.
void tl_install_sigint_handler(void);

#endif

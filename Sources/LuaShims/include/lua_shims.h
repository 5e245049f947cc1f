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
static inline int tl_loadbuffer_mode(lua_State *L, const char *buf, size_t size, const char *name, const char *mode) {
    return luaL_loadbufferx(L, buf, size, name, mode);
}
static inline int tl_loadfile(lua_State *L, const char *path) { return luaL_loadfile(L, path); }
static inline int tl_yield(lua_State *L, int n) { return lua_yield(L, n); }
static inline int tl_lua_version_num(void) { return LUA_VERSION_NUM; }
static inline const char *tl_lua_release(void) { return LUA_RELEASE; }
static inline const char *tl_lua_copyright(void) { return LUA_COPYRIGHT; }
static inline int tl_multret(void) { return LUA_MULTRET; }
static inline int tl_minstack(void) { return LUA_MINSTACK; }

/// Pushes the registry's table `key`, made on first use with weak keys (so entries go with the
/// values they describe), as ldblib.c makes its hook table.
static inline void tl_push_weak_registry_table(lua_State *L, const char *key) {
    if (!luaL_getsubtable(L, LUA_REGISTRYINDEX, key)) {
        lua_pushliteral(L, "k");
        lua_setfield(L, -2, "__mode");
        lua_pushvalue(L, -1);
        lua_setmetatable(L, -2);
    }
}

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

/// Registry field: a weak table from error tables to their text, made by the traceback handler
/// while the error's frames still existed (a `__tostring` may look at them).
#define TL_ERROR_TEXTS "telnyx-lua.error-texts"

/// luaL_tolstring run protected: pushes the text of the value at `index` and returns it; a
/// `__tostring` that fails, or returns a non-string, gives "(error object is a T value)".
const char *tl_tostring_protected(lua_State *L, int index, size_t *length);

// ---- Interrupts, the watchdog and hooks (hooks.c) ---------------------------------------------

/// The exit status when the watchdog ends a script that did not stop at its deadline.
enum { TL_EXIT_TIMEOUT = 124 };

/// Arms the host's hook on `L` (copied by coroutines created after): every 1000 instructions it
/// raises "interrupted" once tl_request_interrupt was called, or "script timed out" once the
/// deadline has passed. A hook the script set with debug.sethook is kept.
void tl_arm_interrupt_hook(lua_State *L);
/// Replaces debug.sethook and debug.gethook so that the script's hooks run beside the host's.
void tl_install_shared_hooks(lua_State *L);
void tl_request_interrupt(void);
/// Clears a pending Ctrl-C (a timeout, once reached, stays).
void tl_clear_interrupt(void);
/// Whether an interrupt or the timeout is pending: long waits in Swift poll it.
int tl_interrupt_requested(void);
/// Whether the deadline has passed (it stays passed).
int tl_timed_out(void);
/// What the pending interrupt says: "interrupted" or "script timed out (--timeout)".
const char *tl_interrupt_message(void);
/// Starts (or moves) the deadline, kept by a watchdog thread; <= 0: none.
void tl_set_deadline(double seconds_from_now);
/// Makes the watchdog end the process (status TL_EXIT_TIMEOUT, with a message) when the script
/// has not stopped `grace_seconds` after the deadline. For the command line, not for embedders.
void tl_end_process_after_timeout(double grace_seconds);

// ---- Safe mode (safe_library.c) --------------------------------------------------------------

/// Replaces the functions a recipe could use to reach files or load non-text code (io.open,
/// io.lines, io.input, io.output, os.remove, os.rename, loadfile, dofile, load, require's Lua
/// searcher, package.searchpath) with C closures that resolve paths beneath the folder set by
/// tl_beneath_set_root; refuses os.execute, io.popen, io.tmpfile, os.tmpname and
/// package.loadlib; removes the debug library; hides the environment variables named in the
/// NULL-terminated `hidden_variables` from os.getenv. Returns 0 when no folder is set.
int tl_safe_install(lua_State *L, const char *const *hidden_variables);

/// luaL_loadfilex with mode "t" (text only): `path` NULL reads stdin.
static inline int tl_loadfile_text(lua_State *L, const char *path) { return luaL_loadfilex(L, path, "t"); }

// ---- Signals ---------------------------------------------------------------------------------

/// Installs a SIGINT handler that requests an interrupt (see above) and, as lua.c does, restores
/// the default action so that a second Ctrl-C ends the process.
void tl_install_sigint_handler(void);

/// For `telnyx-lua serve`: the first SIGINT or SIGTERM asks the server to stop (stop accepting,
/// let the handlers finish); a second one ends the process at once, as the default action does.
void tl_install_stop_handlers(void);
/// Whether a stop was asked for since tl_install_stop_handlers.
int tl_stop_requested(void);

#endif

// Trampolines, traceback handlers and limits for the Swift host. See lua_shims.h.
#include "lua_shims.h"

#include "memory_budget.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- Swift functions ----------------------------------------------------------------------

static tl_dispatch_fn swift_dispatch;
static tl_release_fn swift_release;
static const char *const BOX_METATABLE = "telnyx-lua.swift-function";

void tl_set_swift_entry_points(tl_dispatch_fn dispatch, tl_release_fn release) {
    swift_dispatch = dispatch;
    swift_release = release;
}

static int release_box(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, 1);
    if (slot != NULL && *slot != NULL) {
        swift_release(*slot);
        *slot = NULL;
    }
    return 0;
}

// The one C function behind every Swift function: upvalue 1 is a userdata holding the box.
// The Swift frame has returned before lua_error runs, so no Swift cleanup is skipped.
static int trampoline(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
    int n = swift_dispatch(L, *slot);
    if (n >= 0) return n;
    if (n == TL_RAISE_WHERE) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
    }
    return lua_error(L);
}

void tl_push_swift_function(lua_State *L, void *box) {
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *slot = box;
    if (luaL_newmetatable(L, BOX_METATABLE)) {
        lua_pushcfunction(L, release_box);
        lua_setfield(L, -2, "__gc");
        lua_pushliteral(L, "swift function");
        lua_setfield(L, -2, "__name");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, trampoline, 1);
}

// ---- Tracebacks -----------------------------------------------------------------------------

// luaL_tolstring with the `__tostring` call protected, so that one that errors, loops (until an
// interrupt) or returns a non-string cannot take the process down; such a value reads as
// "(error object is a T value)", as lua.c prints it. The metamethod is called directly (no C
// frame between it and the caller), so `debug.getinfo` levels inside it are lua.c's. Must be
// called on a thread that can run.
const char *tl_tostring_protected(lua_State *L, int index, size_t *length) {
    index = lua_absindex(L, index);
    int t = lua_type(L, index);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        lua_pushvalue(L, index);
        return lua_tolstring(L, -1, length);
    }
    if (luaL_getmetafield(L, index, "__tostring") == LUA_TNIL) {
        luaL_tolstring(L, index, NULL);  // "table: 0x...", a __name, "nil": no script code runs
        return lua_tolstring(L, -1, length);
    }
    lua_pushvalue(L, index);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK || lua_type(L, -1) != LUA_TSTRING) {
        lua_pop(L, 1);
        lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, index));
    }
    return lua_tolstring(L, -1, length);
}

// Adds a traceback of thread `of` to the error value on top of `L`: a string (or a value with a
// `__tostring`) becomes "message\nstack traceback:..."; a table gets a `traceback` field when it
// has none. `L` must be able to run code (the message is made there, protected); `of` is only
// read. Nothing here may raise: it runs inside message handlers and after a coroutine died.
static void add_traceback(lua_State *L, lua_State *of, int level) {
    int value = lua_gettop(L);
    if (lua_type(L, value) == LUA_TTABLE) {
        lua_pushliteral(L, "traceback");
        if (lua_rawget(L, value) == LUA_TNIL && lua_checkstack(L, 4)) {
            luaL_traceback(L, of, NULL, level);
            lua_pushliteral(L, "traceback");
            lua_insert(L, -2);
            lua_rawset(L, value);
        }
        lua_settop(L, value);
        // Its text is made now, while the error's frames are still there (lua.c's handler does
        // the same; a __tostring may look at them), and kept for LuaError to read.
        if (luaL_getmetafield(L, value, "__tostring") != LUA_TNIL && lua_checkstack(L, 4)) {
            lua_pop(L, 1);
            tl_push_weak_registry_table(L, TL_ERROR_TEXTS);
            lua_pushvalue(L, value);
            tl_tostring_protected(L, value, NULL);
            lua_rawset(L, -3);
        }
        lua_settop(L, value);
        return;
    }
    int t = lua_type(L, value);
    const char *msg = t == LUA_TSTRING || t == LUA_TNUMBER || luaL_getmetafield(L, value, "__tostring") != LUA_TNIL
        ? (lua_settop(L, value), tl_tostring_protected(L, value, NULL))
        : lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, value));
    luaL_traceback(L, of, msg, level);
    lua_replace(L, value);
    lua_settop(L, value);
}

static int message_handler(lua_State *L) {
    add_traceback(L, L, 1);
    return 1;
}

int tl_pcall_traceback(lua_State *L, int nargs, int nresults) {
    int base = lua_gettop(L) - nargs;  // the function's index
    lua_pushcfunction(L, message_handler);
    lua_insert(L, base);
    int status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

int tl_resume(lua_State *co, lua_State *from, int nargs, int *nresults) {
    int status = lua_resume(co, from, nargs, nresults);
    if (status != LUA_OK && status != LUA_YIELD) {
        // The dead coroutine's stack is intact: read the traceback from it, but make the message
        // on `from` (a dead coroutine cannot run a `__tostring`), then hand the result back.
        lua_xmove(co, from, 1);
        add_traceback(from, co, 0);
        lua_xmove(from, co, 1);
        *nresults = 1;
    }
    return status;
}

// ---- Memory limit -------------------------------------------------------------------------

typedef struct {
    size_t used;
    size_t limit;
    int budgeted;  // also counted in the process's budget (memory_budget.h)
} memory_account;

// Lua's allocator: refuses to grow past the state's own limit, and past the process's budget
// when one was set before the state was made (`--max-memory`).
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    memory_account *account = (memory_account *)ud;
    size_t old = ptr != NULL ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        account->used -= old;
        if (account->budgeted) tl_budget_release(old);
        return NULL;
    }
    if (nsize > old) {
        if (account->limit != 0 && account->used - old + nsize > account->limit) return NULL;
        if (account->budgeted && !tl_budget_reserve(nsize - old)) return NULL;  // "not enough memory"
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) {
        if (account->budgeted && nsize > old) tl_budget_release(nsize - old);
        return NULL;
    }
    account->used = account->used - old + nsize;
    if (account->budgeted && nsize < old) tl_budget_release(old - nsize);
    return block;
}

static void warn_off(void *ud, const char *message, int tocont);

static int panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "telnyx-lua: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
    fflush(stderr);
    return 0;  // lua aborts
}

lua_State *tl_newstate_limited(size_t limit) {
    memory_account *account = (memory_account *)calloc(1, sizeof(memory_account));
    if (account == NULL) return NULL;
    account->limit = limit;
    account->budgeted = tl_budget_limit() != 0;
    lua_State *L = lua_newstate(limited_alloc, account);
    if (L == NULL) {
        free(account);
        return NULL;
    }
    lua_atpanic(L, panic);
    lua_setwarnf(L, warn_off, L);
    return L;
}

size_t tl_allocated_bytes(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return ((memory_account *)ud)->used;
}

void tl_set_memory_limit(lua_State *L, size_t limit) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    ((memory_account *)ud)->limit = limit;
}

// ---- Warnings -------------------------------------------------------------------------------

// lauxlib.c's warning functions (static there; lua_newstate with our allocator does not install
// them as luaL_newstate does): off until "@on", messages in pieces, "Lua warning: " on stderr.
static void warn_off(void *ud, const char *message, int tocont);
static void warn_on(void *ud, const char *message, int tocont);
static void warn_continue(void *ud, const char *message, int tocont);

// A control message ("@on", "@off") switches; other messages starting with '@' are ignored.
static int warn_control(lua_State *L, const char *message, int tocont) {
    if (tocont || *(message++) != '@') return 0;
    if (strcmp(message, "off") == 0) lua_setwarnf(L, warn_off, L);
    else if (strcmp(message, "on") == 0) lua_setwarnf(L, warn_on, L);
    return 1;
}

static void warn_off(void *ud, const char *message, int tocont) { warn_control((lua_State *)ud, message, tocont); }

static void warn_continue(void *ud, const char *message, int tocont) {
    lua_State *L = (lua_State *)ud;
    fputs(message, stderr);
    if (tocont) {
        lua_setwarnf(L, warn_continue, L);
    } else {
        fputs("\n", stderr);
        fflush(stderr);
        lua_setwarnf(L, warn_on, L);
    }
}

static void warn_on(void *ud, const char *message, int tocont) {
    if (warn_control((lua_State *)ud, message, tocont)) return;
    fputs("Lua warning: ", stderr);
    warn_continue(ud, message, tocont);
}

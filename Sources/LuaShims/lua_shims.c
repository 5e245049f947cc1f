// Trampolines, traceback handlers and limits for the Swift host. See lua_shims.h.
#include "lua_shims.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

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

// Adds a traceback to the error at `index` of `L`, the traceback read from `of`.
static void add_traceback(lua_State *L, lua_State *of, int level) {
    int t = lua_type(L, -1);
    if (t == LUA_TTABLE) {
        if (lua_getfield(L, -1, "traceback") == LUA_TNIL) {
            luaL_traceback(L, of, NULL, level);
            lua_setfield(L, -3, "traceback");
        }
        lua_pop(L, 1);
        return;
    }
    const char *msg = NULL;
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        msg = lua_tostring(L, -1);
    } else if (luaL_callmeta(L, -1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) {
        msg = lua_tostring(L, -1);
        lua_remove(L, -2);
    } else {
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, -1));
        lua_remove(L, -2);
    }
    luaL_traceback(L, of, msg, level);
    lua_remove(L, -2);
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
        // The dead coroutine's stack is intact: read the traceback from it.
        add_traceback(co, co, 0);
        *nresults = 1;
    }
    return status;
}

// ---- Memory limit -------------------------------------------------------------------------

typedef struct {
    size_t used;
    size_t limit;
} memory_account;

static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    memory_account *account = (memory_account *)ud;
    size_t old = ptr != NULL ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        account->used -= old;
        return NULL;
    }
    if (account->limit != 0 && nsize > old && account->used - old + nsize > account->limit) {
        return NULL;  // Lua raises "not enough memory"
    }
    void *block = realloc(ptr, nsize);
    if (block != NULL) account->used = account->used - old + nsize;
    return block;
}

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
    lua_State *L = lua_newstate(limited_alloc, account);
    if (L == NULL) {
        free(account);
        return NULL;
    }
    lua_atpanic(L, panic);
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

// ---- Interrupts and deadlines -------------------------------------------------------------

static volatile sig_atomic_t interrupt_flag;
static double deadline;  // CLOCK_MONOTONIC seconds; 0: none

static double monotonic_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

// Once it fires, the hook runs at every instruction, so the error is raised again right after
// a pcall that caught it returns: a runaway `while true do pcall(f) end` stops too.
static void interrupt_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    if (interrupt_flag) {
        lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1);
        luaL_error(L, "interrupted");
    }
    if (deadline != 0 && monotonic_now() > deadline) {
        lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1);
        luaL_error(L, "script timed out (--timeout)");
    }
}

// lua_newthread copies the creating thread's hook, so arming the main state covers coroutines
// made after it.
void tl_arm_interrupt_hook(lua_State *L) { lua_sethook(L, interrupt_hook, LUA_MASKCOUNT, 1000); }
void tl_request_interrupt(void) { interrupt_flag = 1; }
void tl_clear_interrupt(void) { interrupt_flag = 0; }
int tl_interrupt_requested(void) { return interrupt_flag != 0; }
void tl_set_deadline(double seconds_from_now) {
    deadline = seconds_from_now > 0 ? monotonic_now() + seconds_from_now : 0;
}

// ---- Signals ------------------------------------------------------------------------------

static void on_sigint(int sig) {
    signal(sig, SIG_DFL);  // a second Ctrl-C ends the process, as in lua.c
    interrupt_flag = 1;
}

void tl_install_sigint_handler(void) {
    signal(SIGINT, on_sigint);
    // A parent may have started us with SIGINT blocked (the mask is inherited): unblock it.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

// Interrupts (Ctrl-C), the --timeout watchdog, and user hooks that share the host's hook.
// See lua_shims.h.
//
// Lua has one hook per thread (lua_State). The host needs it to stop runaway code; scripts
// (profilers, coverage, debuggers) want it too. So every thread runs one C hook, `shared_hook`:
// it does the host's check, then calls the user's Lua hook, kept per thread in a registry table
// as ldblib.c keeps its own, when the event is one the user asked for. debug.sethook and
// debug.gethook are replaced to read and write that table, so `debug.gethook()` is nil when the
// script set no hook and `debug.sethook(debug.gethook())` round-trips.
#include "lua_shims.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

// ---- Interrupts -----------------------------------------------------------------------------

enum { REASON_NONE = 0, REASON_SIGINT = 1, REASON_TIMEOUT = 2 };
static volatile sig_atomic_t interrupt_reason;

// How often the host looks at interrupt_reason when nothing else asks for a hook.
enum { HOST_COUNT = 1000 };

// Registry: thread -> {f, mask, count, step, ticks}, weak keys; the name and the weakness are
// ldblib.c's, which Lua's own test suite (db.lua) checks.
static const char *const USER_HOOKS = "_HOOKKEY";
static int user_hook_threads;  // how many threads have a user hook (0: skip the lookup)

static void shared_hook(lua_State *L, lua_Debug *ar);

static void host_check(lua_State *L) {
    int reason = interrupt_reason;
    if (reason == REASON_NONE) return;
    // From now on at every instruction, so a pcall that caught the error cannot keep going.
    lua_sethook(L, shared_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "%s", tl_interrupt_message());
}

// Pushes the user's hook record of thread L (a table) and returns 1, or pushes nothing and
// returns 0.
static int push_user_hook(lua_State *L, lua_State *of) {
    if (user_hook_threads == 0) return 0;
    if (lua_getfield(L, LUA_REGISTRYINDEX, USER_HOOKS) != LUA_TTABLE) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushthread(of);
    if (of != L) lua_xmove(of, L, 1);
    if (lua_rawget(L, -2) != LUA_TTABLE) {
        lua_pop(L, 2);
        return 0;
    }
    lua_remove(L, -2);
    return 1;
}

// A field of a hook record, clamped to [low, high]: the record sits in the registry, which a
// script can reach (debug.getregistry) and change, so nothing read back is trusted.
static int field_int(lua_State *L, int index, const char *name, int low, int high) {
    index = lua_absindex(L, index);
    lua_pushstring(L, name);
    lua_rawget(L, index);
    lua_Integer value = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : low;
    lua_pop(L, 1);
    return value < low ? low : value > high ? high : (int)value;
}

static void shared_hook(lua_State *L, lua_Debug *ar) {
    if (ar->event == LUA_HOOKCOUNT) host_check(L);
    if (!push_user_hook(L, L)) return;
    int record = lua_gettop(L);
    int mask = field_int(L, record, "mask", 0, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT);
    int call_user = 0;
    if (ar->event == LUA_HOOKCOUNT) {
        // The state counts in steps of `step` (a divisor of the user's count), so the user's
        // hook runs every `count` instructions exactly.
        int ticks = field_int(L, record, "ticks", 0, 0x7fffffff - 1) + 1;
        int needed = field_int(L, record, "count", 0, 0x7fffffff) / field_int(L, record, "step", 1, HOST_COUNT);
        if ((mask & LUA_MASKCOUNT) && ticks >= needed) {
            ticks = 0;
            call_user = 1;
        }
        lua_pushinteger(L, ticks);
        lua_setfield(L, record, "ticks");
    } else {
        int bit = ar->event == LUA_HOOKTAILCALL ? LUA_MASKCALL : (1 << ar->event);
        call_user = (mask & bit) != 0;
    }
    if (call_user) {
        static const char *const names[] = {"call", "return", "line", "count", "tail call"};
        lua_pushliteral(L, "f");
        lua_rawget(L, record);
        lua_pushstring(L, names[ar->event]);
        if (ar->currentline >= 0) lua_pushinteger(L, ar->currentline);
        else lua_pushnil(L);
        lua_getinfo(L, "lS", ar);
        lua_call(L, 2, 0);
    }
    lua_settop(L, record - 1);
}

// The largest divisor of `count` that is at most HOST_COUNT, so host checks stay frequent.
static int count_step(int count) {
    if (count <= HOST_COUNT) return count;
    for (int d = HOST_COUNT; d > 1; d--) {
        if (count % d == 0) return d;
    }
    return 1;
}

// Sets thread L1's hook from its user record (or the host's alone when it has none).
static void arm(lua_State *L, lua_State *L1) {
    int mask = LUA_MASKCOUNT, count = HOST_COUNT;
    if (push_user_hook(L, L1)) {
        int user_mask = field_int(L, -1, "mask", 0, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT);
        mask |= user_mask;
        // Never fewer checks than the host's own: Ctrl-C and the timeout depend on them.
        if (user_mask & LUA_MASKCOUNT) count = field_int(L, -1, "step", 1, HOST_COUNT);
        lua_pop(L, 1);
    }
    lua_sethook(L1, shared_hook, mask, count);
}

void tl_arm_interrupt_hook(lua_State *L) { arm(L, L); }

void tl_request_interrupt(void) { interrupt_reason = REASON_SIGINT; }
// A timeout stays: past the deadline nothing more runs.
void tl_clear_interrupt(void) {
    if (interrupt_reason == REASON_SIGINT) interrupt_reason = REASON_NONE;
}
int tl_interrupt_requested(void) { return interrupt_reason != REASON_NONE; }
int tl_timed_out(void) { return interrupt_reason == REASON_TIMEOUT; }
const char *tl_interrupt_message(void) {
    return interrupt_reason == REASON_TIMEOUT ? "script timed out (--timeout)" : "interrupted";
}

// ---- debug.sethook / debug.gethook ------------------------------------------------------------

static lua_State *thread_argument(lua_State *L, int *arg) {
    if (lua_isthread(L, 1)) {
        *arg = 1;
        return lua_tothread(L, 1);
    }
    *arg = 0;
    return L;
}

static int make_mask(const char *s, int count) {
    int mask = 0;
    if (strchr(s, 'c')) mask |= LUA_MASKCALL;
    if (strchr(s, 'r')) mask |= LUA_MASKRET;
    if (strchr(s, 'l')) mask |= LUA_MASKLINE;
    if (count > 0) mask |= LUA_MASKCOUNT;
    return mask;
}

// debug.sethook([thread,] hook, mask [, count]) as in ldblib.c, kept beside the host's hook.
static int user_sethook(lua_State *L) {
    int arg;
    lua_State *L1 = thread_argument(L, &arg);
    int mask = 0, count = 0;
    if (lua_isnoneornil(L, arg + 1)) {
        lua_settop(L, arg + 1);
    } else {
        const char *smask = luaL_checkstring(L, arg + 2);
        luaL_checktype(L, arg + 1, LUA_TFUNCTION);
        lua_Integer n = luaL_optinteger(L, arg + 3, 0);
        count = n < 0 ? 0 : n > 0x7fffffff ? 0x7fffffff : (int)n;
        mask = make_mask(smask, count);
    }
    tl_push_weak_registry_table(L, USER_HOOKS);  // a dead coroutine's hook goes with it
    lua_pushthread(L1);
    if (L1 != L) lua_xmove(L1, L, 1);
    int had = lua_rawget(L, -2) == LUA_TTABLE;
    lua_pop(L, 1);
    lua_pushthread(L1);
    if (L1 != L) lua_xmove(L1, L, 1);
    if (mask == 0) {
        lua_pushnil(L);
        user_hook_threads -= had;
    } else {
        lua_createtable(L, 0, 5);
        lua_pushvalue(L, arg + 1);
        lua_setfield(L, -2, "f");
        lua_pushinteger(L, mask);
        lua_setfield(L, -2, "mask");
        lua_pushinteger(L, count);
        lua_setfield(L, -2, "count");
        lua_pushinteger(L, count > 0 ? count_step(count) : HOST_COUNT);
        lua_setfield(L, -2, "step");
        lua_pushinteger(L, 0);
        lua_setfield(L, -2, "ticks");
        user_hook_threads += !had;
    }
    lua_rawset(L, -3);
    lua_pop(L, 1);
    arm(L, L1);
    return 0;
}

// debug.gethook([thread]): the script's own hook, mask and count; nil when it set none.
static int user_gethook(lua_State *L) {
    int arg;
    lua_State *L1 = thread_argument(L, &arg);
    if (!push_user_hook(L, L1)) {
        luaL_pushfail(L);
        return 1;
    }
    int record = lua_gettop(L);
    lua_pushliteral(L, "f");
    lua_rawget(L, record);
    int mask = field_int(L, record, "mask", 0, LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT);
    char smask[4];
    int i = 0;
    if (mask & LUA_MASKCALL) smask[i++] = 'c';
    if (mask & LUA_MASKRET) smask[i++] = 'r';
    if (mask & LUA_MASKLINE) smask[i++] = 'l';
    smask[i] = 0;
    lua_pushstring(L, smask);
    lua_pushinteger(L, field_int(L, record, "count", 0, 0x7fffffff));
    return 3;
}

void tl_install_shared_hooks(lua_State *L) {
    if (lua_getglobal(L, "debug") == LUA_TTABLE) {
        lua_pushcfunction(L, user_sethook);
        lua_setfield(L, -2, "sethook");
        lua_pushcfunction(L, user_gethook);
        lua_setfield(L, -2, "gethook");
    }
    lua_pop(L, 1);
}

// ---- The --timeout watchdog --------------------------------------------------------------------

static pthread_mutex_t watchdog_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watchdog_wake;
static struct timespec watchdog_deadline;
static double watchdog_grace = -1;  // < 0: never end the process
static int watchdog_running;

static struct timespec after(struct timespec t, double seconds) {
    double whole = (double)(time_t)seconds;
    t.tv_sec += (time_t)seconds;
    t.tv_nsec += (long)((seconds - whole) * 1e9);
    if (t.tv_nsec >= 1000000000L) {
        t.tv_sec += 1;
        t.tv_nsec -= 1000000000L;
    }
    return t;
}

// Waits for the deadline (which tl_set_deadline may move), raises the timeout, then, when the
// process is to be ended and the script has not stopped within the grace, ends it: code stuck in
// one C call (a pathological pattern), a message handler or a finalizer never reaches the hook.
static void *watchdog(void *unused) {
    (void)unused;
    pthread_mutex_lock(&watchdog_lock);
    for (;;) {
        struct timespec deadline = watchdog_deadline;
        if (pthread_cond_timedwait(&watchdog_wake, &watchdog_lock, &deadline) == 0) continue;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec < watchdog_deadline.tv_sec ||
            (now.tv_sec == watchdog_deadline.tv_sec && now.tv_nsec < watchdog_deadline.tv_nsec)) {
            continue;  // moved later
        }
        break;
    }
    interrupt_reason = REASON_TIMEOUT;
    double grace = watchdog_grace;
    pthread_mutex_unlock(&watchdog_lock);
    if (grace < 0) return NULL;
    struct timespec pause = {(time_t)grace, (long)((grace - (double)(time_t)grace) * 1e9)};
    while (nanosleep(&pause, &pause) != 0) {}
    static const char message[] =
        "telnyx-lua: the script did not stop at its --timeout (stuck in a C function, a message "
        "handler or a finalizer); ending the process\n";
    ssize_t ignored = write(2, message, sizeof(message) - 1);
    (void)ignored;
    _exit(TL_EXIT_TIMEOUT);
}

void tl_set_deadline(double seconds_from_now) {
    pthread_mutex_lock(&watchdog_lock);
    if (!watchdog_running) {
        pthread_condattr_t attr;
        pthread_condattr_init(&attr);
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
        pthread_cond_init(&watchdog_wake, &attr);
        pthread_condattr_destroy(&attr);
    }
    if (seconds_from_now > 0) {
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        // Clamped: a deadline a century away is no deadline, and must not overflow time_t.
        watchdog_deadline = after(now, seconds_from_now > 3e9 ? 3e9 : seconds_from_now);
    } else {
        watchdog_deadline.tv_sec = 0x7fffffff;  // none
        watchdog_deadline.tv_nsec = 0;
    }
    if (!watchdog_running) {
        pthread_t thread;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attr, 64 * 1024);
        watchdog_running = pthread_create(&thread, &attr, watchdog, NULL) == 0;
        pthread_attr_destroy(&attr);
    }
    pthread_cond_signal(&watchdog_wake);
    pthread_mutex_unlock(&watchdog_lock);
}

void tl_end_process_after_timeout(double grace_seconds) {
    pthread_mutex_lock(&watchdog_lock);
    watchdog_grace = grace_seconds;
    pthread_mutex_unlock(&watchdog_lock);
}

// ---- Signals ------------------------------------------------------------------------------

static void on_sigint(int sig) {
    signal(sig, SIG_DFL);  // a second Ctrl-C ends the process, as in lua.c
    interrupt_reason = REASON_SIGINT;
}

void tl_install_sigint_handler(void) {
    signal(SIGINT, on_sigint);
    // A parent may have started us with SIGINT blocked (the mask is inherited): unblock it.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

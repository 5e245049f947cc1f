// Graceful stop for `telnyx-lua serve`: a flag the serve loop polls between rounds, set by the
// first SIGINT or SIGTERM. The handler only sets the flag and restores the default action, so a
// second signal ends the process (the way out when a handler will not finish).
#include <signal.h>
#include "lua_shims.h"

static volatile sig_atomic_t stop_requested = 0;

static void on_stop_signal(int sig) {
    signal(sig, SIG_DFL);
    stop_requested = 1;
}

void tl_install_stop_handlers(void) {
    signal(SIGINT, on_stop_signal);
    signal(SIGTERM, on_stop_signal);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int tl_stop_requested(void) { return stop_requested; }

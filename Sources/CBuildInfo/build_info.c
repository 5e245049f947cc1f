#include "build_info.h"

// commit.h is written by scripts/build-info before a build (scripts/test, scripts/install,
// scripts/bench) and kept out of git: the commit cannot be part of the commit it names. Only
// this file recompiles when it changes.
#if __has_include("commit.h")
#include "commit.h"
#endif
#ifndef TELNYX_COMMIT
#define TELNYX_COMMIT "unknown"
#endif

const char *tl_build_commit(void) { return TELNYX_COMMIT; }

// libedit's readline-compatible API (pkg-config libedit). Included by path so that GNU
// readline's headers, also present on Debian, are never picked instead.
#include <stdio.h>
#include <editline/readline.h>

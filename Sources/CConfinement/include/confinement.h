// Kernel-enforced confinement for `--safe` (Landlock and seccomp-bpf), and opening paths
// beneath a folder without following links out of it (openat2 with RESOLVE_BENEATH).
//
// Why in C: these are raw system calls with kernel structures that Swift cannot import from
// Debian's headers (which stop at Landlock ABI 3), and the file functions are shared by the Lua
// layer (LuaShims) and Swift's upload code, so both walls use the same resolution rules.
#ifndef CONFINEMENT_H
#define CONFINEMENT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// ---- Landlock -------------------------------------------------------------------------------

/// The Landlock ABI version the running kernel offers; 0 when it has none (or it is disabled).
int tl_landlock_abi(void);

/// Access a rule grants beneath a path.
enum {
    TL_ACCESS_READ = 1,        // read files, list folders
    TL_ACCESS_WRITE = 2,       // write, create, remove, rename files and folders, truncate
};

/// A Landlock ruleset under construction: add rules, then tl_ruleset_enforce.
typedef struct tl_ruleset tl_ruleset;

/// Starts a ruleset that handles every file-system right the kernel knows and, when `network`
/// is set and the ABI allows (>= 4), TCP bind and connect; with ABI >= 6 it also scopes abstract
/// UNIX sockets and signals to the confined process. NULL with errno set on failure.
tl_ruleset *tl_ruleset_create(int network);
/// Grants `access` (TL_ACCESS_*) beneath `path` (a folder) or on it (a file). 0 on success;
/// -1 with errno set. A path that does not exist is skipped (returns 0).
int tl_ruleset_allow_path(tl_ruleset *rs, const char *path, int access);
/// Allows connecting to TCP port `port` (ignored when the ruleset does not handle network).
int tl_ruleset_allow_connect(tl_ruleset *rs, uint16_t port);
/// Allows binding TCP port `port` (0: an ephemeral port).
int tl_ruleset_allow_bind(tl_ruleset *rs, uint16_t port);
/// Sets no_new_privs and confines the calling thread and everything it starts afterwards.
/// Frees the ruleset. 0 on success; -1 with errno set.
int tl_ruleset_enforce(tl_ruleset *rs);
/// Frees a ruleset that will not be enforced.
void tl_ruleset_free(tl_ruleset *rs);

// ---- seccomp ---------------------------------------------------------------------------------

/// Installs a seccomp filter on every thread of the process (TSYNC) that refuses with EPERM
/// what a recipe must never do: start programs (execve, fork), inspect or write other processes'
/// memory (ptrace, process_vm_*), and the kernel's administrative and namespace calls. Threads
/// can still be created. 0 on success; -1 and a message in `why` (of `size` bytes) on failure.
int tl_seccomp_install(char *why, size_t size);

/// The number of threads of this process (from /proc/self/task); -1 if it cannot be read.
int tl_thread_count(void);

// ---- Paths beneath a folder --------------------------------------------------------------------

/// Fixes the folder that tl_beneath_* resolve against: `path` is opened once (O_PATH) and its
/// real path kept, so a later chdir or rename changes nothing. 0 on success; -1 with errno.
int tl_beneath_set_root(const char *path);
/// The real path of the root folder, or NULL when none is set.
const char *tl_beneath_root(void);
/// Adds a file that must never be opened even though it lies beneath the root (the config file
/// with the API key, the REPL history): compared by device and inode.
void tl_beneath_deny_file(const char *path);

/// Why a path was refused, for messages: NULL when the last call failed for an ordinary reason
/// (errno), else a static text such as "is outside the recipe's folder".
const char *tl_beneath_refusal(void);

/// Opens `path` (relative to the root, or absolute inside it) with open(2) `flags` and `mode`,
/// resolving every component beneath the root without following links out of it, magic links
/// (/proc) refused. Only regular files and folders are opened. Returns a descriptor, or -1
/// with errno set and tl_beneath_refusal() telling whether the policy refused it.
int tl_beneath_open(const char *path, size_t length, int flags, mode_t mode);
/// unlink/rmdir of a path beneath the root. 0 or -1 as above.
int tl_beneath_remove(const char *path, size_t length);
/// rename(2) of two paths beneath the root. 0 or -1 as above.
int tl_beneath_rename(const char *from, size_t from_length, const char *to, size_t to_length);
/// After a failed tl_beneath_rename: 1 when the destination was the path refused.
int tl_beneath_refused_destination(void);

#endif

// Paths beneath the recipe's folder: every file a `--safe` recipe names, from Lua or as an
// upload, is resolved here. openat2(2) with RESOLVE_BENEATH resolves each component inside the
// folder and fails with EXDEV as soon as `..`, an absolute link or a link that leaves the folder
// would take it out, so a dangling link cannot create a file elsewhere and a link swapped in
// between a check and the open cannot redirect it (there is no separate check). See
// confinement.h.
#define _GNU_SOURCE
#include "confinement.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_openat2
#define __NR_openat2 437
#endif

static int root_fd = -1;
static char root_path[PATH_MAX];
static const char *refusal;

enum { MAX_DENIED = 8 };
static struct { dev_t dev; ino_t ino; } denied[MAX_DENIED];
static int denied_count;

int tl_beneath_set_root(const char *path) {
    char resolved[PATH_MAX];
    if (realpath(path, resolved) == NULL) return -1;
    int fd = open(resolved, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return -1;
    if (root_fd >= 0) close(root_fd);
    root_fd = fd;
    strcpy(root_path, resolved);
    return 0;
}

const char *tl_beneath_root(void) { return root_fd >= 0 ? root_path : NULL; }

void tl_beneath_deny_file(const char *path) {
    struct stat st;
    if (denied_count < MAX_DENIED && path != NULL && stat(path, &st) == 0) {
        denied[denied_count].dev = st.st_dev;
        denied[denied_count].ino = st.st_ino;
        denied_count++;
    }
}

const char *tl_beneath_refusal(void) { return refusal; }

static int refuse(const char *why, int error) {
    refusal = why;
    errno = error;
    return -1;
}

// Turns `path` into one relative to the root, in `out`: absolute paths must lie inside the
// root. NUL bytes inside a Lua string are refused (C would silently cut the name there).
static int relative(const char *path, size_t length, char *out) {
    refusal = NULL;
    if (root_fd < 0) return refuse("has no folder to resolve against", EACCES);
    if (length == 0) return refuse("is empty", ENOENT);
    if (strlen(path) != length) return refuse("contains a NUL byte", EINVAL);
    if (length >= PATH_MAX) return refuse("is too long", ENAMETOOLONG);
    if (path[0] != '/') {
        memcpy(out, path, length + 1);
        return 0;
    }
    size_t root_length = strlen(root_path);
    if (strcmp(root_path, "/") != 0 && strncmp(path, root_path, root_length) == 0 &&
        (path[root_length] == '/' || path[root_length] == 0)) {
        const char *rest = path + root_length;
        while (*rest == '/') rest++;
        strcpy(out, *rest ? rest : ".");
        return 0;
    }
    return refuse("is outside the recipe's folder", EACCES);
}

static int open_beneath(const char *relative_path, int flags, mode_t mode) {
    struct open_how how = {
        .flags = (uint64_t)(flags | O_CLOEXEC),
        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
    };
    long fd = syscall(__NR_openat2, root_fd, relative_path, &how, sizeof(how));
    if (fd < 0 && (errno == EXDEV || errno == ELOOP)) {
        return refuse("is outside the recipe's folder (through '..' or a link)", EACCES);
    }
    return (int)fd;
}

static int is_denied(const struct stat *st) {
    for (int i = 0; i < denied_count; i++) {
        if (denied[i].dev == st->st_dev && denied[i].ino == st->st_ino) return 1;
    }
    return 0;
}

int tl_beneath_open(const char *path, size_t length, int flags, mode_t mode) {
    char rel[PATH_MAX];
    if (relative(path, length, rel) != 0) return -1;
    // O_NONBLOCK so that a FIFO planted in the folder cannot hang the open (cleared below);
    // O_TRUNC only once the file is known to be one the recipe may change.
    int fd = open_beneath(rel, (flags & ~O_TRUNC) | O_NONBLOCK | O_NOCTTY, mode);
    if (fd < 0) return -1;
    struct stat st;
    int checked = fstat(fd, &st) == 0;
    if (!checked || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) || is_denied(&st)) {
        close(fd);
        return refuse(checked && is_denied(&st) ? "holds credentials and is not open to the recipe in safe mode"
                                                : "is not a regular file or folder", EACCES);
    }
    if ((flags & O_TRUNC) && S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

// Splits `rel` into the folder that holds it (opened beneath the root, O_PATH) and its last
// component, which must name something inside that folder (not "", "." or "..").
static int open_parent(char *rel, const char **name) {
    char *slash = strrchr(rel, '/');
    while (slash != NULL && slash[1] == 0 && slash != rel) {  // "dir/" names dir
        *slash = 0;
        slash = strrchr(rel, '/');
    }
    const char *last = slash ? slash + 1 : rel;
    if (*last == 0 || strcmp(last, ".") == 0 || strcmp(last, "..") == 0) {
        return refuse("does not name a file inside the recipe's folder", EACCES);
    }
    *name = last;
    if (slash == NULL) return open_beneath(".", O_PATH | O_DIRECTORY, 0);
    *slash = 0;
    return open_beneath(rel[0] ? rel : "/", O_PATH | O_DIRECTORY, 0);
}

int tl_beneath_remove(const char *path, size_t length) {
    char rel[PATH_MAX];
    const char *name;
    if (relative(path, length, rel) != 0) return -1;
    int dir = open_parent(rel, &name);
    if (dir < 0) return -1;
    struct stat st;
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_denied(&st)) {
        close(dir);
        return refuse("holds credentials and is not open to the recipe in safe mode", EACCES);
    }
    int status = unlinkat(dir, name, 0);
    if (status != 0 && (errno == EISDIR || errno == EPERM)) status = unlinkat(dir, name, AT_REMOVEDIR);
    int saved = errno;
    close(dir);
    errno = saved;
    return status;
}

static int refused_destination;

int tl_beneath_refused_destination(void) { return refused_destination; }

int tl_beneath_rename(const char *from, size_t from_length, const char *to, size_t to_length) {
    char from_rel[PATH_MAX], to_rel[PATH_MAX];
    const char *from_name, *to_name;
    refused_destination = 0;
    if (relative(from, from_length, from_rel) != 0) return -1;
    refused_destination = 1;
    if (relative(to, to_length, to_rel) != 0) return -1;
    refused_destination = 0;
    int from_dir = open_parent(from_rel, &from_name);
    if (from_dir < 0) return -1;
    refused_destination = 1;
    int to_dir = open_parent(to_rel, &to_name);
    refused_destination = 0;
    if (to_dir < 0) {
        refused_destination = 1;
        int saved = errno;
        close(from_dir);
        errno = saved;
        return -1;
    }
    struct stat st;
    if ((fstatat(from_dir, from_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_denied(&st)) ||
        (fstatat(to_dir, to_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && is_denied(&st))) {
        close(from_dir);
        close(to_dir);
        return refuse("holds credentials and is not open to the recipe in safe mode", EACCES);
    }
    int status = renameat(from_dir, from_name, to_dir, to_name);
    int saved = errno;
    close(from_dir);
    close(to_dir);
    errno = saved;
    return status;
}

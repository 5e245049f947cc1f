// Landlock: the file-system and network half of `--safe`'s kernel wall. See confinement.h.
//
// The structures and constants are declared here, from the kernel's UAPI, because Debian 12's
// <linux/landlock.h> stops at ABI 3 while these machines run ABI 7; each is used only when the
// running kernel reports an ABI that has it.
#define _GNU_SOURCE
#include "confinement.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;  // ABI 4
    uint64_t scoped;              // ABI 6
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

struct ll_net_port_attr {
    uint64_t allowed_access;
    uint64_t port;
};

enum { LL_RULE_PATH_BENEATH = 1, LL_RULE_NET_PORT = 2 };
enum { LL_CREATE_RULESET_VERSION = 1 };

#define FS_EXECUTE (1ULL << 0)
#define FS_WRITE_FILE (1ULL << 1)
#define FS_READ_FILE (1ULL << 2)
#define FS_READ_DIR (1ULL << 3)
#define FS_REMOVE_DIR (1ULL << 4)
#define FS_REMOVE_FILE (1ULL << 5)
#define FS_MAKE_CHAR (1ULL << 6)
#define FS_MAKE_DIR (1ULL << 7)
#define FS_MAKE_REG (1ULL << 8)
#define FS_MAKE_SOCK (1ULL << 9)
#define FS_MAKE_FIFO (1ULL << 10)
#define FS_MAKE_BLOCK (1ULL << 11)
#define FS_MAKE_SYM (1ULL << 12)
#define FS_REFER (1ULL << 13)     // ABI 2
#define FS_TRUNCATE (1ULL << 14)  // ABI 3
#define FS_IOCTL_DEV (1ULL << 15) // ABI 5
#define NET_BIND_TCP (1ULL << 0)
#define NET_CONNECT_TCP (1ULL << 1)
#define SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define SCOPE_SIGNAL (1ULL << 1)

// The rights that apply to a file (the others only make sense on folders).
#define FS_FILE_RIGHTS (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV)

struct tl_ruleset {
    int fd;
    int abi;
    uint64_t handled_fs;
    int network;
};

int tl_landlock_abi(void) {
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    return abi < 0 ? 0 : (int)abi;
}

tl_ruleset *tl_ruleset_create(int network) {
    int abi = tl_landlock_abi();
    if (abi < 1) {
        errno = EOPNOTSUPP;
        return NULL;
    }
    struct ll_ruleset_attr attr = {0};
    attr.handled_access_fs = ((FS_MAKE_SYM << 1) - 1);  // ABI 1: bits 0..12
    if (abi >= 2) attr.handled_access_fs |= FS_REFER;
    if (abi >= 3) attr.handled_access_fs |= FS_TRUNCATE;
    if (abi >= 5) attr.handled_access_fs |= FS_IOCTL_DEV;
    size_t size = offsetof(struct ll_ruleset_attr, handled_access_net);
    int handles_network = network && abi >= 4;
    if (handles_network) {
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP;
        size = offsetof(struct ll_ruleset_attr, scoped);
    }
    if (abi >= 6) {
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL;
        size = sizeof(attr);
    }
    long fd = syscall(__NR_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) return NULL;
    tl_ruleset *rs = calloc(1, sizeof(tl_ruleset));
    if (rs == NULL) {
        close((int)fd);
        errno = ENOMEM;
        return NULL;
    }
    rs->fd = (int)fd;
    rs->abi = abi;
    rs->handled_fs = attr.handled_access_fs;
    rs->network = handles_network;
    return rs;
}

int tl_ruleset_allow_path(tl_ruleset *rs, const char *path, int access) {
    int fd = open(path, O_PATH | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    uint64_t rights = 0;
    if (access & TL_ACCESS_READ) rights |= FS_READ_FILE | FS_READ_DIR;
    if (access & TL_ACCESS_WRITE) {
        rights |= FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_DIR | FS_MAKE_REG |
                  FS_REFER | FS_TRUNCATE;
    }
    if (!S_ISDIR(st.st_mode)) rights &= FS_FILE_RIGHTS;
    struct ll_path_beneath_attr attr = {.allowed_access = rights & rs->handled_fs, .parent_fd = fd};
    long status = syscall(__NR_landlock_add_rule, rs->fd, LL_RULE_PATH_BENEATH, &attr, 0);
    int saved = errno;
    close(fd);
    errno = saved;
    return status < 0 ? -1 : 0;
}

static int allow_port(tl_ruleset *rs, uint64_t right, uint16_t port) {
    if (!rs->network) return 0;
    struct ll_net_port_attr attr = {.allowed_access = right, .port = port};
    return syscall(__NR_landlock_add_rule, rs->fd, LL_RULE_NET_PORT, &attr, 0) < 0 ? -1 : 0;
}

int tl_ruleset_allow_connect(tl_ruleset *rs, uint16_t port) { return allow_port(rs, NET_CONNECT_TCP, port); }
int tl_ruleset_allow_bind(tl_ruleset *rs, uint16_t port) { return allow_port(rs, NET_BIND_TCP, port); }

int tl_ruleset_enforce(tl_ruleset *rs) {
    int status = -1;
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
        syscall(__NR_landlock_restrict_self, rs->fd, 0) == 0) {
        status = 0;
    }
    int saved = errno;
    tl_ruleset_free(rs);
    errno = saved;
    return status;
}

void tl_ruleset_free(tl_ruleset *rs) {
    if (rs == NULL) return;
    close(rs->fd);
    free(rs);
}

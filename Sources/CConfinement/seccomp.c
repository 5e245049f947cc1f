// seccomp-bpf: the process half of `--safe`'s kernel wall. See confinement.h.
//
// A deny list rather than an allow list: the Swift runtime, SwiftNIO and glibc make many
// ordinary calls whose set changes between versions, and what a recipe must never reach is
// short and stable: starting programs, touching other processes, and the kernel's
// administration. Landlock covers files and the network.
#define _GNU_SOURCE
#include "confinement.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

// Refused with EPERM.
static const char *const denied[] = {
    "execve", "execveat", "fork", "vfork",
    "ptrace", "process_vm_readv", "process_vm_writev", "kcmp", "pidfd_getfd", "pidfd_open",
    "process_madvise", "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr",
    "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module",
    "reboot", "swapon", "swapoff", "acct", "quotactl", "syslog", "iopl", "ioperm",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "open_by_handle_at", "name_to_handle_at", "personality", "lookup_dcookie",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "mknod", "mknodat",
    "settimeofday", "clock_settime", "adjtimex", "clock_adjtime", "sethostname", "setdomainname",
};

int tl_seccomp_install(char *why, size_t size) {
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL) {
        snprintf(why, size, "seccomp_init failed");
        return -1;
    }
    int rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
    if (rc == 0) rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
    for (size_t i = 0; rc == 0 && i < sizeof(denied) / sizeof(denied[0]); i++) {
        int nr = seccomp_syscall_resolve_name(denied[i]);
        if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
        if (rc != 0) snprintf(why, size, "seccomp rule for %s: %s", denied[i], strerror(-rc));
    }
    // clone: threads only (a new process would not be bound by the exec rules' purpose).
    if (rc == 0) {
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
                              SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
    }
    // clone3 passes its flags in memory, which a filter cannot read: ENOSYS makes glibc fall
    // back to clone, which the rule above inspects.
    if (rc == 0) rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    // Sockets: the Internet, local ones (event loops, name service) and netlink (getaddrinfo's
    // address check); raw packet sockets and the rarer families are refused.
    if (rc == 0) {
        rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 1,
                              SCMP_A0(SCMP_CMP_GT, AF_NETLINK));
    }
    if (rc == 0) {
        rc = seccomp_load(ctx);
        if (rc != 0) snprintf(why, size, "seccomp_load: %s", strerror(-rc));
    } else if (why[0] == 0) {
        snprintf(why, size, "seccomp filter: %s", strerror(-rc));
    }
    seccomp_release(ctx);
    return rc == 0 ? 0 : -1;
}

int tl_thread_count(void) {
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL) return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] != '.') count++;
    }
    closedir(dir);
    return count;
}

#define _GNU_SOURCE
#include "bmm_containment.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define BMM_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define BMM_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

int bmm_set_dumpable(int dumpable) {
    return prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0) == 0 ? 0 : -errno;
}

int bmm_get_dumpable(void) {
    return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
}

int bmm_set_no_new_privs(void) {
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 ? 0 : -errno;
}

int bmm_unshare_network(int with_user_namespace) {
    int flags = CLONE_NEWNET | (with_user_namespace ? CLONE_NEWUSER : 0);
    return unshare(flags) == 0 ? 0 : -errno;
}

int bmm_seccomp_supported_architecture(void) {
#ifdef BMM_AUDIT_ARCH
    return 1;
#else
    return 0;
#endif
}

#ifdef BMM_AUDIT_ARCH

/// What the worker does after start-up, measured with strace on the SandboxTests suite
/// (JavaScriptCore 2.50 with its GC, watchdog and worker threads; the frame channel;
/// the orphan watcher). Notably absent: every way to open a file, make a socket,
/// execute, trace, change credentials or namespaces, or signal another process.
static const int allowed[] = {
    // The frame channel on stdin/stdout and diagnostics on stderr; JavaScriptCore's
    // allocator re-reads /proc/self/statm through a descriptor it opened at start-up.
    __NR_read, __NR_write, __NR_readv, __NR_writev, __NR_pread64, __NR_close,
    // Memory: the allocator, the JavaScript heap and thread stacks.
    __NR_brk, __NR_mmap, __NR_munmap, __NR_mprotect, __NR_madvise, __NR_mremap,
    // Threads: locks, scheduling, start-up and exit of JavaScriptCore's helper threads.
    __NR_futex, __NR_sched_yield, __NR_ppoll,
#ifdef __NR_poll
    __NR_poll,  // the watchdog's run loop waits on its wake-up eventfd (x86-64 only has poll)
#endif
    __NR_sched_getaffinity, __NR_set_robust_list, __NR_rseq,
    __NR_gettid, __NR_getpid, __NR_getppid, __NR_prctl,
    // JavaScriptCore suspends threads with a signal to scan their stacks during GC: the
    // suspended thread waits in rt_sigsuspend inside the handler until it is resumed (rare
    // enough to be missed by a test run; under load about one call in 1,500 hit it), and a
    // sleep interrupted by that signal continues through restart_syscall.
    __NR_rt_sigaction, __NR_rt_sigprocmask, __NR_rt_sigreturn, __NR_sigaltstack, __NR_tgkill,
    __NR_rt_sigsuspend, __NR_restart_syscall,
    // Time: the CPU budget, timers and the orphan watcher's sleep.
    __NR_clock_gettime, __NR_clock_getres, __NR_clock_nanosleep, __NR_gettimeofday, __NR_nanosleep,
    // crypto.randomUUID and crypto.getRandomValues.
    __NR_getrandom,
    __NR_exit, __NR_exit_group,
};

#define LOAD_FIELD(field) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, field))
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

int bmm_install_seccomp(void) {
    enum { prologue = 13, epilogue = 1 };
    struct sock_filter filter[prologue + COUNT(allowed) * 2 + epilogue];
    size_t n = 0;
    // A system call made through another architecture's entry point has other numbers
    // (x32 calls share x86-64's arch but set a high bit, so they match nothing below).
    filter[n++] = (struct sock_filter)LOAD_FIELD(arch);
    filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, BMM_AUDIT_ARCH, 1, 0);
    filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    filter[n++] = (struct sock_filter)LOAD_FIELD(nr);
    // New threads ask for SCHED_RESET_ON_FORK; refused, they run with the default policy,
    // and a worker cannot change another process's scheduling (the app's, if same uid).
    filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_sched_setscheduler, 0, 1);
    filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM);
    // clone3 hides its flags in memory the filter cannot read: glibc falls back to clone.
    filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone3, 0, 1);
    filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
    // clone may start a thread, never a new process.
    filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clone, 0, 4);
    filter[n++] = (struct sock_filter)LOAD_FIELD(args[0]);
    filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, CLONE_THREAD, 0, 1);
    filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    for (size_t i = 0; i < COUNT(allowed); i++) {
        filter[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (unsigned)allowed[i], 0, 1);
        filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    }
    filter[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS);
    struct sock_fprog program = { .len = (unsigned short)n, .filter = filter };
    long result = syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program);
    if (result == 0) return 0;
    // With TSYNC a positive result is the id of a thread that could not be synchronised.
    return result > 0 ? -ESRCH : -errno;
}

#else

int bmm_install_seccomp(void) {
    return -ENOSYS;
}

#endif

#ifndef BMM_CONTAINMENT_H
#define BMM_CONTAINMENT_H

/// prctl(2) and seccomp(2) are variadic or raw system calls, which Swift cannot call;
/// these wrappers return 0 on success and -errno on failure.

/// Marks this process as not dumpable: no core files, and /proc/<pid> readable only by root.
int bmm_set_dumpable(int dumpable);
int bmm_get_dumpable(void);
/// PR_SET_NO_NEW_PRIVS: execve can never grant privileges again (set-uid, file capabilities).
int bmm_set_no_new_privs(void);
/// unshare(2) into a new network namespace, with a user namespace too when asked (which
/// lets an unprivileged process do it). Glibc hides unshare without _GNU_SOURCE.
int bmm_unshare_network(int with_user_namespace);
/// Installs the worker's system-call allow-list on every thread of the process
/// (SECCOMP_FILTER_FLAG_TSYNC); anything outside it kills the whole process with SIGSYS.
int bmm_install_seccomp(void);
/// 1 when this build knows the system-call numbers of the machine's architecture.
int bmm_seccomp_supported_architecture(void);

#endif

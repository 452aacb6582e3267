#define _GNU_SOURCE
#include "pd_system.h"
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

int pd_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
    return posix_spawn_file_actions_addchdir_np(actions, path);
#elif defined(__APPLE__)
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions; (void)path;
    return ENOSYS;
#endif
}

int pd_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions; (void)from;
    return ENOSYS;
#endif
}

int pd_spawnattr_init_clean(posix_spawnattr_t *attributes, int group_mode) {
    int rc = posix_spawnattr_init(attributes);
    if (rc != 0) return rc;
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(attributes, &all);
    posix_spawnattr_setsigmask(attributes, &none);
    short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
    if (group_mode == 1) {
        posix_spawnattr_setpgroup(attributes, 0);
        flags |= POSIX_SPAWN_SETPGROUP;
    } else if (group_mode == 2) {
        flags |= POSIX_SPAWN_SETSID;
    }
#if defined(__APPLE__)
    if (group_mode != 0) flags |= POSIX_SPAWN_CLOEXEC_DEFAULT;
#endif
    return posix_spawnattr_setflags(attributes, flags);
}

int pd_pipe_cloexec(int fds[2]) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC);
#else
    if (pipe(fds) != 0) return -1;
    fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    return 0;
#endif
}

static void pd_mark_cloexec_from(int from) {
#if defined(__linux__) && defined(SYS_close_range)
    // CLOSE_RANGE_CLOEXEC (4): the descriptors stay usable if exec fails.
    if (syscall(SYS_close_range, (unsigned)from, ~0U, 4U) == 0) return;
#endif
    long max = sysconf(_SC_OPEN_MAX);
    if (max < 0 || max > 65536) max = 65536;
    for (int fd = from; fd < max; fd++) {
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0 && !(flags & FD_CLOEXEC)) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
}

int pd_exec_clean(const char *file, char *const argv[]) {
    sigset_t none, previous;
    sigemptyset(&none);
    // Handlers are reset by exec itself; ignored signals are not, so every disposition goes back to default.
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        signal(sig, SIG_DFL);
    }
    pd_mark_cloexec_from(3);
    pthread_sigmask(SIG_SETMASK, &none, &previous);
    execvp(file, argv);
    int reason = errno;
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    errno = reason;
    return -1;
}

static volatile sig_atomic_t pd_forward_target = 0;

static void pd_forward(int sig, siginfo_t *info, void *context) {
    (void)context;
    // si_code <= 0: sent by a process (kill, sigqueue, tgkill). The kernel's own (a terminal's Ctrl-C or hang-up)
    // went to the whole foreground group, the child included.
    if (pd_forward_target > 0 && info != NULL && info->si_code <= 0) kill((pid_t)pd_forward_target, sig);
}

int pd_wait_forwarding(pid_t child) {
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    enum { count = sizeof(forwarded) / sizeof(forwarded[0]) };
    struct sigaction previous[count];
    struct sigaction action;
    action.sa_sigaction = pd_forward;
    action.sa_flags = SA_SIGINFO | SA_RESTART;
    sigemptyset(&action.sa_mask);
    pd_forward_target = child;
    sigset_t unblock, old_mask;
    sigemptyset(&unblock);
    for (int i = 0; i < count; i++) {
        sigaction(forwarded[i], &action, &previous[i]);
        sigaddset(&unblock, forwarded[i]);
    }
    // This thread may be a worker whose mask blocks them; let them in here so they are never left pending.
    pthread_sigmask(SIG_UNBLOCK, &unblock, &old_mask);
    int status = 0;
    pid_t rc;
    do {
        rc = waitpid(child, &status, 0);
    } while (rc < 0 && errno == EINTR);
    int reason = errno;
    pd_forward_target = 0;
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    for (int i = 0; i < count; i++) sigaction(forwarded[i], &previous[i], NULL);
    if (rc < 0) {
        errno = reason;
        return -1;
    }
    return status;
}

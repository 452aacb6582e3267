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

#if defined(__linux__)
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/inet_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

/// Asks sock_diag for the one socket with this exact 4-tuple (its source is `remote`, its destination `local`).
static int pd_sock_diag_uid(const struct sockaddr *local, const struct sockaddr *remote, unsigned int *uid) {
    int family = remote->sa_family;
    struct {
        struct nlmsghdr header;
        struct inet_diag_req_v2 request;
    } message;
    memset(&message, 0, sizeof(message));
    message.header.nlmsg_len = sizeof(message);
    message.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    message.header.nlmsg_flags = NLM_F_REQUEST;
    message.request.sdiag_family = (unsigned char)family;
    message.request.sdiag_protocol = IPPROTO_TCP;
    message.request.idiag_states = ~0U;
    message.request.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    message.request.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    if (family == AF_INET) {
        const struct sockaddr_in *src = (const struct sockaddr_in *)remote, *dst = (const struct sockaddr_in *)local;
        message.request.id.idiag_sport = src->sin_port;
        message.request.id.idiag_dport = dst->sin_port;
        memcpy(message.request.id.idiag_src, &src->sin_addr, 4);
        memcpy(message.request.id.idiag_dst, &dst->sin_addr, 4);
    } else if (family == AF_INET6) {
        const struct sockaddr_in6 *src = (const struct sockaddr_in6 *)remote, *dst = (const struct sockaddr_in6 *)local;
        message.request.id.idiag_sport = src->sin6_port;
        message.request.id.idiag_dport = dst->sin6_port;
        memcpy(message.request.id.idiag_src, &src->sin6_addr, 16);
        memcpy(message.request.id.idiag_dst, &dst->sin6_addr, 16);
    } else {
        return -1;
    }
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return -1;
    struct sockaddr_nl kernel;
    memset(&kernel, 0, sizeof(kernel));
    kernel.nl_family = AF_NETLINK;
    int found = -1;
    if (sendto(fd, &message, sizeof(message), 0, (struct sockaddr *)&kernel, sizeof(kernel)) == (ssize_t)sizeof(message)) {
        long buffer[2048];
        ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
        for (struct nlmsghdr *h = (struct nlmsghdr *)buffer; n > 0 && NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) break;
            if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
            struct inet_diag_msg *diag = (struct inet_diag_msg *)NLMSG_DATA(h);
            *uid = diag->idiag_uid;
            found = 0;
            break;
        }
    }
    close(fd);
    return found;
}

/// The slow way: the line of /proc/net/tcp{,6} whose local address is `remote` and remote address `local`.
static int pd_proc_net_uid(const struct sockaddr *local, const struct sockaddr *remote, unsigned int *uid) {
    int family = remote->sa_family;
    char want_local[64], want_remote[64];
    if (family == AF_INET) {
        const struct sockaddr_in *src = (const struct sockaddr_in *)remote, *dst = (const struct sockaddr_in *)local;
        snprintf(want_local, sizeof(want_local), "%08X:%04X", src->sin_addr.s_addr, ntohs(src->sin_port));
        snprintf(want_remote, sizeof(want_remote), "%08X:%04X", dst->sin_addr.s_addr, ntohs(dst->sin_port));
    } else if (family == AF_INET6) {
        const struct sockaddr_in6 *src = (const struct sockaddr_in6 *)remote, *dst = (const struct sockaddr_in6 *)local;
        const unsigned int *s = (const unsigned int *)&src->sin6_addr, *d = (const unsigned int *)&dst->sin6_addr;
        snprintf(want_local, sizeof(want_local), "%08X%08X%08X%08X:%04X", s[0], s[1], s[2], s[3], ntohs(src->sin6_port));
        snprintf(want_remote, sizeof(want_remote), "%08X%08X%08X%08X:%04X", d[0], d[1], d[2], d[3], ntohs(dst->sin6_port));
    } else {
        return -1;
    }
    FILE *file = fopen(family == AF_INET ? "/proc/net/tcp" : "/proc/net/tcp6", "re");
    if (!file) return -1;
    char line[512];
    int found = -1;
    while (fgets(line, sizeof(line), file)) {
        char local_field[64], remote_field[64];
        unsigned int state, owner;
        if (sscanf(line, " %*d: %63s %63s %x %*s %*s %*s %u", local_field, remote_field, &state, &owner) != 4) continue;
        if (strcmp(local_field, want_local) == 0 && strcmp(remote_field, want_remote) == 0) {
            *uid = owner;
            found = 0;
            break;
        }
    }
    fclose(file);
    return found;
}
#endif

int pd_tcp_peer_uid(const struct sockaddr *local, const struct sockaddr *remote, unsigned int *uid) {
#if defined(__linux__)
    if (pd_sock_diag_uid(local, remote, uid) == 0) return 0;
    return pd_proc_net_uid(local, remote, uid);
#else
    (void)local; (void)remote; (void)uid;
    return -1;
#endif
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void pd_release_free_memory(void) {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

#if defined(__linux__)
#include <link.h>
#include <sys/mman.h>

struct pd_code_range { uintptr_t start, end; };

/// The main program's executable, never-written segment (the first object dl_iterate_phdr reports).
static int pd_find_code(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    struct pd_code_range *range = data;
    uintptr_t relro_start = 0, relro_end = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_GNU_RELRO) {
            relro_start = info->dlpi_addr + ph->p_vaddr;
            relro_end = relro_start + ph->p_memsz;
        }
    }
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X) || (ph->p_flags & PF_W)) continue;
        uintptr_t start = info->dlpi_addr + ph->p_vaddr, end = start + ph->p_filesz;
        if (relro_end > start && relro_start < end) continue;  // written at load time: never drop it
        range->start = start;
        range->end = end;
        break;
    }
    return 1;  // only the main program
}
#endif

size_t pd_release_code_pages(void) {
#if defined(__linux__)
    struct pd_code_range range = {0, 0};
    dl_iterate_phdr(pd_find_code, &range);
    long page = sysconf(_SC_PAGESIZE);
    if (range.end <= range.start || page <= 0) return 0;
    uintptr_t start = (range.start + (uintptr_t)page - 1) & ~((uintptr_t)page - 1);
    uintptr_t end = range.end & ~((uintptr_t)page - 1);
    if (end <= start) return 0;
    if (madvise((void *)start, end - start, MADV_DONTNEED) != 0) return 0;
    return end - start;
#else
    return 0;
#endif
}

int pd_so_peercred(void) {
#if defined(__linux__)
    return SO_PEERCRED;
#else
    return -1;
#endif
}

int pd_unix_peer_uid(int fd, unsigned int *uid) {
#if defined(__linux__)
    struct ucred credentials;
    socklen_t length = sizeof(credentials);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0) return -1;
    *uid = credentials.uid;
    return 0;
#elif defined(__APPLE__)
    uid_t euid; gid_t egid;
    if (getpeereid(fd, &euid, &egid) != 0) return -1;
    *uid = euid;
    return 0;
#else
    (void)fd; (void)uid;
    return -1;
#endif
}

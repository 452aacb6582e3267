// Small wrappers for what the Swift Glibc module does not import (GNU extensions that need _GNU_SOURCE) and for the
// few things that must happen in C (async-signal-safe handlers, the moments before exec).
#ifndef PD_SYSTEM_H
#define PD_SYSTEM_H

#include <spawn.h>
#include <sys/types.h>
#include <sys/socket.h>

/// posix_spawn_file_actions_addchdir_np where the C library has it; returns ENOSYS otherwise.
int pd_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// posix_spawn_file_actions_addclosefrom_np(actions, from) where available; returns ENOSYS otherwise.
int pd_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
/// Initialises spawn attributes for a clean child: every signal at its default disposition, an empty signal
/// mask (whatever the parent ignores or blocks), and a process group: 0 keeps the parent's, 1 makes one of the
/// child's own, 2 a new session (plus close-on-exec by default on macOS when not 0). The caller destroys them.
int pd_spawnattr_init_clean(posix_spawnattr_t *attributes, int group_mode);
/// pipe2(fds, O_CLOEXEC) where available, else pipe + FD_CLOEXEC.
int pd_pipe_cloexec(int fds[2]);
/// Replaces the process with `file` (looked up in PATH) after giving it a clean start: every signal at its
/// default disposition, an empty signal mask, and every descriptor above stderr closed on exec. Returns only on
/// failure, with errno set.
int pd_exec_clean(const char *file, char *const argv[]);
/// Waits for `child` while forwarding SIGINT, SIGTERM, SIGHUP and SIGQUIT that another process sends to us. A
/// signal the terminal sends (Ctrl-C, hang-up) already reaches the child through the foreground process group, so
/// it is not sent twice. Returns the wait status, or -1 with errno set.
int pd_wait_forwarding(pid_t child);

/// The UID that owns the TCP socket at the other end of a loopback connection: the socket whose local address is
/// `remote` and whose peer is `local` (our accepted socket's addresses, IPv4 or IPv6 sockaddrs). Asks the kernel
/// with NETLINK_SOCK_DIAG for that exact 4-tuple, falling back to /proc/net/tcp{,6}. Returns 0 and sets *uid on
/// success, -1 when it cannot tell (not Linux, no such socket, or both lookups failed).
int pd_tcp_peer_uid(const struct sockaddr *local, const struct sockaddr *remote, unsigned int *uid);
/// Gives freed heap memory back to the OS (glibc's malloc_trim); does nothing elsewhere.
void pd_release_free_memory(void);

/// Drops this process's mapping of its executable's code pages (the read-and-execute segment, which is never
/// written: no text relocations), so code that ran once at start stops counting in RSS. Pages come back from the
/// page cache on their next use (minor faults). Returns the bytes advised, 0 where unsupported.
size_t pd_release_code_pages(void);
/// The layout of Linux's `struct ucred` (SO_PEERCRED), for reading it through a socket-option API.
typedef struct { int pid; unsigned int uid; unsigned int gid; } pd_ucred;
/// SO_PEERCRED's value on Linux, -1 elsewhere.
int pd_so_peercred(void);
/// The UID of the process at the other end of a connected Unix socket (SO_PEERCRED / getpeereid), or -1.
int pd_unix_peer_uid(int fd, unsigned int *uid);

#endif

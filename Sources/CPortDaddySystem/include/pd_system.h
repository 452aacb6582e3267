// Small wrappers for GNU extensions the Swift Glibc module does not import (they need _GNU_SOURCE).
#ifndef PD_SYSTEM_H
#define PD_SYSTEM_H

#include <spawn.h>

/// posix_spawn_file_actions_addchdir_np where the C library has it; returns ENOSYS otherwise.
int pd_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
/// posix_spawn_file_actions_addclosefrom_np(actions, from) where available; returns ENOSYS otherwise.
int pd_spawn_addclosefrom(posix_spawn_file_actions_t *actions, int from);
/// Initialises spawn attributes for a clean child: every signal at its default disposition, an empty signal
/// mask (whatever the parent ignores or blocks), and, when new_group is non-zero, a process group of its own
/// (plus close-on-exec by default on macOS). The caller destroys the attributes.
int pd_spawnattr_init_clean(posix_spawnattr_t *attributes, int new_group);
/// pipe2(fds, O_CLOEXEC) where available, else pipe + FD_CLOEXEC.
int pd_pipe_cloexec(int fds[2]);

#endif

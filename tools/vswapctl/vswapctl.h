/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VSWAPCTL_H
#define VSWAPCTL_H

#include <stdbool.h>
#include <stddef.h>

#define EXIT_RUNTIME	1
#define EXIT_USAGE	2

/* Print "vswapctl: WHAT PATH: strerror" and return EXIT_RUNTIME. */
int err_path(const char *what, const char *path, int err);
/* Resolve a cgroup argument to its directory under /sys/fs/cgroup. */
int resolve_cgroup(const char *arg, char *out, size_t len);
/* Load the vmscan counter, wait @seconds, print the counts. */
int trace_vmscan(bool json, unsigned int seconds, const char *cgroup);

#endif

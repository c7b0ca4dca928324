/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the kernel's swap, zswap and memcg state from procfs/sysfs. */
#ifndef VSWAPCTL_SYSINFO_H
#define VSWAPCTL_SYSINFO_H

#include <stdbool.h>
#include <stddef.h>

#define SWAP_PATH_MAX	1024

struct swap_dev {
	char path[SWAP_PATH_MAX];
	char type[16];
	long long size_kb;
	long long used_kb;
	int prio;
};

/*
 * Read a whole text file into @buf (NUL-terminated).  Returns the length,
 * or a negative errno.
 */
int read_text(const char *path, char *buf, size_t len);

/* Value of the "key value" (or "key: value") line @key of @text; false if absent. */
bool keyed_get(const char *text, const char *key, long long *val);

/*
 * Parse the text of /proc/swaps into @devs (at most @max).  Returns the
 * number of devices, or -EINVAL when the text is not in that format.
 */
int parse_proc_swaps(const char *text, struct swap_dev *devs, int max);

/*
 * Parse a size with an optional K/M/G/T suffix (powers of 1024) into
 * bytes.  Returns 0, or -EINVAL for anything else (including overflow).
 */
int parse_size(const char *s, unsigned long long *bytes);

#endif

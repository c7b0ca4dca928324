// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by vswapctl's commands. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "vswapctl.h"

int err_path(const char *what, const char *path, int err)
{
	fprintf(stderr, "vswapctl: %s %s: %s\n", what, path, strerror(err < 0 ? -err : err));
	return EXIT_RUNTIME;
}

int resolve_cgroup(const char *arg, char *out, size_t len)
{
	struct stat st;

	if (arg[0] == '/' && !strncmp(arg, "/sys/fs/cgroup", 14))
		snprintf(out, len, "%s", arg);
	else
		snprintf(out, len, "/sys/fs/cgroup/%s", arg[0] == '/' ? arg + 1 : arg);
	if (stat(out, &st))
		return -errno;
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* Helpers shared by vswapctl's commands. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>

#include "vswapctl.h"

int exit_for(int err)
{
	if (err < 0)
		err = -err;
	return err == EPERM || err == EACCES ? EXIT_PERM : EXIT_RUNTIME;
}

int err_path(const char *what, const char *path, int err)
{
	fprintf(stderr, "vswapctl: %s %s: %s\n", what, path, strerror(err < 0 ? -err : err));
	return exit_for(err);
}

int resolve_cgroup(const char *arg, char *out, size_t len)
{
	return resolve_cgroup_at(arg, out, len, NULL);
}

int resolve_cgroup_at(const char *arg, char *out, size_t len, const char *where)
{
	const char *w = where ? where : "", *sep = where ? ": " : "";
	int err;
	char buf[PATH_MAX];
	struct statfs sfs;
	struct stat st;

	/*
	 * An absolute path that exists is taken as it is (and must be in a
	 * cgroup2 file system); anything else is relative to the root.
	 */
	if (!strcmp(arg, "/") || !*arg)
		snprintf(buf, sizeof(buf), "%s", CGROUP_ROOT);
	else if (arg[0] == '/' && !stat(arg, &st))
		snprintf(buf, sizeof(buf), "%s", arg);
	else
		snprintf(buf, sizeof(buf), "%s/%s", CGROUP_ROOT, arg[0] == '/' ? arg + 1 : arg);
	errno = 0;
	if (strlen(buf) >= len || !realpath(buf, out)) {
		err = errno ? errno : ENAMETOOLONG;
		fprintf(stderr, "vswapctl: %s%sno cgroup at %s: %s\n", w, sep, buf, strerror(err));
		return err == EACCES || err == EPERM ? EXIT_PERM : EXIT_USAGE;
	}
	if (stat(out, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "vswapctl: %s%sno cgroup at %s: %s\n", w, sep, out, strerror(ENOTDIR));
		return EXIT_USAGE;
	}
	if (statfs(out, &sfs) || sfs.f_type != CGROUP2_SUPER_MAGIC) {
		fprintf(stderr, "vswapctl: %s%s%s is not a cgroup: not in a cgroup2 file system\n", w, sep, out);
		return EXIT_USAGE;
	}
	return 0;
}

unsigned long long cgroup_id_of(const char *dir)
{
	struct stat st;

	if (stat(dir, &st))
		return 0;
	return (unsigned long long)st.st_ino;
}

int need_vswap(void)
{
	struct stat st;

	if (!stat(VSWAP_SYSFS, &st))
		return 0;
	fprintf(stderr, "vswapctl: this kernel has no vswap (%s: %s)\n", VSWAP_SYSFS, strerror(errno));
	return EXIT_NOVSWAP;
}

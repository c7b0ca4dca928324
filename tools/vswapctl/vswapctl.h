/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VSWAPCTL_H
#define VSWAPCTL_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/types.h>

#include "emit.h"
#include "vswap_default.h"

/* Exit status (documented in vswapctl(8)) */
#define EXIT_RUNTIME	1	/* a runtime error: the message names path and errno */
#define EXIT_USAGE	2	/* bad command line or configuration */
#define EXIT_NOVSWAP	3	/* the kernel has no vswap (or no vswap_ops) */
#define EXIT_PERM	4	/* not privileged enough */
#define EXIT_BUSY	5	/* a policy is already loaded / none to unload */

#define VSWAP_SYSFS		"/sys/kernel/mm/vswap"
#define VSWAP_POLICY_SYSFS	VSWAP_SYSFS "/policy"
/* vswapctl pins the policy's link next to its maps (VSWAP_PIN_DIR) */
#define VSWAP_LINK_PIN		VSWAP_PIN_DIR "/link"
#define CGROUP_ROOT		"/sys/fs/cgroup"

/* Print "vswapctl: WHAT PATH: strerror" and return an exit status for @err. */
int err_path(const char *what, const char *path, int err);
/* The exit status for a negative errno: EXIT_PERM for EPERM/EACCES, else EXIT_RUNTIME */
int exit_for(int err);

/*
 * Resolve a cgroup argument (relative to /sys/fs/cgroup, or absolute) to
 * its directory, which must be in a cgroup2 file system. Returns 0, or
 * prints why not ("no cgroup at", "not in a cgroup2 file system") and
 * returns an exit status.
 */
int resolve_cgroup(const char *arg, char *out, size_t len);
/* The same, messages prefixed with @where (a file and line) */
int resolve_cgroup_at(const char *arg, char *out, size_t len, const char *where);
/* The cgroup id of directory @dir (its inode number), or 0 with errno set */
unsigned long long cgroup_id_of(const char *dir);

/* vswap is there: 0, or a message and EXIT_NOVSWAP */
int need_vswap(void);

/* Commands (argc/argv from the command word on, options already removed) */
int cmd_status(struct emitter *e, int argc, char **argv);
int cmd_cgroup(struct emitter *e, int argc, char **argv);
int cmd_policy(struct emitter *e, int argc, char **argv);
int cmd_config(struct emitter *e, int argc, char **argv);
int cmd_trace(struct emitter *e, int argc, char **argv);

/* 0 when cgroup @dir has the memory controller; else a message (@where: file:line) and EXIT_USAGE */
int need_memcg(const char *dir, const char *where);

/*
 * The settings @kv[0..n) for cgroup directory @dir, on top of what it has
 * (own or inherited, from @map_fd when >= 0) or, with @replace, of the
 * defaults alone. Validates all of them; @where prefixes error messages
 * (a file and line). Returns 0 or EXIT_USAGE.
 */
struct vswap_cgroup_cfg;
int settings_build(int map_fd, const char *dir, char **kv, int n, bool replace,
		   struct vswap_cgroup_cfg *cfg, const char *where);

/* The "policy" object of status and policy show */
int policy_show_fields(struct emitter *e);

/*
 * The default policy's config map, pinned by vswapctl, while the default
 * policy runs: an fd, or a negative errno with a message printed
 * (-ESRCH: the default policy is not running; -ENOENT: not vswapctl's).
 */
int open_cfg_map(void);
/* The exit status for open_cfg_map()'s error */
int cfg_map_exit(int err);

#endif

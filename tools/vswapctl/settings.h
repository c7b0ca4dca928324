/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The default policy's per-cgroup settings as people write them:
 * "mode=direct", "backend=zswap", "demote-after=5m", "zswap-cap=50%",
 * "disk=any" on the command line (vswapctl cgroup set) and in
 * /etc/vswap/policy.conf, and back.
 */
#ifndef VSWAPCTL_SETTINGS_H
#define VSWAPCTL_SETTINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vswap_default.h"

/* Longest demote-after: a week, in seconds */
#define SETTINGS_MAX_DEMOTE_S	(7u * 24 * 3600)

/*
 * Parse a duration: a number with an optional unit s, m, h or d ("30s",
 * "5m", "0"; a bare number is seconds) into seconds, at most @max.
 * Returns 0 or -EINVAL (no number, an unknown unit, too large).
 */
int parse_duration(const char *s, unsigned int max, unsigned int *secs);

/* Parse a percentage, "50" or "50%", 0..100. Returns 0 or -EINVAL. */
int parse_percent(const char *s, unsigned int *pct);

/*
 * Apply one "key=value" setting to @cfg. On error returns -EINVAL with
 * @err (of @errlen) naming the bad key or value and what would be valid.
 */
int settings_apply(struct vswap_cgroup_cfg *cfg, const char *kv, char *err, size_t errlen);

/* The names of @cfg's values, as settings_apply() takes them */
const char *settings_mode_name(unsigned int mode);
const char *settings_backend_name(unsigned int backend);

/*
 * One line of policy.conf: "CGROUP key=value ..." (blank lines and "#"
 * comments are skipped). Splits @line in place: *@cgroup and up to @max
 * settings in @kv. Returns the number of settings, 0 for a line with
 * nothing on it, or -EINVAL (a cgroup without settings, too many) with
 * @err set.
 */
int settings_split_line(char *line, char **cgroup, char **kv, int max, char *err,
			size_t errlen);

#endif

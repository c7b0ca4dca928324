// SPDX-License-Identifier: GPL-2.0
/* Per-cgroup settings of the default policy (settings.h). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"

static const char *const mode_names[] = {
	[VSWAP_CFG_MODE_AUTO]		= "auto",
	[VSWAP_CFG_MODE_VIRTUAL]	= "virtual",
	[VSWAP_CFG_MODE_DIRECT]		= "direct",
};

static const char *const backend_names[] = {
	[VSWAP_CFG_BACKEND_AUTO]	= "auto",
	[VSWAP_CFG_BACKEND_ZSWAP]	= "zswap",
	[VSWAP_CFG_BACKEND_DISK]	= "disk",
	[VSWAP_CFG_BACKEND_MEMORY]	= "memory",
};

#define NAMES(a)	(sizeof(a) / sizeof((a)[0]))

const char *settings_mode_name(unsigned int mode)
{
	return mode < NAMES(mode_names) ? mode_names[mode] : "?";
}

const char *settings_backend_name(unsigned int backend)
{
	return backend < NAMES(backend_names) ? backend_names[backend] : "?";
}

/* A decimal number without sign or leading junk, to @end */
static int parse_uint(const char *s, unsigned long long *v, const char **end)
{
	char *e;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno)
		return -EINVAL;
	*end = e;
	return 0;
}

int parse_duration(const char *s, unsigned int max, unsigned int *secs)
{
	unsigned long long v, mult;
	const char *end;

	if (parse_uint(s, &v, &end))
		return -EINVAL;
	if (!*end)
		mult = 1;
	else if (!strcmp(end, "s"))
		mult = 1;
	else if (!strcmp(end, "m"))
		mult = 60;
	else if (!strcmp(end, "h"))
		mult = 3600;
	else if (!strcmp(end, "d"))
		mult = 86400;
	else
		return -EINVAL;
	if (v > max / mult)
		return -EINVAL;
	*secs = (unsigned int)(v * mult);
	return 0;
}

int parse_percent(const char *s, unsigned int *pct)
{
	unsigned long long v;
	const char *end;

	if (parse_uint(s, &v, &end))
		return -EINVAL;
	if (*end && strcmp(end, "%"))
		return -EINVAL;
	if (v > 100)
		return -EINVAL;
	*pct = (unsigned int)v;
	return 0;
}

static int name_index(const char *const *names, size_t n, const char *val)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(names[i], val))
			return (int)i;
	return -1;
}

int settings_apply(struct vswap_cgroup_cfg *cfg, const char *kv, char *err, size_t errlen)
{
	char key[32];
	const char *eq = strchr(kv, '='), *val;
	size_t klen;
	unsigned int u;
	int i;

	if (!eq || eq == kv) {
		snprintf(err, errlen, "'%s' is not key=value (keys: mode, backend, disk, demote-after, zswap-cap)",
			 kv);
		return -EINVAL;
	}
	klen = (size_t)(eq - kv);
	if (klen >= sizeof(key)) {
		snprintf(err, errlen, "unknown key '%.*s' (keys: mode, backend, disk, demote-after, zswap-cap)",
			 (int)klen, kv);
		return -EINVAL;
	}
	memcpy(key, kv, klen);
	key[klen] = '\0';
	val = eq + 1;

	if (!strcmp(key, "mode")) {
		i = name_index(mode_names, NAMES(mode_names), val);
		if (i < 0)
			goto bad_value;
		cfg->mode = (__u8)i;
	} else if (!strcmp(key, "backend")) {
		i = name_index(backend_names, NAMES(backend_names), val);
		if (i < 0)
			goto bad_value;
		cfg->backend = (__u8)i;
	} else if (!strcmp(key, "disk")) {
		unsigned long long v;
		const char *end;

		if (!strcmp(val, "any")) {
			cfg->disk_type = -1;
		} else if (!parse_uint(val, &v, &end) && !*end && v < 32) {
			cfg->disk_type = (__s16)v;
		} else {
			goto bad_value;
		}
	} else if (!strcmp(key, "demote-after")) {
		if (parse_duration(val, SETTINGS_MAX_DEMOTE_S, &u))
			goto bad_value;
		cfg->demote_after_s = u;
	} else if (!strcmp(key, "zswap-cap")) {
		if (parse_percent(val, &u))
			goto bad_value;
		cfg->zswap_cap_pct = u;
	} else {
		snprintf(err, errlen, "unknown key '%s' (keys: mode, backend, disk, demote-after, zswap-cap)",
			 key);
		return -EINVAL;
	}
	return 0;

bad_value:
	if (!strcmp(key, "mode"))
		snprintf(err, errlen, "bad value '%s' for mode (auto, virtual, direct)", val);
	else if (!strcmp(key, "backend"))
		snprintf(err, errlen, "bad value '%s' for backend (auto, zswap, disk, memory)", val);
	else if (!strcmp(key, "disk"))
		snprintf(err, errlen, "bad value '%s' for disk (any, or a swap type 0..31 as in vswapctl status)",
			 val);
	else if (!strcmp(key, "demote-after"))
		snprintf(err, errlen, "bad value '%s' for demote-after (a duration such as 0, 30s, 5m, 2h; at most 7d)",
			 val);
	else
		snprintf(err, errlen, "bad value '%s' for zswap-cap (a percentage 0..100)", val);
	return -EINVAL;
}

int settings_split_line(char *line, char **cgroup, char **kv, int max, char *err,
			size_t errlen)
{
	char *save = NULL, *tok, *hash = strchr(line, '#');
	int n = 0;

	if (hash)
		*hash = '\0';
	*cgroup = strtok_r(line, " \t\r\n", &save);
	if (!*cgroup)
		return 0;
	while ((tok = strtok_r(NULL, " \t\r\n", &save))) {
		if (n == max) {
			snprintf(err, errlen, "more than %d settings for %s", max, *cgroup);
			return -EINVAL;
		}
		kv[n++] = tok;
	}
	if (!n) {
		snprintf(err, errlen, "no settings for %s (want CGROUP key=value ...)", *cgroup);
		return -EINVAL;
	}
	return n;
}

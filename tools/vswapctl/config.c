// SPDX-License-Identifier: GPL-2.0
/*
 * 'vswapctl config': the default policy's settings from a file
 * (/etc/vswap/policy.conf), one cgroup per line:
 *
 *   # comment
 *   CGROUP key=value [key=value...]
 *
 * CGROUP is relative to /sys/fs/cgroup (or absolute); the keys are those
 * of 'vswapctl cgroup set'. 'check' validates the file; 'apply' validates
 * all of it, then writes every line whose cgroup exists (a cgroup that
 * does not exist yet is reported and skipped: the file is applied at boot,
 * maybe before every cgroup is created).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "settings.h"
#include "vswapctl.h"

#define MAX_SETTINGS	16

/* Validate (and with @map_fd >= 0, apply) @file; counts lines applied and skipped */
static int config_run(const char *file, int map_fd, int *applied, int *skipped)
{
	char line[1024], where[PATH_MAX + 32], err[256], dir[PATH_MAX];
	char *cgroup, *kv[MAX_SETTINGS];
	struct vswap_cgroup_cfg scratch;
	int lineno = 0, n, ret = 0;
	struct stat st;
	FILE *f;

	f = fopen(file, "re");
	if (!f)
		return err_path("cannot open", file, -errno);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", file, lineno);
		if (!strchr(line, '\n') && !feof(f)) {
			fprintf(stderr, "vswapctl: %s: line longer than %zu bytes\n", where,
				sizeof(line) - 2);
			ret = EXIT_USAGE;
			break;
		}
		n = settings_split_line(line, &cgroup, kv, MAX_SETTINGS, err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "vswapctl: %s: %s\n", where, err);
			ret = EXIT_USAGE;
			continue;
		}
		if (!n)
			continue;
		memset(&scratch, 0, sizeof(scratch));
		for (int i = 0; i < n; i++) {
			if (settings_apply(&scratch, kv[i], err, sizeof(err))) {
				fprintf(stderr, "vswapctl: %s: %s\n", where, err);
				ret = EXIT_USAGE;
				break;
			}
		}
		if (ret || map_fd < 0)
			continue;
		/* A cgroup that is not there (yet): skip it, say so */
		snprintf(dir, sizeof(dir), "%s/%s", CGROUP_ROOT, cgroup[0] == '/' ? cgroup + 1 : cgroup);
		if (stat(cgroup[0] == '/' && !stat(cgroup, &st) ? cgroup : dir, &st)) {
			fprintf(stderr, "vswapctl: %s: skipped: no cgroup at %s\n", where, dir);
			(*skipped)++;
			continue;
		}
		ret = cgroup_apply(map_fd, cgroup, kv, n, where);
		if (ret)
			break;
		(*applied)++;
	}
	fclose(f);
	return ret;
}

static void config_usage(FILE *out)
{
	fprintf(out,
		"usage: vswapctl [-j] config COMMAND FILE\n"
		"\n"
		"  check FILE   validate a settings file (default /etc/vswap/policy.conf syntax)\n"
		"  apply FILE   validate, then write its settings into the default policy's map\n"
		"\n"
		"FILE has one cgroup per line, '#' starts a comment:\n"
		"  CGROUP key=value...    (keys as in 'vswapctl cgroup set')\n");
}

int cmd_config(struct emitter *e, int argc, char **argv)
{
	int applied = 0, skipped = 0, map_fd, ret;

	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h") || (argc > 2 && (!strcmp(argv[2], "--help") ||
						    !strcmp(argv[2], "-h")))) {
		config_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (argc != 3 || (strcmp(argv[1], "check") && strcmp(argv[1], "apply"))) {
		config_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "check")) {
		ret = config_run(argv[2], -1, &applied, &skipped);
		if (!ret) {
			em_obj(e, NULL);
			em_str(e, "file", argv[2]);
			em_bool(e, "valid", true);
			em_obj_end(e);
		}
		return ret;
	}
	/* Validate all of it before writing any of it */
	ret = config_run(argv[2], -1, &applied, &skipped);
	if (ret)
		return ret;
	map_fd = open_cfg_map();
	if (map_fd < 0)
		return map_fd == -ENOENT ? EXIT_BUSY : exit_for(map_fd);
	ret = config_run(argv[2], map_fd, &applied, &skipped);
	close(map_fd);
	if (ret)
		return ret;
	em_obj(e, NULL);
	em_str(e, "file", argv[2]);
	em_u64(e, "applied", (unsigned long long)applied, EM_PLAIN);
	em_u64(e, "skipped", (unsigned long long)skipped, EM_PLAIN);
	em_obj_end(e);
	return 0;
}

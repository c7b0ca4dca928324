// SPDX-License-Identifier: GPL-2.0
/*
 * 'vswapctl config': the default policy's settings from a file
 * (/etc/vswap/policy.conf), one cgroup per line:
 *
 *   # comment
 *   CGROUP key=value [key=value...]
 *
 * CGROUP is relative to /sys/fs/cgroup (or absolute); the keys are those
 * of 'vswapctl cgroup set'. A line gives all of a cgroup's settings (keys
 * not on it take their defaults). 'check' validates the file; 'apply'
 * validates all of it, then writes every line whose cgroup exists (a
 * cgroup that does not exist yet is reported and skipped: the file is
 * applied at boot, maybe before every cgroup is created). Cgroups the file
 * does not name keep what they have: restarting vswap-policy.service
 * reloads the policy, which then has exactly the file's settings.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <bpf/bpf.h>

#include "settings.h"
#include "vswapctl.h"

#define MAX_SETTINGS	16
#define MAX_LINES	VSWAP_CFG_MAX_CGROUPS

struct entry {
	unsigned long long id;
	struct vswap_cgroup_cfg cfg;
};

/*
 * Read and check all of @file: each line's cgroup resolved (one that does
 * not exist is reported and skipped), its settings validated, on top of
 * the defaults (a line says all of a cgroup's settings). Fills @ents (the
 * caller frees it) and @nents. Returns 0 or an exit status, every error
 * named with file:line.
 */
static int config_read(const char *file, struct entry **ents, int *nents, int *skipped)
{
	char line[1024], where[PATH_MAX + 32], err[256], dir[PATH_MAX], path[PATH_MAX];
	char *cgroup, *kv[MAX_SETTINGS];
	struct vswap_cgroup_cfg scratch;
	int lineno = 0, n, c, ret = 0, r;
	struct stat st;
	FILE *f;

	*ents = calloc(MAX_LINES, sizeof(**ents));
	if (!*ents)
		return err_path("cannot read", file, -ENOMEM);
	*nents = 0;
	f = fopen(file, "re");
	if (!f)
		return err_path("cannot open", file, -errno);
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%d", file, lineno);
		if (!strchr(line, '\n')) {
			/* A last line without a newline is fine; a longer one is not */
			c = fgetc(f);
			if (c != EOF) {
				fprintf(stderr, "vswapctl: %s: line longer than %zu bytes\n", where,
					sizeof(line) - 2);
				ret = EXIT_USAGE;
				break;
			}
		}
		n = settings_split_line(line, &cgroup, kv, MAX_SETTINGS, err, sizeof(err));
		if (n < 0) {
			fprintf(stderr, "vswapctl: %s: %s\n", where, err);
			ret = EXIT_USAGE;
			continue;
		}
		if (!n)
			continue;
		/* A cgroup that is not there (yet): skipped, and said so */
		snprintf(path, sizeof(path), "%s/%s", CGROUP_ROOT, cgroup[0] == '/' ? cgroup + 1 : cgroup);
		if (!(cgroup[0] == '/' && !stat(cgroup, &st)) && stat(path, &st) && errno == ENOENT) {
			fprintf(stderr, "vswapctl: %s: skipped: no cgroup at %s\n", where, path);
			(*skipped)++;
			if (settings_build(-1, path, kv, n, true, &scratch, where))
				ret = EXIT_USAGE;
			continue;
		}
		r = resolve_cgroup_at(cgroup, dir, sizeof(dir), where);
		if (!r)
			r = need_memcg(dir, where);
		if (!r && *nents == MAX_LINES) {
			fprintf(stderr, "vswapctl: %s: more than %d cgroups\n", where, MAX_LINES);
			r = EXIT_USAGE;
		}
		if (!r)
			r = settings_build(-1, dir, kv, n, true, &(*ents)[*nents].cfg, where);
		if (r) {
			ret = ret ? ret : r;
			continue;
		}
		(*ents)[*nents].id = cgroup_id_of(dir);
		(*nents)++;
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
	struct entry *ents = NULL;
	int nents = 0, skipped = 0, map_fd, ret, i;

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
	/* All of the file is checked before any of it is written */
	ret = config_read(argv[2], &ents, &nents, &skipped);
	if (ret)
		goto out;
	if (!strcmp(argv[1], "check")) {
		em_obj(e, NULL);
		em_str(e, "file", argv[2]);
		em_bool(e, "valid", true);
		em_u64(e, "cgroups", (unsigned long long)nents, EM_PLAIN);
		em_u64(e, "skipped", (unsigned long long)skipped, EM_PLAIN);
		em_obj_end(e);
		goto out;
	}
	map_fd = open_cfg_map();
	if (map_fd < 0) {
		ret = cfg_map_exit(map_fd);
		goto out;
	}
	for (i = 0; i < nents; i++) {
		if (bpf_map_update_elem(map_fd, &ents[i].id, &ents[i].cfg, BPF_ANY)) {
			ret = err_path("cannot write the settings map", VSWAP_CFG_PIN, -errno);
			fprintf(stderr, "vswapctl: %s: %d of %d cgroups were written before the error\n",
				argv[2], i, nents);
			break;
		}
	}
	close(map_fd);
	if (!ret) {
		em_obj(e, NULL);
		em_str(e, "file", argv[2]);
		em_u64(e, "applied", (unsigned long long)nents, EM_PLAIN);
		em_u64(e, "skipped", (unsigned long long)skipped, EM_PLAIN);
		em_obj_end(e);
	}
out:
	free(ents);
	return ret;
}

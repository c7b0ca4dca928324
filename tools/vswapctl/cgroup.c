// SPDX-License-Identifier: GPL-2.0
/*
 * 'vswapctl cgroup': per-cgroup swap state (show) and the default policy's
 * per-cgroup settings (set).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>

#include "settings.h"
#include "sysinfo.h"
#include "vswapctl.h"

/* Deepest cgroup level 'cgroup show' descends to */
#define SHOW_MAX_DEPTH	32

int open_cfg_map(void)
{
	char state[64] = "", name[64] = "", msg[160] = "";
	int fd;

	read_text(VSWAP_POLICY_SYSFS "/state", state, sizeof(state));
	read_text(VSWAP_POLICY_SYSFS "/name", name, sizeof(name));
	read_text(VSWAP_POLICY_SYSFS "/exit_msg", msg, sizeof(msg));
	state[strcspn(state, "\n")] = name[strcspn(name, "\n")] = msg[strcspn(msg, "\n")] = '\0';
	/* Settings written while no default policy runs would do nothing */
	if (strcmp(state, "enabled") || strcmp(name, "default")) {
		fprintf(stderr, "vswapctl: the default policy is not running (policy '%s', state %s%s%s); 'vswapctl policy load default' first\n",
			name[0] ? name : "-", state[0] ? state : "?", msg[0] ? ": " : "", msg);
		return -ESRCH;
	}
	fd = bpf_obj_get(VSWAP_CFG_PIN);
	if (fd < 0) {
		int err = -errno;

		if (err == -ENOENT)
			fprintf(stderr, "vswapctl: the default policy was not loaded by vswapctl (%s: %s); 'vswapctl policy unload' it where it was loaded, then 'vswapctl policy load default'\n",
				VSWAP_CFG_PIN, strerror(ENOENT));
		else
			err_path("cannot open the default policy's settings map", VSWAP_CFG_PIN, err);
		return err;
	}
	return fd;
}

int cfg_map_exit(int err)
{
	return err == -ENOENT || err == -ESRCH ? EXIT_BUSY : exit_for(err);
}

/* The path of cgroup directory @dir as shown: relative to the root, "/" for it */
static const char *cg_name(const char *dir)
{
	size_t n = strlen(CGROUP_ROOT);

	if (strncmp(dir, CGROUP_ROOT, n) || (dir[n] && dir[n] != '/'))
		return dir;
	return dir[n] ? dir + n : "/";
}

/* A limit file's value: a number, or "max" */
static void emit_limit(struct emitter *e, const char *dir, const char *file)
{
	char path[PATH_MAX + 64], buf[64];
	char *end;
	unsigned long long v;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (read_text(path, buf, sizeof(buf)) < 0) {
		em_null(e, file);
		return;
	}
	buf[strcspn(buf, "\n")] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (!errno && end != buf && !*end)
		em_u64(e, file, v, EM_BYTES);
	else if (!strcmp(buf, "max"))
		em_none(e, file, "max");
	else
		em_str(e, file, buf);
}

/* A bytes counter of memory.stat as pages (0 when absent) */
static unsigned long long stat_pages(const char *stat, const char *key, unsigned long ps)
{
	long long v;

	return keyed_get(stat, key, &v) && v > 0 ? (unsigned long long)v / ps : 0;
}

static unsigned long long stat_val(const char *stat, const char *key)
{
	long long v;

	return keyed_get(stat, key, &v) && v > 0 ? (unsigned long long)v : 0;
}

/*
 * The settings that apply to cgroup @dir, as the policy looks them up
 * (vswap_cgroup_lookup(): its own entry, or its nearest ancestor's, at
 * most VSWAP_LOOKUP_DEPTH levels up). Returns 0 with @cfg and the cgroup
 * they come from in @from (of @len), or -ENOENT when none apply.
 */
#define VSWAP_LOOKUP_DEPTH	16	/* VSWAP_CGROUP_MAX_DEPTH of bpf/vswap.bpf.h */

static int effective_settings(int map_fd, const char *dir, struct vswap_cgroup_cfg *cfg,
			      char *from, size_t len)
{
	char cur[PATH_MAX], *slash;
	unsigned long long id;

	snprintf(cur, sizeof(cur), "%s", dir);
	for (int depth = 0; depth < VSWAP_LOOKUP_DEPTH; depth++) {
		id = cgroup_id_of(cur);
		if (id && !bpf_map_lookup_elem(map_fd, &id, cfg)) {
			snprintf(from, len, "%s", cur);
			return 0;
		}
		slash = strrchr(cur, '/');
		if (!strcmp(cur, CGROUP_ROOT) || !slash || slash == cur)
			break;
		*slash = '\0';
	}
	return -ENOENT;
}

static void emit_settings(struct emitter *e, int map_fd, const char *dir)
{
	struct vswap_cgroup_cfg cfg;
	char from[PATH_MAX];

	if (map_fd < 0) {
		em_null(e, "settings");
		return;
	}
	em_obj(e, "settings");
	if (effective_settings(map_fd, dir, &cfg, from, sizeof(from))) {
		em_str(e, "from", "built-in default");
		em_obj_end(e);
		return;
	}
	em_str(e, "from", strcmp(from, dir) ? cg_name(from) : "own");
	em_str(e, "mode", settings_mode_name(cfg.mode));
	em_str(e, "backend", settings_backend_name(cfg.backend));
	if (cfg.disk_type < 0)
		em_none(e, "disk", "any");
	else
		em_u64(e, "disk", (unsigned long long)cfg.disk_type, EM_PLAIN);
	em_u64(e, "demote_after_s", cfg.demote_after_s, EM_SECONDS);
	em_u64(e, "zswap_cap_pct", cfg.zswap_cap_pct, EM_PLAIN);
	em_obj_end(e);
}

static int show_one(struct emitter *e, int map_fd, const char *dir)
{
	static char stat[16384];
	char path[PATH_MAX + 64], buf[64];
	unsigned long ps = e->page_size;
	long long v;
	int err;

	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	err = read_text(path, stat, sizeof(stat));
	if (err < 0)
		return err;
	em_obj(e, NULL);
	em_str(e, "cgroup", cg_name(dir));
	em_u64(e, "id", cgroup_id_of(dir), EM_PLAIN);
	em_obj(e, "slots");
	em_u64(e, "zswap", stat_pages(stat, "vswap_zswap", ps), EM_PAGES);
	em_u64(e, "zero", stat_pages(stat, "vswap_zero", ps), EM_PAGES);
	/* Physical slots are what memory.swap.current charges (the root has none) */
	snprintf(path, sizeof(path), "%s/memory.swap.current", dir);
	if (read_text(path, buf, sizeof(buf)) >= 0 && (v = strtoll(buf, NULL, 10)) >= 0)
		em_u64(e, "disk", (unsigned long long)v / ps, EM_PAGES);
	else
		em_null(e, "disk");
	em_obj_end(e);
	em_u64(e, "zswap_compressed_bytes", stat_val(stat, "zswap"), EM_BYTES);
	em_u64(e, "zswap_original_bytes", stat_val(stat, "zswapped"), EM_BYTES);
	em_obj(e, "refaults");
	em_u64(e, "zswap", stat_val(stat, "zswpin"), EM_PLAIN);
	em_u64(e, "zero", stat_val(stat, "swpin_zero"), EM_PLAIN);
	em_u64(e, "disk", stat_val(stat, "pswpin"), EM_PLAIN);
	em_obj_end(e);
	em_obj(e, "limits");
	emit_limit(e, dir, "memory.max");
	emit_limit(e, dir, "memory.swap.max");
	emit_limit(e, dir, "memory.zswap.max");
	em_obj_end(e);
	emit_settings(e, map_fd, dir);
	em_obj_end(e);
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* @dir and the cgroups below it, parents first, siblings by name */
static int show_tree(struct emitter *e, int map_fd, const char *dir, int depth)
{
	char **names = NULL, path[PATH_MAX];
	struct dirent *d;
	size_t n = 0, cap = 0;
	DIR *dp;
	int err;

	err = show_one(e, map_fd, dir);
	if (err)
		return err;
	if (depth >= SHOW_MAX_DEPTH)
		return 0;
	dp = opendir(dir);
	if (!dp)
		return -errno;
	while ((d = readdir(dp))) {
		if (d->d_type != DT_DIR || d->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*names));

			if (!nn) {
				err = -ENOMEM;
				break;
			}
			names = nn;
		}
		names[n] = strdup(d->d_name);
		if (!names[n]) {
			err = -ENOMEM;
			break;
		}
		n++;
	}
	closedir(dp);
	if (!err)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		if (!err) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
			err = show_tree(e, map_fd, path, depth + 1);
			/* A cgroup removed while we walk is not an error */
			if (err == -ENOENT)
				err = 0;
		}
		free(names[i]);
	}
	free(names);
	return err;
}

static int cgroup_show(struct emitter *e, int argc, char **argv)
{
	char dir[PATH_MAX];
	int err, map_fd, ret;

	if (argc > 2) {
		fprintf(stderr, "usage: vswapctl cgroup show [PATH]\n");
		return EXIT_USAGE;
	}
	err = resolve_cgroup(argc == 2 ? argv[1] : "/", dir, sizeof(dir));
	if (err)
		return err;
	/* Settings only when vswapctl loaded the default policy */
	map_fd = bpf_obj_get(VSWAP_CFG_PIN);
	em_list(e, NULL);
	err = show_tree(e, map_fd, dir, 0);
	em_list_end(e);
	ret = err ? err_path("cannot read the cgroups under", dir, err) : 0;
	if (map_fd >= 0)
		close(map_fd);
	return ret;
}

int need_memcg(const char *dir, const char *where)
{
	char path[PATH_MAX + 16];
	struct stat st;

	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	if (!stat(path, &st))
		return 0;
	fprintf(stderr, "vswapctl: %s%s%s has no memory controller: the policy never sees it (enable +memory in its parent's cgroup.subtree_control)\n",
		where ? where : "", where ? ": " : "", dir);
	return EXIT_USAGE;
}

/*
 * The settings @kv[0..n) for cgroup directory @dir: on top of its own
 * entry, or the settings it inherits, or the defaults (@replace: on top of
 * the defaults alone). Validates all of them; @where prefixes messages.
 */
int settings_build(int map_fd, const char *dir, char **kv, int n, bool replace,
		   struct vswap_cgroup_cfg *cfg, const char *where)
{
	char err[256], from[PATH_MAX];

	memset(cfg, 0, sizeof(*cfg));
	cfg->disk_type = -1;
	if (!replace && map_fd >= 0)
		effective_settings(map_fd, dir, cfg, from, sizeof(from));
	for (int i = 0; i < n; i++) {
		if (settings_apply(cfg, kv[i], err, sizeof(err))) {
			fprintf(stderr, "vswapctl: %s%s%s\n", where ? where : "", where ? ": " : "", err);
			return EXIT_USAGE;
		}
	}
	return 0;
}

/* After set or unset: the cgroup as 'cgroup show' prints it */
static int show_changed(struct emitter *e, int map_fd, const char *dir)
{
	int err;

	em_list(e, NULL);
	err = show_one(e, map_fd, dir);
	em_list_end(e);
	return err ? err_path("cannot read", dir, err) : 0;
}

static int cgroup_set(struct emitter *e, int argc, char **argv)
{
	struct vswap_cgroup_cfg cfg;
	unsigned long long id;
	char dir[PATH_MAX];
	int map_fd, ret;

	if (argc < 3) {
		fprintf(stderr, "usage: vswapctl cgroup set PATH key=value... (mode, backend, disk, demote-after, zswap-cap)\n");
		return EXIT_USAGE;
	}
	ret = resolve_cgroup(argv[1], dir, sizeof(dir));
	if (!ret)
		ret = need_memcg(dir, NULL);
	if (ret)
		return ret;
	/* Bad settings are reported before anything else */
	ret = settings_build(-1, dir, argv + 2, argc - 2, true, &cfg, NULL);
	if (ret)
		return ret;
	map_fd = open_cfg_map();
	if (map_fd < 0)
		return cfg_map_exit(map_fd);
	ret = settings_build(map_fd, dir, argv + 2, argc - 2, false, &cfg, NULL);
	id = cgroup_id_of(dir);
	if (!ret && bpf_map_update_elem(map_fd, &id, &cfg, BPF_ANY))
		ret = err_path("cannot write the settings of", dir, -errno);
	if (!ret)
		ret = show_changed(e, map_fd, dir);
	close(map_fd);
	return ret;
}

static int cgroup_unset(struct emitter *e, int argc, char **argv)
{
	unsigned long long id;
	char dir[PATH_MAX];
	int map_fd, ret;

	if (argc != 2) {
		fprintf(stderr, "usage: vswapctl cgroup unset PATH\n");
		return EXIT_USAGE;
	}
	ret = resolve_cgroup(argv[1], dir, sizeof(dir));
	if (ret)
		return ret;
	map_fd = open_cfg_map();
	if (map_fd < 0)
		return cfg_map_exit(map_fd);
	id = cgroup_id_of(dir);
	if (bpf_map_delete_elem(map_fd, &id) && errno != ENOENT)
		ret = err_path("cannot remove the settings of", dir, -errno);
	if (!ret)
		ret = show_changed(e, map_fd, dir);
	close(map_fd);
	return ret;
}

static void cgroup_usage(FILE *out)
{
	fprintf(out,
		"usage: vswapctl [-j] cgroup COMMAND\n"
		"\n"
		"  show [PATH]              swap state of PATH (default: the root) and every cgroup\n"
		"                           below it: slots by backend, zswap bytes, refaults by\n"
		"                           backend, limits, the default policy's settings\n"
		"  set PATH key=value...    the default policy's settings for PATH (keys not\n"
		"                           given keep the value PATH has, own or inherited):\n"
		"                             mode=auto|virtual|direct\n"
		"                             backend=auto|zswap|disk|memory\n"
		"                             disk=any|TYPE          (the kernel's swap type number)\n"
		"                             demote-after=DURATION  (0 never; 30s, 5m, 2h, 1d)\n"
		"                             zswap-cap=PCT          (0 no cap)\n"
		"  unset PATH               remove PATH's own settings: it inherits again\n"
		"\n"
		"PATH is relative to %s or absolute.\n", CGROUP_ROOT);
}

int cmd_cgroup(struct emitter *e, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		cgroup_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cgroup_usage(stdout);
			return 0;
		}
	}
	if (!strcmp(argv[1], "show"))
		return cgroup_show(e, argc - 1, argv + 1);
	if (!strcmp(argv[1], "set"))
		return cgroup_set(e, argc - 1, argv + 1);
	if (!strcmp(argv[1], "unset"))
		return cgroup_unset(e, argc - 1, argv + 1);
	fprintf(stderr, "vswapctl: unknown cgroup command '%s' (show, set, unset)\n", argv[1]);
	return EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * 'vswapctl policy': load, unload and show the BPF swap policy.
 *
 * A policy is a BPF object with one struct vswap_ops map in
 * SEC(".struct_ops.link"). vswapctl loads it with libbpf, attaches it and
 * pins the link at /sys/fs/bpf/vswap/link, with the maps the object pins by
 * name in the same directory (the default policy's vswap_cfg), so that the
 * policy outlives vswapctl. Unloading removes the pins: the kernel unloads
 * the policy when the last reference to the link goes. The shipped
 * policies are built into vswapctl (skeletons), by name.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "sysinfo.h"
#include "vswapctl.h"
#include "vswap_default.skel.h"
#include "vswap_direct.skel.h"
#include "vswap_tiered.skel.h"

struct shipped {
	const char *name;
	const char *what;
	const void *(*elf)(size_t *sz);
};

static const struct shipped shipped[] = {
	{ "default", "per-cgroup mode, backend, disk, demote-after, zswap-cap (vswapctl cgroup set)",
	  vswap_default__elf_bytes },
	{ "direct", "cgroups listed in its map swap to physical slots, as without vswap",
	  vswap_direct__elf_bytes },
	{ "tiered", "zswap first; cgroups that refault little are demoted to disk",
	  vswap_tiered__elf_bytes },
};

#define NR_SHIPPED	(sizeof(shipped) / sizeof(shipped[0]))

/* BPF_F_LINK of the kernel's UAPI (6.4+; Debian 12's linux/bpf.h predates it) */
#define STRUCT_OPS_F_LINK	(1U << 13)

static int libbpf_quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* Read policy/@file into @buf, chomped; "" when absent */
static const char *policy_attr(const char *file, char *buf, size_t len)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", VSWAP_POLICY_SYSFS, file);
	if (read_text(path, buf, len) < 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static bool policy_sysfs_present(void)
{
	struct stat st;

	return !stat(VSWAP_POLICY_SYSFS, &st);
}

static int need_policy_sysfs(void)
{
	int err = need_vswap();

	if (err)
		return err;
	if (!policy_sysfs_present()) {
		fprintf(stderr, "vswapctl: this kernel takes no swap policies (%s: %s; CONFIG_VSWAP_BPF is off)\n",
			VSWAP_POLICY_SYSFS, strerror(ENOENT));
		return EXIT_NOVSWAP;
	}
	return 0;
}

/* /sys/fs/bpf is a BPF file system (mount one if nothing is there) */
static int need_bpffs(void)
{
	struct statfs sfs;

	if (statfs("/sys/fs/bpf", &sfs))
		return err_path("cannot stat", "/sys/fs/bpf", -errno);
	if (sfs.f_type == BPF_FS_MAGIC)
		return 0;
	fprintf(stderr, "vswapctl: /sys/fs/bpf is not a BPF file system (mount -t bpf bpf /sys/fs/bpf)\n");
	return EXIT_RUNTIME;
}

/*
 * Serialize vswapctl's loads and unloads (two admins, or one and the
 * unit): a lock on /sys/fs/bpf itself. Returns the fd to close, or -1
 * (then we go on unserialized: the kernel still refuses a second policy).
 */
static int lock_pins(void)
{
	int fd = open("/sys/fs/bpf", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0 && flock(fd, LOCK_EX)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Remove every pin in VSWAP_PIN_DIR and the directory; 0 or a negative errno */
static int remove_pins(void)
{
	struct dirent *d;
	char path[PATH_MAX];
	DIR *dir = opendir(VSWAP_PIN_DIR);
	int err = 0;

	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", VSWAP_PIN_DIR, d->d_name);
		if (unlink(path) && !err)
			err = -errno;
	}
	closedir(dir);
	if (rmdir(VSWAP_PIN_DIR) && !err)
		err = -errno;
	return err;
}

/*
 * Wait up to 10 s for policy/state to leave "enabled"/"ejecting": the
 * kernel stops the policy when the link's last reference goes, which
 * waits for RCU readers (slow under emulation)
 */
static bool wait_policy_gone(void)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	char buf[64];

	for (int i = 0; i < 500; i++) {
		policy_attr("state", buf, sizeof(buf));
		if (strcmp(buf, "enabled") && strcmp(buf, "ejecting"))
			return true;
		nanosleep(&ts, NULL);
	}
	return false;
}

static int policy_load(struct emitter *e, int argc, char **argv)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .pin_root_path = VSWAP_PIN_DIR);
	const struct shipped *sh = NULL;
	struct bpf_object *obj = NULL;
	struct bpf_map *map, *ops = NULL;
	struct bpf_link *link = NULL;
	char state[64], name[64], msg[256];
	const char *what;
	struct stat st;
	int err, nr_ops = 0, ret = EXIT_RUNTIME, lock_fd = -1;
	bool pinned = false;

	if (argc != 2) {
		fprintf(stderr, "usage: vswapctl policy load NAME|FILE (names: default, direct, tiered)\n");
		return EXIT_USAGE;
	}
	what = argv[1];
	for (size_t i = 0; i < NR_SHIPPED; i++)
		if (!strcmp(what, shipped[i].name))
			sh = &shipped[i];
	if (!sh && !strchr(what, '/') && !strstr(what, ".o")) {
		fprintf(stderr, "vswapctl: no shipped policy '%s' (default, direct, tiered; or a path to a BPF object)\n",
			what);
		return EXIT_USAGE;
	}
	if (!sh && stat(what, &st))
		return err_path("cannot open", what, -errno);
	err = need_policy_sysfs();
	if (err)
		return err;
	if (geteuid() != 0) {
		fprintf(stderr, "vswapctl: loading a swap policy needs root (CAP_SYS_ADMIN and CAP_BPF): %s\n",
			strerror(EPERM));
		return EXIT_PERM;
	}
	policy_attr("state", state, sizeof(state));
	if (!strcmp(state, "enabled") || !strcmp(state, "ejecting")) {
		fprintf(stderr, "vswapctl: a swap policy is already loaded: '%s' (state %s); 'vswapctl policy unload' first\n",
			policy_attr("name", name, sizeof(name)), state);
		return EXIT_BUSY;
	}
	err = need_bpffs();
	if (err)
		return err;
	lock_fd = lock_pins();
	/* Checked again under the lock: another vswapctl may have won */
	policy_attr("state", state, sizeof(state));
	if (!strcmp(state, "enabled") || !strcmp(state, "ejecting")) {
		fprintf(stderr, "vswapctl: a swap policy is already loaded: '%s' (state %s); 'vswapctl policy unload' first\n",
			policy_attr("name", name, sizeof(name)), state);
		ret = EXIT_BUSY;
		goto unlock;
	}
	/* Pins left by a policy the kernel ejected (or one unloaded elsewhere) */
	err = remove_pins();
	if (err) {
		ret = err_path("cannot remove stale pins in", VSWAP_PIN_DIR, err);
		goto unlock;
	}
	if (mkdir(VSWAP_PIN_DIR, 0700)) {
		ret = err_path("cannot create", VSWAP_PIN_DIR, -errno);
		goto unlock;
	}
	pinned = true;

	libbpf_set_print(libbpf_quiet);
	if (sh) {
		size_t sz;
		const void *elf = sh->elf(&sz);

		opts.object_name = sh->name;
		obj = bpf_object__open_mem(elf, sz, &opts);
	} else {
		obj = bpf_object__open_file(what, &opts);
	}
	if (!obj) {
		err = -errno;
		ret = err_path("cannot open the BPF object", what, err);
		goto out;
	}
	bpf_object__for_each_map(map, obj) {
		if (bpf_map__type(map) != BPF_MAP_TYPE_STRUCT_OPS)
			continue;
		nr_ops++;
		ops = map;
	}
	if (nr_ops != 1) {
		fprintf(stderr, "vswapctl: %s: want exactly one struct_ops map (struct vswap_ops), found %d\n",
			what, nr_ops);
		ret = EXIT_USAGE;
		goto out;
	}
	if (!(bpf_map__map_flags(ops) & STRUCT_OPS_F_LINK)) {
		fprintf(stderr, "vswapctl: %s: its struct_ops map '%s' is not in SEC(\".struct_ops.link\"): vswapctl pins a link\n",
			what, bpf_map__name(ops));
		ret = EXIT_USAGE;
		goto out;
	}
	err = bpf_object__load(obj);
	if (err) {
		if (err == -EPERM || err == -EACCES)
			fprintf(stderr, "vswapctl: loading %s: %s (needs CAP_SYS_ADMIN and CAP_BPF)\n", what,
				strerror(-err));
		else
			fprintf(stderr, "vswapctl: the kernel refused to load %s: %s (libbpf's messages above say why)\n",
				what, strerror(-err));
		ret = exit_for(err);
		goto out;
	}
	link = bpf_map__attach_struct_ops(ops);
	if (!link) {
		err = -errno;
		policy_attr("exit_msg", msg, sizeof(msg));
		if (err == -EBUSY || err == -EEXIST) {
			fprintf(stderr, "vswapctl: a swap policy is already loaded: '%s'\n",
				policy_attr("name", name, sizeof(name)));
			ret = EXIT_BUSY;
			/* Loaded by another tool meanwhile: its pins are not ours (ours are) */
		} else {
			fprintf(stderr, "vswapctl: attaching %s: %s%s%s\n", what, strerror(-err),
				msg[0] ? "; the kernel says: " : "", msg);
			ret = exit_for(err);
		}
		goto out;
	}
	err = bpf_link__pin(link, VSWAP_LINK_PIN);
	if (err) {
		ret = err_path("cannot pin the policy's link at", VSWAP_LINK_PIN, err);
		goto out;
	}
	/* The pin keeps the policy; closing our link must not detach it */
	bpf_link__disconnect(link);
	em_obj(e, NULL);
	em_str(e, "loaded", policy_attr("name", name, sizeof(name)));
	em_str(e, "from", sh ? "shipped" : what);
	em_str(e, "pinned", VSWAP_PIN_DIR);
	em_obj_end(e);
	ret = 0;
out:
	bpf_link__destroy(link);
	bpf_object__close(obj);
	/* What we pinned under the lock is ours to remove */
	if (ret && pinned)
		remove_pins();
unlock:
	if (lock_fd >= 0)
		close(lock_fd);
	return ret;
}

static int policy_unload(struct emitter *e, int argc, char **argv)
{
	char state[64], name[64];
	struct stat st;
	int err, lock_fd;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: vswapctl policy unload\n");
		return EXIT_USAGE;
	}
	err = need_policy_sysfs();
	if (err)
		return err;
	if (stat(VSWAP_LINK_PIN, &st)) {
		if (errno == EACCES || errno == EPERM)
			return err_path("cannot unload the policy pinned at", VSWAP_LINK_PIN, -errno);
		policy_attr("state", state, sizeof(state));
		if (!strcmp(state, "enabled"))
			fprintf(stderr, "vswapctl: the loaded policy '%s' was not loaded by vswapctl (no %s): unload it where it was loaded\n",
				policy_attr("name", name, sizeof(name)), VSWAP_LINK_PIN);
		else
			fprintf(stderr, "vswapctl: no swap policy is loaded (%s: %s)\n", VSWAP_LINK_PIN,
				strerror(errno));
		return EXIT_BUSY;
	}
	policy_attr("name", name, sizeof(name));
	lock_fd = lock_pins();
	err = remove_pins();
	if (lock_fd >= 0)
		close(lock_fd);
	if (err)
		return err_path("cannot remove the pins in", VSWAP_PIN_DIR, err);
	if (!wait_policy_gone()) {
		fprintf(stderr, "vswapctl: the pins are gone but policy '%s' is still loaded: something else holds its link\n",
			name);
		return EXIT_RUNTIME;
	}
	em_obj(e, NULL);
	em_str(e, "unloaded", name);
	em_obj_end(e);
	return 0;
}

int policy_show_fields(struct emitter *e)
{
	static const char *const num_attrs[] = { "enable_seq", "nr_rejected" };
	char buf[512];
	struct stat st;
	long long v;

	if (!policy_sysfs_present()) {
		em_null(e, "policy");
		return 0;
	}
	em_obj(e, "policy");
	policy_attr("name", buf, sizeof(buf));
	if (buf[0])
		em_str(e, "name", buf);
	else
		em_null(e, "name");
	em_str(e, "state", policy_attr("state", buf, sizeof(buf)));
	for (size_t i = 0; i < sizeof(num_attrs) / sizeof(num_attrs[0]); i++) {
		policy_attr(num_attrs[i], buf, sizeof(buf));
		v = strtoll(buf, NULL, 10);
		em_u64(e, num_attrs[i], v < 0 ? 0 : (unsigned long long)v, EM_PLAIN);
	}
	em_str(e, "exit_kind", policy_attr("exit_kind", buf, sizeof(buf)));
	em_str(e, "exit_msg", policy_attr("exit_msg", buf, sizeof(buf)));
	if (!stat(VSWAP_LINK_PIN, &st))
		em_str(e, "pinned", VSWAP_LINK_PIN);
	else
		em_null(e, "pinned");
	em_obj_end(e);
	return 0;
}

static int policy_show(struct emitter *e, int argc)
{
	int err;

	if (argc != 1) {
		fprintf(stderr, "usage: vswapctl policy show\n");
		return EXIT_USAGE;
	}
	err = need_policy_sysfs();
	if (err)
		return err;
	em_obj(e, NULL);
	policy_show_fields(e);
	em_list(e, "shipped");
	for (size_t i = 0; i < NR_SHIPPED; i++) {
		em_obj(e, NULL);
		em_str(e, "name", shipped[i].name);
		em_str(e, "what", shipped[i].what);
		em_obj_end(e);
	}
	em_list_end(e);
	em_obj_end(e);
	return 0;
}

static void policy_usage(FILE *out)
{
	fprintf(out,
		"usage: vswapctl [-j] policy COMMAND\n"
		"\n"
		"  load NAME|FILE   load a swap policy: a shipped one by name (default, direct,\n"
		"                   tiered) or a BPF object file; pinned under %s\n"
		"  unload           unload the policy vswapctl loaded; the built-in default applies\n"
		"  show             the loaded policy: name, state, rejected answers, exit reason\n",
		VSWAP_PIN_DIR);
}

int cmd_policy(struct emitter *e, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "help") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-h")) {
		policy_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	if (argc > 2 && (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
		policy_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "load"))
		return policy_load(e, argc - 1, argv + 1);
	if (!strcmp(argv[1], "unload"))
		return policy_unload(e, argc - 1, argv + 1);
	if (!strcmp(argv[1], "show"))
		return policy_show(e, argc - 1);
	fprintf(stderr, "vswapctl: unknown policy command '%s' (load, unload, show)\n", argv[1]);
	return EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Who may change swap policy, and what a policy may do.
 *
 * An unprivileged user (uid/gid 65534, no capabilities) with the default
 * policy loaded by root:
 *  - cannot load or unload a policy with vswapctl (exit 4, one line that
 *    says why), nor load a struct_ops program itself, nor remove the
 *    pinned link from bpffs;
 *  - cannot open the pinned config map of the default policy (so cannot
 *    change a cgroup's settings), and vswapctl cgroup set/unset and config
 *    apply say so in one line with exit 4;
 *  - cannot write any file under /sys/kernel/mm/vswap;
 * and afterwards the policy, its settings and vswap's switch are as root
 * left them.
 *
 * A policy cannot push a cgroup past its limits: a policy answering zswap
 * for a cgroup at memory.zswap.max, and disk for a cgroup at
 * memory.swap.max, leaves both limits holding, every page intact.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest.h"
#include "vswap_util.h"
#include "vswap_libbpf.h"
#include "vswap_test_plain.skel.h"
#include "vswap_test_policy.skel.h"

#define CG_S		"vswap_test_security"
#define CG_Z		"vswap_test_security_z"
#define CG_D		"vswap_test_security_d"
#define NOBODY		65534
#define CFG_PIN		"/sys/fs/bpf/vswap/vswap_cfg"
#define LINK_PIN	"/sys/fs/bpf/vswap/link"

static const char *vswapctl;

static void become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY)) {
		printf("cannot become uid %d: %s\n", NOBODY, strerror(errno));
		_exit(2);
	}
}

/*
 * Run vswapctl as nobody with @args; its exit status, the number of lines
 * it wrote to stderr in *@lines and the first of them in @first.
 */
static int vswapctl_nobody(const char *args, int *lines, char *first, size_t len)
{
	char cmd[1024], line[512];
	FILE *f;
	int rc;

	snprintf(cmd, sizeof(cmd),
		 "setpriv --reuid=%d --regid=%d --clear-groups '%s' %s 2>&1 >/dev/null; echo \"rc=$?\"",
		 NOBODY, NOBODY, vswapctl, args);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	*lines = 0;
	first[0] = '\0';
	rc = -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "rc=", 3)) {
			rc = atoi(line + 3);
			continue;
		}
		if (!(*lines)++)
			snprintf(first, len, "%s", line);
	}
	pclose(f);
	first[strcspn(first, "\n")] = '\0';
	return rc;
}

static void check_vswapctl(const char *args, const char *what)
{
	char first[512];
	int lines = 0, rc;

	first[0] = '\0';
	rc = vswapctl_nobody(args, &lines, first, sizeof(first));

	ksft_test_result(rc == 4 && lines == 1 &&
			 (strstr(first, "Permission denied") || strstr(first, "needs root") ||
			  strstr(first, "Operation not permitted")),
			 "unprivileged 'vswapctl %s' %s: exit %d, %d line: %s\n", args, what, rc, lines,
			 first);
}

/* In a child as nobody: each check is one bit of the exit status when it fails */
static int nobody_checks(void *arg)
{
	struct vswap_test_plain *plain;
	char path[PATH_MAX];
	struct dirent *de;
	int fd, bad = 0, nfiles = 0;
	const char *dirs[] = { "/sys/kernel/mm/vswap", "/sys/kernel/mm/vswap/policy" };
	size_t i;

	(void)arg;
	become_nobody();
	/* the settings map, pinned by root */
	fd = bpf_obj_get(CFG_PIN);
	if (fd >= 0) {
		printf("nobody opened %s\n", CFG_PIN);
		bad |= 1;
	} else if (errno != EACCES && errno != EPERM) {
		printf("%s: %s (want EACCES or EPERM)\n", CFG_PIN, strerror(errno));
		bad |= 1;
	}
	/* the link: removing the pin would not unload, but it must not be possible either */
	if (!unlink(LINK_PIN) || (errno != EACCES && errno != EPERM)) {
		printf("unlink %s as nobody: %s\n", LINK_PIN, strerror(errno));
		bad |= 2;
	}
	/* a struct_ops of its own */
	libbpf_set_print(NULL);
	plain = vswap_test_plain__open_and_load();
	if (plain) {
		printf("nobody loaded a struct_ops program\n");
		vswap_test_plain__destroy(plain);
		bad |= 4;
	}
	/* every sysfs file of vswap, writable or not */
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = opendir(dirs[i]);

		while (d && (de = readdir(d))) {
			struct stat st;

			snprintf(path, sizeof(path), "%s/%s", dirs[i], de->d_name);
			if (stat(path, &st) || !S_ISREG(st.st_mode))
				continue;
			nfiles++;
			fd = open(path, O_WRONLY);
			if (fd >= 0) {
				printf("nobody can write %s\n", path);
				close(fd);
				bad |= 8;
			}
		}
		if (d)
			closedir(d);
	}
	if (nfiles < 5) {
		printf("only %d files under /sys/kernel/mm/vswap\n", nfiles);
		bad |= 8;
	}
	printf("nobody: %d sysfs files tried\n", nfiles);
	return bad;
}

/* @cmd's standard output, at most @len - 1 bytes of it */
static void capture(const char *cmd, char *buf, size_t len)
{
	FILE *f = popen(cmd, "r");
	size_t n = f ? fread(buf, 1, len - 1, f) : 0;

	buf[n] = '\0';
	if (f)
		pclose(f);
}

static void unprivileged(void)
{
	char before[4096], after[4096], cmd[1024], conf[PATH_MAX];
	FILE *f;
	int rc;

	/* as root: the default policy, a setting for CG_S */
	snprintf(cmd, sizeof(cmd), "'%s' policy load default >/dev/null && '%s' cgroup set %s backend=zswap >/dev/null",
		 vswapctl, vswapctl, CG_S);
	if (system(cmd))
		ksft_exit_fail_msg("root cannot load the default policy with vswapctl\n");
	snprintf(cmd, sizeof(cmd), "'%s' -j cgroup show %s", vswapctl, CG_S);
	capture(cmd, before, sizeof(before));

	check_vswapctl("policy load default", "is refused");
	check_vswapctl("policy unload", "is refused");
	check_vswapctl("cgroup set " CG_S " backend=disk", "is refused");
	check_vswapctl("cgroup unset " CG_S, "is refused");
	snprintf(conf, sizeof(conf), "/tmp/vswap_security.conf");
	f = fopen(conf, "w");
	if (f) {
		fprintf(f, "%s mode=direct\n", CG_S);
		fclose(f);
		chmod(conf, 0644);
	}
	check_vswapctl("config apply /tmp/vswap_security.conf", "is refused");
	unlink(conf);

	rc = run_in_cgroup(NULL, nobody_checks, NULL);
	ksft_test_result(rc >= 0 && !(rc & 1), "nobody cannot open the pinned settings map\n");
	ksft_test_result(rc >= 0 && !(rc & 2), "nobody cannot remove the pinned link\n");
	ksft_test_result(rc >= 0 && !(rc & 4), "nobody cannot load a struct_ops policy of its own\n");
	ksft_test_result(rc >= 0 && !(rc & 8), "nobody cannot write any file under /sys/kernel/mm/vswap\n");

	capture(cmd, after, sizeof(after));
	ksft_test_result(policy_is("state", "enabled") && policy_is("name", "default") &&
			 vswap_stat("slots") >= 0 && before[0] && !strcmp(before, after) &&
			 strstr(after, "\"zswap\""),
			 "after all that: the default policy still loaded, the cgroup's settings unchanged\n");
	snprintf(cmd, sizeof(cmd), "'%s' policy unload >/dev/null", vswapctl);
	if (system(cmd))
		ksft_print_msg("vswapctl policy unload failed\n");
}

struct pageout_arg {
	size_t npages;
	size_t bad;
	long long peak_zswap, peak_swap;
	const char *cg;
};

static int limited_workload(void *varg)
{
	struct pageout_arg *a = varg;
	char *p = map_fill(a->npages, 77, false);
	size_t i;

	if (!p)
		return 2;
	for (i = 0; i < a->npages; i += 256) {
		long long z, s;

		madvise(p + i * PAGE_SZ, 256 * PAGE_SZ, MADV_PAGEOUT);
		z = cg_read_ll(a->cg, "memory.zswap.current");
		s = cg_read_ll(a->cg, "memory.swap.current");
		if (z > a->peak_zswap)
			a->peak_zswap = z;
		if (s > a->peak_swap)
			a->peak_swap = s;
	}
	a->bad = check_range(p, a->npages, 77, false);
	return 0;
}

/* Run the workload in @cg; the shared result comes back through @out */
static int run_limited(const char *cg, struct pageout_arg *out)
{
	struct pageout_arg *a = mmap(NULL, sizeof(*a), PROT_READ | PROT_WRITE,
				     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int rc;

	if (a == MAP_FAILED)
		return -1;
	*a = *out;
	rc = run_in_cgroup(cg, limited_workload, a);
	*out = *a;
	munmap(a, sizeof(*a));
	return rc;
}

static void limits(void)
{
	struct vswap_test_policy *tp;
	struct bpf_link *link;
	struct pageout_arg a;
	char swapfile[PATH_MAX];
	long long smr0;
	int rc;

	if (cg_create(CG_Z) || cg_create(CG_D) ||
	    cg_write(CG_Z, "memory.zswap.max", "1M") || cg_write(CG_D, "memory.swap.max", "1M"))
		ksft_exit_fail_msg("cannot set up the limited cgroups\n");
	snprintf(swapfile, sizeof(swapfile), "%s/security.swap", scratch_dir() ? scratch_dir() : "/tmp");
	if (swapfile_add(swapfile, 64 * MB))
		ksft_exit_fail_msg("cannot add a swapfile\n");
	tp = vswap_test_policy__open_and_load();
	link = tp ? bpf_map__attach_struct_ops(tp->maps.vswap_test_policy) : NULL;
	if (!link)
		ksft_exit_fail_msg("cannot load the test policy: %s\n", strerror(errno));
	tp->bss->zswap_cgid = cg_id(CG_Z);
	tp->bss->disk_cgid = cg_id(CG_D);

	a = (struct pageout_arg){ .npages = 4096, .cg = CG_Z };	/* 16M */
	rc = run_limited(CG_Z, &a);
	ksft_print_msg("zswap answer at zswap.max 1M: status %d, peak zswap.current %lld, %zu bad\n",
		       rc, a.peak_zswap, a.bad);
	ksft_test_result(rc == 0 && a.bad == 0 && a.peak_zswap >= 0 && a.peak_zswap <= 1 * (long long)MB,
			 "a policy answering zswap cannot take a cgroup past memory.zswap.max; every page intact\n");

	smr0 = vswap_stat("swap_max_reject");
	a = (struct pageout_arg){ .npages = 4096, .cg = CG_D };
	rc = run_limited(CG_D, &a);
	ksft_print_msg("disk answer at swap.max 1M: status %d, peak swap.current %lld, swap_max_reject +%lld, %zu bad\n",
		       rc, a.peak_swap, vswap_stat("swap_max_reject") - smr0, a.bad);
	ksft_test_result(rc == 0 && a.bad == 0 && a.peak_swap >= 0 && a.peak_swap <= 1 * (long long)MB &&
			 vswap_stat("swap_max_reject") > smr0,
			 "a policy answering disk cannot take a cgroup past memory.swap.max; refusals counted\n");
	bpf_link__destroy(link);
	vswap_test_policy__destroy(tp);
	swapfile_remove(swapfile);
	cg_destroy(CG_Z);
	cg_destroy(CG_D);
}

int main(void)
{
	vswapctl = getenv("VSWAPCTL");
	ksft_print_header();
	ksft_set_plan(12);
	if (!vswapctl || access(vswapctl, X_OK))
		ksft_exit_fail_msg("no vswapctl (VSWAPCTL=%s)\n", vswapctl ? vswapctl : "");
	if (access("/usr/bin/setpriv", X_OK))
		ksft_exit_fail_msg("setpriv (util-linux) is needed\n");
	vswap_test_setup(CG_S);
	unprivileged();
	limits();
	cg_destroy(CG_S);
	ksft_finished();
}

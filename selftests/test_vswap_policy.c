// SPDX-License-Identifier: GPL-2.0
/*
 * Swap policies through the vswap_ops struct_ops:
 *
 *  - the default policy (bpf/vswap_default.bpf.c) loads through its libbpf
 *    skeleton and through bpftool (struct_ops register, a pinned link);
 *    /sys/kernel/mm/vswap/policy/ shows its name and state, and unloading
 *    brings the built-in default back;
 *  - its per-cgroup settings are real: of two cgroups running the same
 *    workload, the one set to "zswap" swaps to zswap only and the one set
 *    to "disk" to the swapfile only, every page intact;
 *  - a second policy gets EBUSY while the first keeps running;
 *  - a test policy (selftests/bpf/vswap_test_policy.bpf.c) hears of the
 *    swap-ins of a cgroup by source, in numbers memory.stat agrees with,
 *    and of a cgroup coming online and going away;
 *  - garbage answers are counted in nr_rejected and the default applies;
 *  - a demote answer far above what a cgroup holds is clamped, counted,
 *    and, round after round, gets the policy ejected ("invalid");
 *  - bpf_vswap_error() ejects the policy with its message, exit() hears of
 *    it, the default resumes, and a fresh policy loads afterwards;
 *  - an unprivileged process cannot load a policy, and the verifier
 *    rejects one whose non-sleepable mode callback calls a sleepable kfunc;
 *  - loading and unloading while a workload swaps loses no data.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest.h"
#include "vswap_util.h"
#include "vswap_libbpf.h"
#include "vswap_default.h"
#include "vswap_default.skel.h"
#include "vswap_test_policy.skel.h"
#include "vswap_test_sleepy.skel.h"

/* The skeleton pins vswap_cfg by name under libbpf's default root */
#define TEST_CFG_PIN	"/sys/fs/bpf/vswap_cfg"
#define CG_Z		"vswap_test_policy_z"
#define CG_D		"vswap_test_policy_d"
#define CG_W		"vswap_test_policy_w"
#define CG_P		"vswap_test_policy_p"
#define CG_NEW		"vswap_test_policy_p/new"
#define LINK_PIN	"/sys/fs/bpf/vswap_test_policy_link"
#define NPAGES		2048UL	/* 8M */

enum { SRC_ZSWAP, SRC_ZERO, SRC_DISK };	/* enum vswap_ops_source */

/* What a child saw, in memory shared with the test */
struct result {
	long long zswpout, pswpout, zswpin, pswpin, zswpwb;
	long long used1, used2;	/* KiB used on each swapfile, paged out */
	size_t bad;
};

static struct result *res;
static char swapfile[4096], swapfile2[4096];


/* In cgroup @arg: page out compressible pages, touch them back, check. */
static int swap_child(void *arg)
{
	const char *cg = arg;
	long long zo = cg_stat(cg, "zswpout"), po = cg_stat(cg, "pswpout");
	long long zi = cg_stat(cg, "zswpin"), pi = cg_stat(cg, "pswpin");
	char *buf;

	buf = map_fill_pageout(NPAGES, 0x9011c7ULL, false);
	if (!buf)
		return 2;
	res->zswpout = cg_stat(cg, "zswpout") - zo;
	res->pswpout = cg_stat(cg, "pswpout") - po;
	res->used1 = swaps_used(swapfile, NULL);
	res->used2 = swaps_used(swapfile2, NULL);
	res->bad = check_range(buf, NPAGES, 0x9011c7ULL, false);
	res->zswpin = cg_stat(cg, "zswpin") - zi;
	res->pswpin = cg_stat(cg, "pswpin") - pi;
	return 0;
}

/* In cgroup @arg: page out compressible pages and keep them out a while */
static int hold_child(void *arg)
{
	const char *cg = arg;
	long long wb = cg_stat(cg, "zswpwb");
	char *buf = map_fill_pageout(NPAGES, 0x401dULL, false);

	if (!buf)
		return 2;
	sleep(5);
	res->zswpwb = cg_stat(cg, "zswpwb") - wb;
	res->bad = check_range(buf, NPAGES, 0x401dULL, false);
	return 0;
}

static int run(const char *cg)
{
	memset(res, 0, sizeof(*res));
	return run_in_cgroup(cg, swap_child, (void *)cg);
}

static int set_cfg(struct bpf_map *map, const char *cg, __u8 backend)
{
	struct vswap_cgroup_cfg cfg = { .backend = backend, .disk_type = -1 };
	__u64 id = cg_id(cg);

	return bpf_map__update_elem(map, &id, sizeof(id), &cfg, sizeof(cfg), BPF_ANY);
}

/* Run @cmd with the shell; its exit status */
static int shell(const char *cmd)
{
	int rc = system(cmd);

	return rc < 0 ? rc : WEXITSTATUS(rc);
}

/* The unprivileged child: loading a policy must fail */
static int unpriv_child(void *arg)
{
	struct vswap_test_policy *skel;
	struct bpf_link *link = NULL;

	(void)arg;
	if (setgid(65534) || setuid(65534))
		return 3;
	skel = vswap_test_policy__open_and_load();
	if (skel)
		link = bpf_map__attach_struct_ops(skel->maps.vswap_test_policy);
	if (link) {
		bpf_link__destroy(link);
		vswap_test_policy__destroy(skel);
		return 1;	/* loaded: wrong */
	}
	ksft_print_msg("unprivileged load: %s\n", strerror(errno));
	vswap_test_policy__destroy(skel);
	return 0;
}

/* While policies come and go, a child keeps swapping and checking */
static int churn_child(void *arg)
{
	volatile int *stop = arg;
	size_t bad = 0;
	int rounds = 0;
	char *buf;

	while (!*stop && rounds < 200) {
		buf = map_fill_pageout(512, 0xc0ffeeULL + rounds, false);
		if (!buf)
			return 2;
		bad += check_range(buf, 512, 0xc0ffeeULL + rounds, false);
		munmap(buf, 512 * PAGE_SZ);
		rounds++;
	}
	res->bad = bad;
	res->zswpout = rounds;
	return 0;
}

int main(void)
{
	struct vswap_test_policy *tp = NULL, *tp2 = NULL;
	struct vswap_test_sleepy *sleepy;
	struct vswap_default *def;
	struct bpf_link *link, *link2;
	long long seq0, rej0, rc, zin, din;
	volatile int *stop;
	char cmd[8192], msg[256];
	const char *bpfdir;
	pid_t pid;
	int status;

	ksft_print_header();
	ksft_set_plan(31);
	libbpf_set_print(vswap_libbpf_print);
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	bpfdir = getenv("VSWAP_BPF_DIR");
	res = shared_result(sizeof(*res) + 64);
	stop = (volatile int *)(res + 1);
	vswap_test_setup(CG_Z);
	if (cg_create(CG_D) || cg_create(CG_W) || cg_create(CG_P) ||
	    cg_write(CG_P, "cgroup.subtree_control", "+memory"))
		ksft_exit_fail_msg("cannot create cgroups\n");
	snprintf(swapfile, sizeof(swapfile), "%s/policy.swap", scratch_dir());
	if (swapfile_add(swapfile, 128 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
	snprintf(swapfile2, sizeof(swapfile2), "%s/policy2.swap", scratch_dir());
	unlink(TEST_CFG_PIN);
	unlink(LINK_PIN);

	/* 1: the default policy through its skeleton */
	seq0 = policy_ll("enable_seq");
	def = vswap_default__open_and_load();
	link = def ? bpf_map__attach_struct_ops(def->maps.vswap_default) : NULL;
	ksft_test_result(link && policy_is("name", "default") && policy_is("state", "enabled") &&
			 policy_ll("enable_seq") == seq0 + 1,
			 "default policy loads: policy/name, state, enable_seq\n");
	if (!link)
		ksft_exit_fail_msg("cannot load the default policy: %s\n", strerror(errno));

	/* 2: per-cgroup backends */
	if (set_cfg(def->maps.vswap_cfg, CG_Z, VSWAP_CFG_BACKEND_ZSWAP) ||
	    set_cfg(def->maps.vswap_cfg, CG_D, VSWAP_CFG_BACKEND_DISK))
		ksft_exit_fail_msg("cannot write vswap_cfg: %s\n", strerror(errno));
	rc = run(CG_Z);
	ksft_print_msg("zswap cgroup: status %lld, zswpout %lld, pswpout %lld, %zu bad\n",
		       rc, res->zswpout, res->pswpout, res->bad);
	ksft_test_result(rc == 0 && res->zswpout >= (long long)NPAGES * 9 / 10 &&
			 res->pswpout == 0 && res->bad == 0,
			 "cgroup set to zswap: swapped to zswap only, intact\n");
	rc = run(CG_D);
	ksft_print_msg("disk cgroup: status %lld, zswpout %lld, pswpout %lld, %zu bad\n",
		       rc, res->zswpout, res->pswpout, res->bad);
	ksft_test_result(rc == 0 && res->pswpout >= (long long)NPAGES * 9 / 10 &&
			 res->zswpout == 0 && res->bad == 0,
			 "cgroup set to disk: swapped to the swapfile only, intact\n");
	ksft_test_result(def->bss->nr_mode_calls > 0 && def->bss->nr_backend_calls > 0,
			 "the policy was asked (mode %llu, backend %llu times)\n",
			 (unsigned long long)def->bss->nr_mode_calls,
			 (unsigned long long)def->bss->nr_backend_calls);

	/* 3: one policy at a time */
	tp = vswap_test_policy__open_and_load();
	link2 = tp ? bpf_map__attach_struct_ops(tp->maps.vswap_test_policy) : NULL;
	rc = link2 ? 0 : -errno;
	ksft_test_result(!link2 && rc == -EBUSY && policy_is("name", "default") &&
			 policy_is("state", "enabled"),
			 "a second policy gets EBUSY (%s), the first keeps running\n",
			 strerror((int)-rc));
	if (link2)
		bpf_link__destroy(link2);

	/* 4: unloading brings the built-in default back: disk cgroup to zswap */
	bpf_link__destroy(link);
	link = NULL;
	ksft_test_result(policy_is("state", "none") && policy_is("exit_kind", "unregistered"),
			 "unloaded: policy/state none\n");
	rc = run(CG_D);
	ksft_test_result(rc == 0 && res->zswpout >= (long long)NPAGES * 9 / 10 &&
			 res->pswpout == 0 && res->bad == 0,
			 "with no policy the same cgroup swaps to zswap again (zswpout %lld, pswpout %lld)\n",
			 res->zswpout, res->pswpout);
	bpf_map__unpin(def->maps.vswap_cfg, NULL);
	vswap_default__destroy(def);

	/* 5: every policy of bpf/ through bpftool, with a pinned link */
	for (int i = 0; i < 3; i++) {
		static const char * const obj[] = { "vswap_default", "vswap_direct", "vswap_tiered" };
		static const char * const name[] = { "default", "direct", "tiered" };
		static const char * const map[] = { "vswap_cfg", "vswap_direct_cgroups", "vswap_tiers" };

		snprintf(cmd, sizeof(cmd), "'%s' struct_ops register '%s/%s.bpf.o' /sys/fs/bpf >/dev/null 2>&1",
			 getenv("BPFTOOL"), bpfdir, obj[i]);
		rc = shell(cmd);
		ksft_test_result(rc == 0 && policy_is("state", "enabled") && policy_is("name", name[i]),
				 "bpftool struct_ops register loads %s (status %lld)\n", obj[i], rc);
		snprintf(cmd, sizeof(cmd), "/sys/fs/bpf/%s", obj[i]);
		unlink(cmd);
		snprintf(cmd, sizeof(cmd), "/sys/fs/bpf/%s", map[i]);
		unlink(cmd);
		ksft_test_result(policy_wait_state("none", 5) && policy_is("exit_kind", "unregistered"),
				 "removing its pinned link unloads it\n");
	}

	/* 6: the test policy: refaults, cgroup events */
	if (!tp)
		ksft_exit_fail_msg("cannot open the test policy\n");
	tp->bss->watch_cgid = cg_id(CG_W);
	link = bpf_map__attach_struct_ops(tp->maps.vswap_test_policy);
	if (!link)
		ksft_exit_fail_msg("cannot load the test policy: %s\n", strerror(errno));
	ksft_test_result(policy_is("name", "test_policy") && tp->bss->nr_init == 1 &&
			 tp->bss->watch_inits == 1,
			 "test policy: init() ran, cgroup_init() saw the online cgroup\n");
	rc = run(CG_W);
	zin = tp->bss->refaults[SRC_ZSWAP];
	din = tp->bss->refaults[SRC_DISK];
	ksft_print_msg("refaults: zswap %lld (zswpin %lld), disk %lld (pswpin %lld), %zu bad\n",
		       zin, res->zswpin, din, res->pswpin, res->bad);
	ksft_test_result(rc == 0 && res->zswpin > 0 && zin == res->zswpin && din == res->pswpin &&
			 res->bad == 0,
			 "refault() heard each swap-in, by source, as memory.stat counts them\n");
	tp->bss->watch_cgid = 0;
	seq0 = tp->bss->cgroup_inits;
	if (cg_create(CG_NEW))
		ksft_exit_fail_msg("cannot create %s\n", CG_NEW);
	tp->bss->watch_cgid = cg_id(CG_NEW);
	cg_destroy(CG_NEW);
	/* Offline comes after the rmdir, from a work item */
	for (int i = 0; i < 50 && !tp->bss->watch_exits; i++)
		usleep(100000);
	tp->bss->watch_cgid = cg_id(CG_W);
	ksft_test_result(tp->bss->cgroup_inits > (unsigned long long)seq0 &&
			 tp->bss->watch_exits == 1,
			 "cgroup_init()/cgroup_exit() for a cgroup created and removed (%llu, %llu)\n",
			 (unsigned long long)tp->bss->cgroup_inits,
			 (unsigned long long)tp->bss->cgroup_exits);

	/*
	 * Two disks: the policy sends a cgroup to the second. /proc/swaps
	 * lists devices by type, and the virtual device, set up at boot,
	 * has type 0 and is not listed.
	 */
	{
		long long u1, u2, d1, d2;
		int line = -1;

		if (swapfile_add(swapfile2, 64 * MB))
			ksft_exit_fail_msg("cannot set up %s\n", swapfile2);
		u1 = swaps_used(swapfile, NULL);
		u2 = swaps_used(swapfile2, &line);
		tp->data->disk_type = line + 1;
		tp->bss->disk_cgid = cg_id(CG_D);
		rc = run(CG_D);
		d1 = res->used1 - u1;
		d2 = res->used2 - u2;
		ksft_print_msg("second disk (type %d): status %lld, Used +%lld KiB there, +%lld KiB on the first, pswpout %lld, %zu bad\n",
			       line + 1, rc, d2, d1, res->pswpout, res->bad);
		tp->bss->disk_cgid = 0;
		swapfile_remove(swapfile2);
		ksft_test_result(rc == 0 && d2 >= (long long)(NPAGES * PAGE_SZ / 1024) * 9 / 10 &&
				 d1 == 0 && res->bad == 0,
				 "a disk answer naming the second swap device: the cgroup's pages went there, intact\n");
	}

	/* 7: garbage answers */
	rej0 = policy_ll("nr_rejected");
	tp->bss->bad_mode = 1;
	tp->bss->bad_backend = 1;
	rc = run(CG_W);
	tp->bss->bad_mode = 0;
	tp->bss->bad_backend = 0;
	ksft_print_msg("garbage: status %lld, nr_rejected +%lld, zswpout %lld, %zu bad\n",
		       rc, policy_ll("nr_rejected") - rej0, res->zswpout, res->bad);
	ksft_test_result(policy_ll("nr_rejected") - rej0 >= 2,
			 "answers out of range are counted in nr_rejected\n");
	ksft_test_result(rc == 0 && res->zswpout >= (long long)NPAGES * 9 / 10 && res->bad == 0 &&
			 policy_is("state", "enabled"),
			 "and the default applied: to zswap, intact, the policy still loaded\n");

	/* 8: demote far more than exists, every round */
	rej0 = policy_ll("nr_rejected");
	tp->bss->demote_answer = 1ULL << 40;
	memset(res, 0, sizeof(*res));
	rc = run_in_cgroup(CG_W, hold_child, (void *)CG_W);
	ksft_print_msg("demote 2^40: status %lld, demote calls %llu (held %llu), nr_rejected +%lld, zswpwb +%lld, %zu bad\n",
		       rc, (unsigned long long)tp->bss->nr_demote,
		       (unsigned long long)tp->bss->demote_zswap_pages,
		       policy_ll("nr_rejected") - rej0, res->zswpwb, res->bad);
	ksft_test_result(tp->bss->nr_demote > 0 && policy_ll("nr_rejected") > rej0,
			 "a demote answer above what the cgroup holds is counted\n");
	ksft_test_result(rc == 0 && res->zswpwb == 0 && res->bad == 0,
			 "and moves nothing (the default); all intact\n");
	ksft_test_result(policy_wait_state("ejected", 10) && policy_is("exit_kind", "invalid") &&
			 tp->bss->nr_exit == 1 && tp->bss->exit_kind == 3,
			 "round after round, the policy is ejected as invalid; exit() told\n");
	bpf_link__destroy(link);
	vswap_test_policy__destroy(tp);

	/* 9: error exit, then a fresh policy */
	tp = vswap_test_policy__open_and_load();
	link = tp ? bpf_map__attach_struct_ops(tp->maps.vswap_test_policy) : NULL;
	if (!link)
		ksft_exit_fail_msg("cannot load the test policy again: %s\n", strerror(errno));
	tp->bss->error_now = 1;
	rc = run(CG_W);
	policy_read("exit_msg", msg, sizeof(msg));
	ksft_print_msg("error: status %lld, exit_msg \"%s\", exit() kind %u msg \"%s\"\n",
		       rc, msg, tp->bss->exit_kind, tp->bss->exit_msg);
	ksft_test_result(policy_wait_state("ejected", 10) && policy_is("exit_kind", "error") &&
			 strstr(msg, "error requested"),
			 "bpf_vswap_error() ejects the policy, with its message\n");
	ksft_test_result(tp->bss->nr_exit == 1 && tp->bss->exit_kind == 2 &&
			 strstr(tp->bss->exit_msg, "error requested"),
			 "exit() got the reason\n");
	ksft_test_result(rc == 0 && res->bad == 0, "the workload's data is intact\n");
	tp->bss->error_now = 0;
	tp2 = vswap_test_policy__open_and_load();
	link2 = tp2 ? bpf_map__attach_struct_ops(tp2->maps.vswap_test_policy) : NULL;
	ksft_test_result(link2 && policy_is("state", "enabled"),
			 "a fresh policy loads after the ejection (the old link still held)\n");
	bpf_link__destroy(link2);
	vswap_test_policy__destroy(tp2);
	bpf_link__destroy(link);
	vswap_test_policy__destroy(tp);
	ksft_test_result(policy_is("state", "none"), "all unloaded\n");

	/* 10: privileges and the verifier */
	rc = run_in_cgroup(NULL, unpriv_child, NULL);
	ksft_test_result(rc == 0, "an unprivileged process cannot load a policy\n");
	sleepy = vswap_test_sleepy__open_and_load();
	ksft_test_result(!sleepy, "the verifier rejects a sleepable kfunc in mode()\n");
	vswap_test_sleepy__destroy(sleepy);

	/* 11: load and unload while a workload swaps */
	*stop = 0;
	memset(res, 0, sizeof(*res));
	pid = cg_spawn(CG_W, churn_child, (void *)stop);
	for (int i = 0; i < 10 && pid > 0; i++) {
		def = vswap_default__open_and_load();
		link = def ? bpf_map__attach_struct_ops(def->maps.vswap_default) : NULL;
		usleep(200000);
		bpf_link__destroy(link);
		if (def)
			bpf_map__unpin(def->maps.vswap_cfg, NULL);
		vswap_default__destroy(def);
		usleep(100000);
	}
	*stop = 1;
	status = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	ksft_print_msg("churn: %lld rounds, %zu bad\n", res->zswpout, res->bad);
	ksft_test_result(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
			 res->zswpout > 0 && res->bad == 0,
			 "ten loads and unloads during swapping: no page lost\n");
	ksft_test_result(policy_is("state", "none"), "and no policy left behind\n");

	swapfile_remove(swapfile);
	cg_destroy(CG_Z);
	cg_destroy(CG_D);
	cg_destroy(CG_W);
	cg_destroy(CG_P);
	ksft_finished();
}

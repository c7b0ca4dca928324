// SPDX-License-Identifier: GPL-2.0
/*
 * Demotion by the default policy (bpf/vswap_default.bpf.c), with a
 * swapfile:
 *
 *  - a cgroup set to demote_after_s=4 has its zswap pages written back to
 *    disk once they are older than 4 s: within 4 s + one demote interval
 *    (1 s) + 3 s of TCG slack;
 *  - with VSWAP_TIME_SCALE=N (a slower debug kernel) the age, the moment
 *    the hot pages are touched, the wait and the slack are N times longer;
 *  - the pages moved are the coldest: pages touched and paged out again
 *    3.5 s into the wait are younger and stay in zswap when the others go
 *    (the zswap and phys counts of /sys/kernel/mm/vswap/stat, exact at any
 *    moment, are watched every 100 ms), and follow once they too are old;
 *  - page-table entries do not change (pagemap), and every page reads
 *    back intact;
 *  - a cgroup set to 0 (never) keeps all its pages in zswap over the same
 *    wait.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest.h"
#include "vswap_util.h"
#include "vswap_libbpf.h"
#include "vswap_default.h"
#include "vswap_default.skel.h"

/* The skeleton pins vswap_cfg by name under libbpf's default root */
#define TEST_CFG_PIN	"/sys/fs/bpf/vswap_cfg"
#define CG_AGE		"vswap_test_demote_age"
#define CG_NEVER	"vswap_test_demote_never"
#define NPAGES		2048UL
#define NHOT		256UL	/* touched during the wait */
#define SEED		0xde307eULL
/* times time_scale() */
#define AFTER_S		4
#define HOT_AT_US	3500000
#define WAIT_S		16
#define SLACK_S		3
static int after_s, wait_s;

struct result {
	long long zswap_pages, swap_pages;	/* of the cgroup, at the end */
	long long zswpwb;
	long long unchanged;
	size_t bad;
	double secs;		/* until only the hot pages were left in zswap */
	long long zswap_then;	/* zswap pages at that moment */
	double secs_all;	/* until none was left in zswap */
};

static struct result *res;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long cg_zswap_pages(const char *cg)
{
	long long b = cg_stat(cg, "vswap_zswap");

	return b < 0 ? b : b / (long long)PAGE_SZ;
}

/*
 * In cgroup @arg: page out compressible pages to zswap, touch and page
 * out again the first NHOT one second later, and watch the cgroup's zswap
 * for wait_s seconds.
 */
static int child(void *arg)
{
	const char *cg = arg;
	long long wb0 = cg_stat(cg, "zswpwb"), z0 = vswap_stat("zswap"), z;
	uint64_t *pm0 = calloc(NPAGES, sizeof(*pm0));
	uint64_t *pm1 = calloc(NPAGES, sizeof(*pm1));
	double t0;
	char *buf;
	size_t i;

	buf = map_fill_pageout(NPAGES, SEED, false);
	if (!buf || !pm0 || !pm1)
		return 2;
	t0 = now_s();
	res->secs = -1;
	res->secs_all = -1;
	res->zswap_then = -1;
	usleep(HOT_AT_US * time_scale());
	/* The hot pages: swapped in, then stored in zswap again, now */
	if (check_range(buf, NHOT, SEED, false) ||
	    madvise(buf, NHOT * PAGE_SZ, MADV_PAGEOUT))
		return 3;
	if (pagemap_read(buf, NPAGES, pm0))
		return 4;
	while (now_s() - t0 < wait_s) {
		z = vswap_stat("zswap") - z0;
		if (res->secs < 0 && z <= (long long)NHOT + 16) {
			res->secs = now_s() - t0;
			res->zswap_then = z;
		}
		if (res->secs_all < 0 && z <= 0)
			res->secs_all = now_s() - t0;
		usleep(100000);
	}
	res->zswap_pages = cg_zswap_pages(cg);
	res->swap_pages = cg_read_ll(cg, "memory.swap.current") / (long long)PAGE_SZ;
	res->zswpwb = cg_stat(cg, "zswpwb") - wb0;
	if (pagemap_read(buf, NPAGES, pm1))
		return 4;
	res->unchanged = 0;
	for (i = 0; i < NPAGES; i++)
		res->unchanged += pm0[i] == pm1[i];
	res->bad = check_range(buf, NPAGES, SEED, false);
	return 0;
}

static int set_cfg(struct bpf_map *map, const char *cg, __u32 after)
{
	struct vswap_cgroup_cfg cfg = { .disk_type = -1, .demote_after_s = after };
	__u64 id = cg_id(cg);

	return bpf_map__update_elem(map, &id, sizeof(id), &cfg, sizeof(cfg), BPF_ANY);
}

int main(void)
{
	struct vswap_default *def;
	struct bpf_link *link;
	char swapfile[4096];
	long long rc;

	ksft_print_header();
	ksft_set_plan(7);
	libbpf_set_print(vswap_libbpf_print);
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	after_s = AFTER_S * time_scale();
	wait_s = WAIT_S * time_scale();
	res = shared_result(sizeof(*res));
	vswap_test_setup(CG_AGE);
	if (cg_create(CG_NEVER))
		ksft_exit_fail_msg("cannot create %s\n", CG_NEVER);
	snprintf(swapfile, sizeof(swapfile), "%s/demote.swap", scratch_dir());
	if (swapfile_add(swapfile, 128 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
	unlink(TEST_CFG_PIN);

	def = vswap_default__open_and_load();
	link = def ? bpf_map__attach_struct_ops(def->maps.vswap_default) : NULL;
	if (!link)
		ksft_exit_fail_msg("cannot load the default policy: %s\n", strerror(errno));
	if (set_cfg(def->maps.vswap_cfg, CG_AGE, after_s) || set_cfg(def->maps.vswap_cfg, CG_NEVER, 0))
		ksft_exit_fail_msg("cannot write vswap_cfg: %s\n", strerror(errno));

	rc = run_in_cgroup(CG_AGE, child, (void *)CG_AGE);
	ksft_print_msg("demote_after_s=%d: status %lld; after %.1f s %lld pages left in zswap, none after %.1f s; at the end zswap %lld, disk %lld pages, zswpwb +%lld; %lld of %lu pagemap entries unchanged, %zu bad\n",
		       after_s, rc, res->secs, res->zswap_then, res->secs_all, res->zswap_pages,
		       res->swap_pages, res->zswpwb, res->unchanged, NPAGES, res->bad);
	ksft_test_result(rc == 0 && res->secs > 0 &&
			 res->secs <= after_s + 1 + SLACK_S * time_scale(),
			 "pages older than %d s went to disk within %d s + one 1 s interval + %d s TCG slack\n",
			 after_s, after_s, SLACK_S * time_scale());
	ksft_test_result(res->zswap_then >= (long long)NHOT * 9 / 10,
			 "the coldest went: the %lu pages stored again during the wait were still in zswap then\n",
			 NHOT);
	ksft_test_result(rc == 0 && res->secs_all > 0 && res->zswpwb == (long long)NPAGES &&
			 res->swap_pages == (long long)NPAGES,
			 "and followed once they were old too: all %lu on disk (zswpwb, memory.swap.current)\n",
			 NPAGES);
	ksft_test_result(rc == 0 && res->unchanged == (long long)NPAGES,
			 "page-table entries unchanged\n");
	ksft_test_result(rc == 0 && res->bad == 0, "every page intact\n");

	rc = run_in_cgroup(CG_NEVER, child, (void *)CG_NEVER);
	ksft_print_msg("demote_after_s=0: status %lld, zswap %lld pages, disk %lld pages, zswpwb +%lld, %zu bad\n",
		       rc, res->zswap_pages, res->swap_pages, res->zswpwb, res->bad);
	ksft_test_result(rc == 0 && res->zswpwb == 0 && res->swap_pages == 0 &&
			 res->zswap_pages >= (long long)NPAGES * 9 / 10,
			 "a cgroup set to never keeps its pages in zswap\n");
	ksft_test_result(rc == 0 && res->bad == 0, "and intact\n");

	bpf_link__destroy(link);
	bpf_map__unpin(def->maps.vswap_cfg, NULL);
	vswap_default__destroy(def);
	swapfile_remove(swapfile);
	cg_destroy(CG_AGE);
	cg_destroy(CG_NEVER);
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * memory.swap.max=0 means "never swapped", with vswap as without it.
 *
 * memory.swap.current counts disk only under vswap (virtual slots backed
 * by zswap take none), but a limit of 0 is what Kubernetes' NoSwap pods
 * and systemd's MemorySwapMax=0 use to keep a cgroup out of swap
 * altogether, zswap included. With zswap and vswap on and no swap device:
 *
 *  1. control: a cgroup without a swap limit pages a range out to
 *     virtual slots (so the cases below can tell);
 *  2. memory.swap.max=0: MADV_PAGEOUT leaves every page resident, nothing
 *     lands in zswap, swap_max events are raised, data intact;
 *  3. the same with the limit on the parent only;
 *  4. memory.max=16M and memory.swap.max=0: a 48M writer is OOM-killed
 *     (as on a kernel without vswap) instead of escaping into zswap;
 *  5. memory.swap.max=0 and memory.zswap.max=0 on a cgroup under
 *     memory.reclaim: anonymous pages are not scanned for swap at all
 *     (pgscan_anon stays 0), as reclaim has nowhere to put them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG_FREE		"vswap_test_swapmax_free"
#define CG_ZERO		"vswap_test_swapmax_zero"
#define CG_PARENT	"vswap_test_swapmax_parent"
#define CG_CHILD	CG_PARENT "/child"
#define CG_OOM		"vswap_test_swapmax_oom"
#define CG_SCAN		"vswap_test_swapmax_scan"
#define NPAGES		2048UL
#define OOM_PAGES	(48 * MB / PAGE_SZ)
#define SEED		0x5a0ULL

/*
 * Page a range out and read it back. Exit status: 0 none of it was
 * swapped, 1 some, 2 all; 254 data corrupted, 255 setup failed.
 */
static int pageout_count(void *arg)
{
	uint64_t *pm = calloc(NPAGES, sizeof(*pm));
	size_t i, swapped = 0;
	char *buf;

	(void)arg;
	buf = map_fill_pageout(NPAGES, SEED, false);
	if (!buf || !pm || pagemap_read(buf, NPAGES, pm))
		return 255;
	for (i = 0; i < NPAGES; i++)
		swapped += !!(pm[i] & PM_SWAP);
	if (check_range(buf, NPAGES, SEED, false))
		return 254;
	/* 0: none swapped, 1: some, 2: all */
	return swapped == 0 ? 0 : swapped == NPAGES ? 2 : 1;
}

static int write_much(void *arg)
{
	char *buf;

	(void)arg;
	buf = map_fill(OOM_PAGES, SEED, false);
	if (!buf)
		return 2;
	return check_range(buf, OOM_PAGES, SEED, false) ? 1 : 0;
}

/* Anonymous pages under memory.reclaim with nowhere to swap them. */
static int reclaim_scan(void *arg)
{
	long long before, after;
	char *buf;

	(void)arg;
	buf = map_fill(NPAGES, SEED, false);
	if (!buf)
		return 2;
	/*
	 * memory.stat has no anon/file split of scans; the guest runs
	 * nothing else, so the system-wide count tells.
	 */
	before = vmstat("pgscan_anon");
	/* Fails with -EAGAIN when nothing could be reclaimed: expected */
	cg_write(CG_SCAN, "memory.reclaim", "4M");
	after = vmstat("pgscan_anon");
	printf("# pgscan_anon %lld -> %lld\n", before, after);
	if (check_range(buf, NPAGES, SEED, false))
		return 1;
	return before < 0 || after != before ? 3 : 0;
}

int main(void)
{
	long long ev, oom;
	int rc;

	ksft_print_header();
	ksft_set_plan(5);
	vswap_test_setup(CG_FREE);
	if (cg_create(CG_ZERO) || cg_create(CG_PARENT) || cg_create(CG_OOM) ||
	    cg_create(CG_SCAN))
		ksft_exit_fail_msg("cannot create cgroups\n");
	if (cg_write(CG_PARENT, "cgroup.subtree_control", "+memory") ||
	    cg_create(CG_CHILD))
		ksft_exit_fail_msg("cannot create %s\n", CG_CHILD);

	rc = run_in_cgroup(CG_FREE, pageout_count, NULL);
	ksft_test_result(rc == 2, "no swap limit: every page went to a virtual slot (%d)\n",
			 rc);

	cg_write(CG_ZERO, "memory.swap.max", "0");
	rc = run_in_cgroup(CG_ZERO, pageout_count, NULL);
	ev = cg_keyed(CG_ZERO, "memory.swap.events", "max");
	ksft_test_result(rc == 0 && cg_stat(CG_ZERO, "zswapped") == 0 && ev > 0,
			 "memory.swap.max=0: nothing swapped, nothing in zswap, %lld swap max events (%d)\n",
			 ev, rc);

	cg_write(CG_PARENT, "memory.swap.max", "0");
	rc = run_in_cgroup(CG_CHILD, pageout_count, NULL);
	ksft_test_result(rc == 0, "memory.swap.max=0 on the parent: nothing swapped (%d)\n",
			 rc);

	cg_write(CG_OOM, "memory.max", "16M");
	cg_write(CG_OOM, "memory.swap.max", "0");
	rc = run_in_cgroup(CG_OOM, write_much, NULL);
	oom = cg_event(CG_OOM, "oom_kill");
	ksft_test_result(rc == 128 + SIGKILL && oom >= 1,
			 "memory.max=16M, swap.max=0: a 48M writer is OOM-killed (%d, oom_kill %lld)\n",
			 rc, oom);

	cg_write(CG_SCAN, "memory.swap.max", "0");
	cg_write(CG_SCAN, "memory.zswap.max", "0");
	rc = run_in_cgroup(CG_SCAN, reclaim_scan, NULL);
	ksft_test_result(rc == 0, "swap.max=0, zswap.max=0: reclaim scans no anonymous page (%d)\n",
			 rc);

	cg_destroy(CG_CHILD);
	cg_destroy(CG_PARENT);
	cg_destroy(CG_ZERO);
	cg_destroy(CG_OOM);
	cg_destroy(CG_SCAN);
	cg_destroy(CG_FREE);
	ksft_finished();
}

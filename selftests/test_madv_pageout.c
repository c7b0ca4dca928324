// SPDX-License-Identifier: GPL-2.0
/*
 * MADV_PAGEOUT moves exactly the advised range out: the cgroup's swap-out
 * counters (zswpout + pswpout) grow by the range, pagemap shows every page
 * swapped and not present, and the range reads back intact.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_madv_pageout"
#define NPAGES		2048UL		/* 8M */
#define SEED		0x6d616476ULL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

static long long swapped_out(void)
{
	return cg_stat(CG, "zswpout") + cg_stat(CG, "pswpout");
}

static int pageout(void *arg)
{
	uint64_t *pm = calloc(NPAGES, sizeof(*pm));
	long long before, after;
	size_t i, nswap = 0, npresent = 0, bad;
	char *buf;

	(void)arg;
	if (!pm)
		return 2;
	buf = mmap(NULL, NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		ksft_print_msg("mmap: %s\n", strerror(errno));
		return 2;
	}
	/* Base pages only: the counters below count pages, not folios. */
	madvise(buf, NPAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	fill_range(buf, NPAGES, SEED, false);

	before = swapped_out();
	if (madvise(buf, NPAGES * PAGE_SZ, MADV_PAGEOUT)) {
		ksft_print_msg("madvise(MADV_PAGEOUT): %s\n", strerror(errno));
		return 2;
	}
	after = swapped_out();
	if (pagemap_read(buf, NPAGES, pm))
		return 2;
	for (i = 0; i < NPAGES; i++) {
		nswap += !!(pm[i] & PM_SWAP);
		npresent += !!(pm[i] & PM_PRESENT);
	}
	ksft_print_msg("swap-out counters moved by %lld (want %lu); pagemap: %zu swapped, %zu present\n",
		       after - before, NPAGES, nswap, npresent);
	bad = check_range(buf, NPAGES, SEED, false);
	if (bad)
		ksft_print_msg("%zu pages differ after swap-in\n", bad);

	/* Report through the exit status: bit 0 counter, bit 1 pagemap, bit 2 data. */
	return (after - before != (long long)NPAGES) |
	       (nswap != NPAGES || npresent != 0) << 1 |
	       (bad != 0) << 2;
}

int main(void)
{
	char swapfile[4096];
	int ret;

	ksft_print_header();
	ksft_set_plan(3);

	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	snprintf(swapfile, sizeof(swapfile), "%s/madv_pageout.swap", scratch_dir());
	if (zswap_set_enabled(true))
		ksft_exit_fail_msg("cannot enable zswap\n");
	if (swapfile_add(swapfile, 64 * MB))
		ksft_exit_fail_msg("cannot set up a swapfile at %s\n", swapfile);
	if (cg_create(CG))
		goto out;

	ret = run_in_cgroup(CG, pageout, NULL);
	if (ret < 0 || ret > 7) {
		ksft_print_msg("child failed (status %d)\n", ret);
		ret = 7;
	}
	ksft_test_result(!(ret & 1), "swap-out counters grew by exactly %lu pages\n", NPAGES);
	ksft_test_result(!(ret & 2), "pagemap: all %lu pages swapped, none present\n", NPAGES);
	ksft_test_result(!(ret & 4), "the range reads back intact\n");
	cg_destroy(CG);
out:
	swapfile_remove(swapfile);
	zswap_restore();
	ksft_finished();
}

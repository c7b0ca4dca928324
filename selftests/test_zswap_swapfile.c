// SPDX-License-Identifier: GPL-2.0
/*
 * zswap in front of a swapfile: a process in a cgroup with memory.max=64M
 * writes 256M of per-page patterned, compressible pages and reads every one
 * back.  The cgroup's zswpout must have moved, and every page must come
 * back bit-exact.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_zswap_swapfile"
#define LIMIT		(64 * MB)
#define WSET		(256 * MB)
#define SEED		0x7377617066696c65ULL

static int writer(void *arg)
{
	size_t npages = WSET / PAGE_SZ, bad;
	char *buf;

	(void)arg;
	buf = mmap(NULL, WSET, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		ksft_print_msg("mmap %lu bytes: %s\n", WSET, strerror(errno));
		return 2;
	}
	fill_range(buf, npages, SEED, false);
	bad = check_range(buf, npages, SEED, false);
	if (bad) {
		ksft_print_msg("%zu of %zu pages differ after swap-in\n", bad, npages);
		return 1;
	}
	return 0;
}

int main(void)
{
	char swapfile[4096], lim[32];
	long long zswpout, pswpout;
	int ret;

	ksft_print_header();
	ksft_set_plan(3);

	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	snprintf(swapfile, sizeof(swapfile), "%s/zswap_swapfile.swap", scratch_dir());
	if (zswap_set_enabled(true))
		ksft_exit_fail_msg("cannot enable zswap\n");
	if (swapfile_add(swapfile, 512 * MB))
		ksft_exit_fail_msg("cannot set up a swapfile at %s\n", swapfile);
	if (cg_create(CG))
		goto out_swap;
	snprintf(lim, sizeof(lim), "%lu", LIMIT);
	if (cg_write(CG, "memory.max", lim))
		goto out_cg;

	ret = run_in_cgroup(CG, writer, NULL);
	zswpout = cg_stat(CG, "zswpout");
	pswpout = cg_stat(CG, "pswpout");
	ksft_print_msg("writer exit %d, memory.stat zswpout %lld pswpout %lld\n",
		       ret, zswpout, pswpout);

	ksft_test_result(ret == 0, "256M written and read back bit-exact under memory.max=64M\n");
	ksft_test_result(zswpout > 0, "memory.stat zswpout > 0 (%lld)\n", zswpout);
	/* At least the overshoot (256M - 64M) had to leave memory. */
	ksft_test_result(zswpout + pswpout >= (long long)((WSET - LIMIT) / PAGE_SZ),
			 "at least 192M worth of pages were swapped out (%lld)\n",
			 zswpout + pswpout);
out_cg:
	cg_destroy(CG);
out_swap:
	swapfile_remove(swapfile);
	zswap_restore();
	ksft_finished();
}

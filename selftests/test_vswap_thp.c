// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios and virtual slots: with THP "always" and 64K mTHP enabled,
 * 192M of patterned data under memory.max=64M goes out through virtual
 * slots and comes back intact.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_thp"
#define WSET		(192 * MB)
#define SEED		0x74687000ULL
#define THP		THP_SYSFS

static int writer(void *arg)
{
	size_t npages = WSET / PAGE_SZ, bad;
	char *buf;

	(void)arg;
	buf = mmap(NULL, WSET, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	fill_range(buf, npages, SEED, false);
	bad = check_range(buf, npages, SEED, false);
	if (bad)
		ksft_print_msg("%zu of %zu pages differ\n", bad, npages);
	return bad ? 1 : 0;
}

int main(void)
{
	long long thp_out0, thp_out1, split0, split1, zswpout;
	int ret;

	ksft_print_header();
	ksft_set_plan(4);
	vswap_test_setup(NULL);
	if (thp_set(THP "/enabled", "always") ||
	    thp_set(THP "/hugepages-64kB/enabled", "always"))
		ksft_exit_fail_msg("cannot enable THP and 64K mTHP\n");
	if (cg_create(CG) || cg_write(CG, "memory.max", "64M"))
		ksft_exit_fail_msg("cannot set up cgroup %s\n", CG);

	thp_out0 = thp_stat("zswpout");
	split0 = thp_stat("split") + thp_stat("swpout_fallback");
	ret = run_in_cgroup(CG, writer, NULL);
	thp_out1 = thp_stat("zswpout");
	split1 = thp_stat("split") + thp_stat("swpout_fallback");
	zswpout = cg_stat(CG, "zswpout");
	ksft_print_msg("large folios zswapped out whole: %lld, split or fallen back: %lld, cgroup zswpout %lld\n",
		       thp_out1 - thp_out0, split1 - split0, zswpout);
	ksft_test_result(ret == 0, "192M in THP/mTHP folios under memory.max=64M: intact\n");
	ksft_test_result(zswpout >= (long long)((WSET - 64 * MB) / PAGE_SZ),
			 "at least the overshoot went out through zswap (%lld pages)\n", zswpout);
	ksft_test_result(thp_out1 > thp_out0,
			 "2M and 64K folios went out whole into virtual slots (%lld)\n",
			 thp_out1 - thp_out0);
	ksft_test_result(split1 == split0, "no large folio was split for swap-out\n");

	cg_destroy(CG);
	thp_restore();
	zswap_restore();
	ksft_finished();
}

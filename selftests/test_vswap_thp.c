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
#define THP		"/sys/kernel/mm/transparent_hugepage"

static char saved_thp[64], saved_64k[64];

static void save_and_set(const char *path, char *saved, const char *val)
{
	char buf[256], *l, *r;

	saved[0] = '\0';
	if (read_file(path, buf, sizeof(buf)) > 0) {
		/* "always [madvise] never": keep the bracketed word */
		l = strchr(buf, '[');
		r = l ? strchr(l, ']') : NULL;
		if (l && r) {
			*r = '\0';
			snprintf(saved, 64, "%s", l + 1);
		}
	}
	write_file(path, val);
}

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

/* A per-size mTHP statistic, summed over 2M and 64K folios. */
static long long thp_stat(const char *name)
{
	static const char *const sizes[] = { "2048kB", "64kB" };
	long long sum = 0;
	char path[256], buf[64];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), THP "/hugepages-%s/stats/%s", sizes[i], name);
		if (read_file(path, buf, sizeof(buf)) > 0)
			sum += atoll(buf);
	}
	return sum;
}

int main(void)
{
	long long thp_out0, thp_out1, split0, split1, zswpout;
	int ret;

	ksft_print_header();
	ksft_set_plan(4);
	vswap_test_setup(NULL);
	if (access(THP "/enabled", W_OK))
		ksft_exit_skip("no THP control\n");
	save_and_set(THP "/enabled", saved_thp, "always");
	save_and_set(THP "/hugepages-64kB/enabled", saved_64k, "always");
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
	if (saved_thp[0])
		write_file(THP "/enabled", saved_thp);
	if (saved_64k[0])
		write_file(THP "/hugepages-64kB/enabled", saved_64k);
	zswap_restore();
	ksft_finished();
}

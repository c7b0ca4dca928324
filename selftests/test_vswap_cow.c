// SPDX-License-Identifier: GPL-2.0
/*
 * Shared swap entries: a parent pages out 32M into virtual slots, then
 * forks three children. Each child reads the shared data, writes its own
 * pattern over every other page and checks its view; the parent's data
 * stays intact; every slot is released when all of them have exited.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_cow"
#define NPAGES		8192UL		/* 32M */
#define NCHILD		3
#define SEED		0xc0c0ULL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

static int child(char *buf, int i)
{
	size_t p, bad;

	/* The shared, swapped-out data first */
	bad = check_range(buf, NPAGES, SEED, false);
	if (bad) {
		ksft_print_msg("child %d: %zu shared pages differ\n", i, bad);
		return 1;
	}
	for (p = 0; p < NPAGES; p += 2)
		pattern_fill(buf + p * PAGE_SZ, p, SEED + 1 + i);
	/* Push our own copies out too, then check the mix */
	madvise(buf, NPAGES * PAGE_SZ, MADV_PAGEOUT);
	for (p = 0, bad = 0; p < NPAGES; p++) {
		uint64_t seed = p % 2 ? SEED : SEED + 1 + i;

		bad += !pattern_check(buf + p * PAGE_SZ, p, seed);
	}
	if (bad)
		ksft_print_msg("child %d: %zu pages of its own view differ\n", i, bad);
	return bad ? 1 : 0;
}

static int parent(void *arg)
{
	long long before, after;
	int i, status, failed = 0;
	pid_t pids[NCHILD];
	char *buf;

	(void)arg;
	buf = mmap(NULL, NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	madvise(buf, NPAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	fill_range(buf, NPAGES, SEED, false);
	before = vswap_stat("slots");
	if (madvise(buf, NPAGES * PAGE_SZ, MADV_PAGEOUT))
		return 2;
	after = vswap_stat("slots");
	ksft_print_msg("parent paged out %lu pages: slots %lld -> %lld\n", NPAGES, before, after);
	if (after - before < (long long)NPAGES * 9 / 10)
		failed |= 4;

	fflush(stdout);
	for (i = 0; i < NCHILD; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(child(buf, i));
	}
	for (i = 0; i < NCHILD; i++) {
		if (pids[i] < 0 || waitpid(pids[i], &status, 0) < 0 ||
		    !WIFEXITED(status) || WEXITSTATUS(status))
			failed |= 1;
	}
	if (check_range(buf, NPAGES, SEED, false))
		failed |= 2;
	return failed;
}

int main(void)
{
	long long baseline, slots;
	bool drained;
	int ret;

	ksft_print_header();
	ksft_set_plan(4);
	vswap_test_setup(CG);
	baseline = vswap_stat("slots");

	ret = run_in_cgroup(CG, parent, NULL);
	if (ret < 0 || ret > 7)
		ret = 7;
	ksft_test_result(!(ret & 4), "32M paged out into virtual slots\n");
	ksft_test_result(!(ret & 1), "%d forked children read the shared data and their own copies intact\n",
			 NCHILD);
	ksft_test_result(!(ret & 2), "the parent's data is intact after the children wrote theirs\n");
	/* Reclaim nudged: it frees folios an exiting process left in the swap cache */
	drained = wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_LE, baseline,
				 WAIT_TRIES, CG, &slots);
	ksft_test_result(drained,
			 "all slots released when every process exited (%lld, baseline %lld)\n",
			 slots, baseline);
	cg_destroy(CG);
	zswap_restore();
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Swap-in of virtual slots on disk behaves as swap-in from that disk does
 * without vswap: with readahead, and keeping the disk copy.
 *
 * A cgroup at memory.zswap.max=0 puts N incompressible pages on a swap
 * partition (/dev/vdb) behind virtual slots; reclaim then drops them from
 * the swap cache. The process reads them back in order:
 *  1. every page reads back intact, each read from disk (pswpin +N);
 *  2. readahead: the disk sees far fewer read requests than pages
 *     (/sys/block/vdb/stat); the old series read one page per request,
 *     synchronously, because the virtual device is SWP_SYNCHRONOUS_IO;
 *  3. the disk copy is kept: the slots still have their physical slots
 *     after the read (the old series freed them on every fault);
 *  4. reclaim of the pages, still clean, takes them out of memory and
 *     writes nothing (pswpout +0; the old series wrote every page again),
 *     and they read back intact again.
 * zswap- and zero-backed slots keep the synchronous path
 * (test_vswap_noswap, test_vswap_phys).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_disk_swapin"
#define DISK		"/dev/vdb"
#define NPAGES		2048UL
#define SEED		0xd15cULL

static int up[2], down[2];

/* Reads completed on the disk (first field of its stat file). */
static long long disk_reads(void)
{
	return block_reads("vdb");
}

/* Drop the cgroup's clean swap-cache pages: reclaim until none is cached. */
static void drop_cached(long long cached0)
{
	for (int i = 0; i < 30 && vswap_stat("cached") > cached0; i++) {
		cg_write(CG, "memory.reclaim", "16M");
		usleep(100000);
	}
}

/* Each step waits for a byte from the parent, then reports a number. */
static int child(void *arg)
{
	int r = 0;
	char *buf, c;

	(void)arg;
	/*
	 * The child's own memory (stack, libc's data) is not under test: a
	 * dirty page of it, reclaimed with the rest, would be a write to disk
	 * the test does not mean. The test range, mapped after, is not locked.
	 */
	if (mlockall(MCL_CURRENT | MCL_ONFAULT))
		return 2;
	buf = map_fill_pageout(NPAGES, SEED, true);
	if (write(up[1], &r, sizeof(r)) != sizeof(r) || !buf)
		return 2;
	/* Read in order: the pages come back from disk */
	if (read(down[0], &c, 1) != 1)
		return 2;
	r = check_range(buf, NPAGES, SEED, true);
	if (write(up[1], &r, sizeof(r)) != sizeof(r))
		return 2;
	/* Reclaimed again by the parent: read once more */
	if (read(down[0], &c, 1) != 1)
		return 2;
	r = check_range(buf, NPAGES, SEED, true);
	return write(up[1], &r, sizeof(r)) == sizeof(r) ? 0 : 2;
}

static int step(int *r)
{
	char c = 's';

	if (write(down[1], &c, 1) != 1 || read(up[0], r, sizeof(*r)) != sizeof(*r))
		return -1;
	return 0;
}

int main(void)
{
	long long cached0, phys0, phys_out, phys_in, reads0, reads, pin0, pin, pout0, pout, cur;
	struct stat st;
	int r = -1, status;
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(5);
	if (stat(DISK, &st) || !S_ISBLK(st.st_mode))
		ksft_exit_fail_msg("%s: no such block device (the runner adds it)\n", DISK);
	vswap_test_setup(CG);
	if (cg_write(CG, "memory.zswap.max", "0"))
		ksft_exit_fail_msg("cannot set memory.zswap.max\n");
	if (system("mkswap -q " DISK " >/dev/null") || swapon(DISK, 0))
		ksft_exit_fail_msg("swapon %s: %s\n", DISK, strerror(errno));
	cached0 = vswap_stat("cached");
	phys0 = vswap_stat("phys");
	if (pipe(up) || pipe(down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));

	pid = cg_spawn(CG, child, NULL);
	if (pid < 0)
		ksft_exit_fail_msg("cannot start the child\n");
	if (read(up[0], &r, sizeof(r)) != sizeof(r))
		ksft_exit_fail_msg("child failed before paging out\n");
	drop_cached(cached0);
	phys_out = vswap_stat("phys") - phys0;
	ksft_print_msg("paged out: phys +%lld, cached %lld (before: %lld)\n",
		       phys_out, vswap_stat("cached"), cached0);
	if (phys_out < (long long)NPAGES)
		ksft_exit_fail_msg("only %lld of %lu pages reached %s\n", phys_out, NPAGES, DISK);

	reads0 = disk_reads();
	pin0 = vmstat("pswpin");
	if (step(&r))
		ksft_exit_fail_msg("child failed reading back\n");
	reads = disk_reads() - reads0;
	pin = vmstat("pswpin") - pin0;
	phys_in = vswap_stat("phys") - phys0;
	ksft_print_msg("read back: %lld pages from disk in %lld read requests, phys +%lld\n",
		       pin, reads, phys_in);
	ksft_test_result(r == 0 && pin >= (long long)NPAGES,
			 "all %lu pages read back intact from disk (%d bad, pswpin +%lld)\n",
			 NPAGES, r, pin);
	ksft_test_result(reads > 0 && reads <= (long long)NPAGES / 4,
			 "with readahead: %lld read requests for %lu pages\n", reads, NPAGES);
	ksft_test_result(phys_in >= (long long)NPAGES,
			 "the disk copy is kept after swap-in (phys +%lld)\n", phys_in);

	/*
	 * Reclaim the pages, now mapped and clean, whatever backs them. The
	 * cgroup's own pswpout, not the system's: on a slow (debug) kernel
	 * kswapd may write some other task's page meanwhile. memory.stat is
	 * flushed every 2 s: read it after one.
	 */
	sleep(3);
	pout0 = cg_stat(CG, "pswpout");
	for (int i = 0; i < 5; i++)
		cg_reclaim(CG, "16M");
	sleep(3);
	pout = cg_stat(CG, "pswpout") - pout0;
	cur = cg_read_ll(CG, "memory.current");
	ksft_test_result(pout == 0 && cur < (long long)(NPAGES * PAGE_SZ / 4),
			 "reclaim of the clean pages (memory.current %lld) writes nothing (pswpout +%lld)\n",
			 cur, pout);
	if (step(&r))
		ksft_print_msg("child failed reading back again\n");
	waitpid(pid, &status, 0);
	ksft_test_result(r == 0 && WIFEXITED(status) && !WEXITSTATUS(status),
			 "and they read back intact again (%d bad)\n", r);

	swapoff(DISK);
	cg_destroy(CG);
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kswapd, not the cgroup's own reclaim, moves a cgroup's pages into zswap
 * through virtual slots, and they stay the cgroup's:
 *
 *  - a process in a cgroup with no limit writes 40% of memory; raising
 *    vm.min_free_kbytes above what is free wakes kswapd, which pushes at
 *    least a quarter of those pages into zswap (pgscan_kswapd moves);
 *  - of what zswap gained, at least three quarters is in the cgroup's
 *    memory.stat "zswapped", the compressed copies are charged to it
 *    (memory.zswap.current), and every one of them sits in a virtual slot
 *    (vswap_zswap equals zswapped);
 *  - the pages read back bit-exact and the cgroup's slots are released at
 *    exit.
 *
 * This is the property of upstream test_zswap's test_no_kmem_bypass, which
 * gives kswapd 20 rounds of 100 ms: too short under TCG on any kernel
 * (Documentation/testing.rst). Here kswapd gets as long as it needs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_kswapd"
#define MIN_FREE	"/proc/sys/vm/min_free_kbytes"
#define SEED		23
#define STEP		(4 * MB)	/* the parent's locked allocation per poll */
#define STEPS_MAX	32		/* at most 128M of it */
#define POLL_MS		250
#define WAIT_S		120		/* times VSWAP_TIME_SCALE */

struct job {
	size_t npages;
	int up[2], down[2];	/* child -> parent "written", parent -> child "verify" */
};

static char min_free_orig[32];

static void restore_min_free(void)
{
	if (min_free_orig[0] && write_file(MIN_FREE, min_free_orig))
		ksft_print_msg("cannot restore %s to %s: %s\n", MIN_FREE, min_free_orig,
			       strerror(errno));
}

static int worker(void *arg)
{
	struct job *job = arg;
	size_t bad;
	char c = 'w';
	char *buf;

	close(job->up[0]);
	close(job->down[1]);
	buf = mmap(NULL, job->npages * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	fill_range(buf, job->npages, SEED, false);
	if (write(job->up[1], &c, 1) != 1 || read(job->down[0], &c, 1) != 1)
		return 2;
	bad = check_range(buf, job->npages, SEED, false);
	if (bad)
		ksft_print_msg("%zu of %zu pages differ\n", bad, job->npages);
	return bad ? 1 : 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long pages_of(const char *key)
{
	long long v = cg_stat(CG, key);

	return v < 0 ? v : v / (long long)PAGE_SZ;
}

int main(void)
{
	long long stored0, stored, kscan0, kscan, dscan0, dscan, cg0, cg_pages;
	long long vz, zcur, zstat, free_kb, total_kb, min_kb, left;
	size_t want, steps = 0;
	bool reached, settled;
	struct job job;
	double t0, took;
	char *press, c = 'v', val[32];
	int status = -1, i;
	pid_t pid;

	ksft_print_header();
	if (vswap_stat("slots") < 0)
		ksft_exit_fail_msg("no /sys/kernel/mm/vswap/stat\n");
	if (read_file(MIN_FREE, min_free_orig, sizeof(min_free_orig)) <= 0)
		ksft_exit_fail_msg("cannot read %s: %s\n", MIN_FREE, strerror(errno));
	min_free_orig[strcspn(min_free_orig, "\n")] = '\0';
	atexit(restore_min_free);
	ksft_set_plan(6);

	vswap_test_setup(CG);
	/* zswap's debugfs directory exists once zswap is enabled */
	if (zswap_debugfs("stored_pages") < 0)
		ksft_exit_fail_msg("no /sys/kernel/debug/zswap/stored_pages (debugfs)\n");
	total_kb = meminfo_kb("MemTotal");
	job.npages = total_kb * 1024 / 10 * 4 / PAGE_SZ;
	want = job.npages / 4;
	if (pipe(job.up) || pipe(job.down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = cg_spawn(CG, worker, &job);
	if (pid < 0)
		ksft_exit_fail_msg("cannot start the worker\n");
	close(job.up[1]);
	close(job.down[0]);
	if (read(job.up[0], &c, 1) != 1)
		ksft_exit_fail_msg("the worker did not write its %zu pages\n", job.npages);

	/* The parent's pressure is locked, so only the worker has pages to lose */
	press = mmap(NULL, STEP * STEPS_MAX, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (press == MAP_FAILED)
		ksft_exit_fail_msg("mmap of %lu bytes: %s\n", STEP * STEPS_MAX, strerror(errno));

	stored0 = zswap_debugfs("stored_pages");
	kscan0 = vmstat("pgscan_kswapd");
	dscan0 = vmstat("pgscan_direct");
	cg0 = pages_of("zswapped");
	free_kb = meminfo_kb("MemFree");
	/*
	 * The low watermark is 5/4 of the min one: at 9/10 of what is free,
	 * every zone is below low and kswapd, once an allocation wakes it,
	 * reclaims up to the high one (3/2 of min) before it sleeps.
	 */
	min_kb = free_kb / 10 * 9;
	snprintf(val, sizeof(val), "%lld", min_kb);
	ksft_print_msg("worker: %zu pages in %s; MemFree %lld kB of %lld; %s %s -> %s; zswap stored_pages %lld\n",
		       job.npages, CG, free_kb, total_kb, MIN_FREE, min_free_orig, val, stored0);
	if (write_file(MIN_FREE, val))
		ksft_exit_fail_msg("cannot write %s to %s: %s\n", val, MIN_FREE, strerror(errno));

	t0 = now();
	do {
		if (steps < STEPS_MAX) {
			char *p = press + steps * STEP;

			for (size_t off = 0; off < STEP; off += PAGE_SZ)
				p[off] = 1;
			if (mlock(p, STEP))
				ksft_print_msg("mlock: %s\n", strerror(errno));
			steps++;
		}
		usleep(POLL_MS * 1000);
		stored = zswap_debugfs("stored_pages");
		reached = stored - stored0 >= (long long)want;
	} while (!reached && now() - t0 < WAIT_S * time_scale());
	took = now() - t0;
	kscan = vmstat("pgscan_kswapd") - kscan0;
	dscan = vmstat("pgscan_direct") - dscan0;
	restore_min_free();
	munmap(press, STEP * STEPS_MAX);

	/* kswapd may finish a batch after the watermark is lowered: let it */
	settled = false;
	for (i = 0; i < 40 && !settled; i++) {
		long long a = pages_of("zswapped"), b = zswap_debugfs("stored_pages");

		usleep(POLL_MS * 1000);
		settled = a == pages_of("zswapped") && b == zswap_debugfs("stored_pages");
		stored = b;
		cg_pages = a;
	}
	vz = pages_of("vswap_zswap");
	zcur = cg_read_ll(CG, "memory.zswap.current");
	zstat = cg_stat(CG, "zswap");
	ksft_print_msg("after %.1f s and %zu M locked by the parent: stored_pages +%lld (want %zu), pgscan_kswapd +%lld, pgscan_direct +%lld; %s zswapped %lld pages (was %lld), vswap_zswap %lld, memory.zswap.current %lld, memory.stat zswap %lld; %s\n",
		       took, steps * STEP / MB, stored - stored0, want, kscan, dscan, CG, cg_pages,
		       cg0, vz, zcur, zstat, settled ? "settled" : "still moving");

	ksft_test_result(reached && kscan > 0,
			 "kswapd moved %lld pages into zswap (want %zu) in %.1f s, scanning %lld\n",
			 stored - stored0, want, took, kscan);
	ksft_test_result(reached && settled && (cg_pages - cg0) * 4 >= (stored - stored0) * 3,
			 "of zswap's %lld new pages, %lld are the cgroup's zswapped (want >= 3/4)\n",
			 stored - stored0, cg_pages - cg0);
	ksft_test_result(cg_pages > 0 && zcur > 0 && zcur == zstat,
			 "their compressed copies are charged to the cgroup: memory.zswap.current %lld = memory.stat zswap %lld\n",
			 zcur, zstat);
	ksft_test_result(settled && vz == cg_pages,
			 "every one is in a virtual slot: vswap_zswap %lld = zswapped %lld\n",
			 vz, cg_pages);

	if (write(job.down[1], &c, 1) != 1)
		ksft_print_msg("cannot resume the worker: %s\n", strerror(errno));
	if (waitpid(pid, &status, 0) < 0)
		ksft_print_msg("waitpid: %s\n", strerror(errno));
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "%zu pages read back bit-exact (worker status %#x)\n", job.npages, status);
	/*
	 * kswapd took pages of other processes too, still alive and swapped
	 * out: the cgroup's own count is the one that must drain.
	 */
	ksft_test_result(wait_for_value("memory.stat vswap_zswap", read_cg_counter,
					&(struct cg_counter){ CG, NULL, "vswap_zswap" }, WAIT_EQ, 0,
					WAIT_TRIES, NULL, &left),
			 "after exit: the cgroup's vswap_zswap back to 0 (%lld bytes)\n", left);

	cg_destroy(CG);
	zswap_restore();
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * kswapd, not the cgroup's own reclaim, moves a cgroup's pages into zswap
 * through virtual slots, and they stay the cgroup's:
 *
 *  - a process in a cgroup with no limit writes 40% of memory; raising
 *    vm.min_free_kbytes above what is free wakes kswapd, which pushes at
 *    least an eighth of those pages into zswap, while the parent never
 *    goes below the min watermark itself (pgscan_kswapd at least that
 *    many pages, pgscan_direct at most a tenth of it);
 *  - of what zswap gained, at least three quarters is in the cgroup's
 *    memory.stat "zswapped", their compressed copies are charged to it
 *    (memory.zswap.current nonzero and below the pages' size), and every
 *    one of them sits in a virtual slot (vswap_zswap equals zswapped, in
 *    one reading of memory.stat once it stops changing);
 *  - the pages read back bit-exact and the cgroup's slots are released at
 *    exit.
 *
 * This is the property of upstream test_zswap's test_no_kmem_bypass, which
 * gives kswapd 20 rounds of 100 ms: too short under TCG on any kernel
 * (Documentation/testing.rst). Here kswapd gets as long as it needs.
 */
#include <errno.h>
#include <signal.h>
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
#define STEPS_MAX	32		/* at most 128M of it, and 1/20 of MemFree */
#define POLL_MS		250
#define WAIT_S		120		/* times VSWAP_TIME_SCALE */
#define SETTLE_MS	500
#define SETTLE_SAME	6		/* readings unchanged: 3 s */
#define SETTLE_TRIES	60		/* times VSWAP_TIME_SCALE */

struct job {
	size_t npages;
	int up[2], down[2];	/* child -> parent "written", parent -> child "verify" */
};

static char min_free_orig[32];
static pid_t parent;

static void restore_min_free(void)
{
	if (getpid() != parent)
		return;
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

/* zswapped and vswap_zswap, in pages, from one reading of memory.stat */
static int stat_snapshot(long long *zswapped, long long *vswap_zswap)
{
	static char buf[16384];

	if (cg_read(CG, "memory.stat", buf, sizeof(buf)) < 0)
		return -1;
	*zswapped = keyed_value(buf, "zswapped");
	*vswap_zswap = keyed_value(buf, "vswap_zswap");
	if (*zswapped < 0 || *vswap_zswap < 0) {
		ksft_print_msg("memory.stat of %s has no zswapped or vswap_zswap\n", CG);
		return -1;
	}
	*zswapped /= (long long)PAGE_SZ;
	*vswap_zswap /= (long long)PAGE_SZ;
	return 0;
}

int main(void)
{
	long long stored0, stored, kscan0, kscan, dscan0, dscan, cg0, cg_pages = -1;
	long long vz = -1, zcur, free_kb, total_kb, min_kb, left;
	size_t want, steps = 0, nsteps;
	bool reached, settled;
	struct job job;
	double t0, took;
	char *press, *poke, c = 'v', val[32];
	int status = -1, i, same;
	pid_t pid;

	ksft_print_header();
	if (vswap_stat("slots") < 0)
		ksft_exit_fail_msg("no /sys/kernel/mm/vswap/stat\n");
	if (read_file(MIN_FREE, min_free_orig, sizeof(min_free_orig)) <= 0)
		ksft_exit_fail_msg("cannot read %s: %s\n", MIN_FREE, strerror(errno));
	min_free_orig[strcspn(min_free_orig, "\n")] = '\0';
	parent = getpid();
	atexit(restore_min_free);
	/* A worker killed early must not take the parent with it */
	signal(SIGPIPE, SIG_IGN);
	ksft_set_plan(6);

	vswap_test_setup(CG);
	/* zswap's debugfs directory exists once zswap is enabled */
	if (zswap_debugfs("stored_pages") < 0)
		ksft_exit_fail_msg("no /sys/kernel/debug/zswap/stored_pages (debugfs)\n");
	total_kb = meminfo_kb("MemTotal");
	job.npages = total_kb * 1024 / 10 * 4 / PAGE_SZ;
	/*
	 * An eighth of the worker's pages (25,353 in a 2G guest). kswapd,
	 * woken again by the poke at every poll, goes well past that: with
	 * half the worker's pages wanted it moved 144,497 in 19.2 s.
	 */
	want = job.npages / 8;
	if (pipe(job.up) || pipe(job.down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = cg_spawn(CG, worker, &job);
	if (pid < 0)
		ksft_exit_fail_msg("cannot start the worker\n");
	close(job.up[1]);
	close(job.down[0]);
	if (read(job.up[0], &c, 1) != 1)
		ksft_exit_fail_msg("the worker did not write its %zu pages\n", job.npages);

	stored0 = zswap_debugfs("stored_pages");
	kscan0 = vmstat("pgscan_kswapd");
	dscan0 = vmstat("pgscan_direct");
	cg0 = pages_of("zswapped");
	free_kb = meminfo_kb("MemFree");
	/*
	 * The low watermark is 5/4 of the min one: at 9/10 of what is free,
	 * every zone is below low and kswapd, once an allocation wakes it,
	 * reclaims up to the high one (3/2 of min) before it sleeps. The
	 * parent allocates at most a twentieth of what is free, half of the
	 * room above min, so that it never reclaims itself: the pages that
	 * reach zswap are kswapd's doing, or nobody's.
	 */
	min_kb = free_kb / 10 * 9;
	nsteps = free_kb * 1024 / 20 / STEP;
	if (nsteps > STEPS_MAX)
		nsteps = STEPS_MAX;
	/* Locked, so that only the worker has pages to lose */
	press = mmap(NULL, STEP * nsteps + PAGE_SZ, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (press == MAP_FAILED)
		ksft_exit_fail_msg("mmap of %zu bytes: %s\n", STEP * nsteps + PAGE_SZ,
				   strerror(errno));
	/* A page freed and faulted again at every poll, to wake kswapd again */
	poke = press + STEP * nsteps;
	snprintf(val, sizeof(val), "%lld", min_kb);
	ksft_print_msg("worker: %zu pages in %s; MemFree %lld kB of %lld; %s %s -> %s; zswap stored_pages %lld\n",
		       job.npages, CG, free_kb, total_kb, MIN_FREE, min_free_orig, val, stored0);
	if (write_file(MIN_FREE, val))
		ksft_exit_fail_msg("cannot write %s to %s: %s\n", val, MIN_FREE, strerror(errno));

	t0 = now();
	do {
		if (steps < nsteps) {
			char *p = press + steps * STEP;

			for (size_t off = 0; off < STEP; off += PAGE_SZ)
				p[off] = 1;
			if (mlock(p, STEP))
				ksft_print_msg("mlock: %s\n", strerror(errno));
			steps++;
		}
		madvise(poke, PAGE_SZ, MADV_DONTNEED);
		*(volatile char *)poke = 1;
		usleep(POLL_MS * 1000);
		stored = zswap_debugfs("stored_pages");
		reached = stored - stored0 >= (long long)want;
	} while (!reached && now() - t0 < WAIT_S * time_scale());
	took = now() - t0;
	kscan = vmstat("pgscan_kswapd") - kscan0;
	dscan = vmstat("pgscan_direct") - dscan0;
	restore_min_free();
	munmap(press, STEP * nsteps + PAGE_SZ);

	/*
	 * kswapd may finish a batch after the watermark is lowered, and
	 * memory.stat may lag by up to 2 s (the periodic flush): wait until
	 * one snapshot of it and stored_pages stay the same for 3 s.
	 */
	for (i = 0, same = 0; i < SETTLE_TRIES * time_scale() && same < SETTLE_SAME; i++) {
		long long a, b, s2;

		usleep(SETTLE_MS * 1000);
		s2 = zswap_debugfs("stored_pages");
		if (stat_snapshot(&a, &b))
			break;
		same = i && a == cg_pages && b == vz && s2 == stored ? same + 1 : 0;
		cg_pages = a;
		vz = b;
		stored = s2;
	}
	settled = same >= SETTLE_SAME;
	zcur = cg_read_ll(CG, "memory.zswap.current");
	ksft_print_msg("after %.1f s and %zu M locked by the parent: stored_pages +%lld (want %zu), pgscan_kswapd +%lld, pgscan_direct +%lld; %s zswapped %lld pages (was %lld), vswap_zswap %lld, memory.zswap.current %lld; %s after %d readings\n",
		       took, steps * STEP / MB, stored - stored0, want, kscan, dscan, CG, cg_pages,
		       cg0, vz, zcur, settled ? "settled" : "still moving", i);

	ksft_test_result(reached && kscan >= (long long)want && dscan * 10 <= kscan,
			 "kswapd moved %lld pages into zswap (want %zu) in %.1f s: pgscan_kswapd +%lld, pgscan_direct +%lld\n",
			 stored - stored0, want, took, kscan, dscan);
	ksft_test_result(reached && settled && (cg_pages - cg0) * 4 >= (stored - stored0) * 3,
			 "of zswap's %lld new pages, %lld are the cgroup's zswapped (want >= 3/4)\n",
			 stored - stored0, cg_pages - cg0);
	ksft_test_result(cg_pages > 0 && zcur > 0 && zcur < cg_pages * (long long)PAGE_SZ,
			 "their compressed copies are charged to the cgroup: memory.zswap.current %lld bytes for %lld pages\n",
			 zcur, cg_pages);
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

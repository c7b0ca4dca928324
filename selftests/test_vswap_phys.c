// SPDX-License-Identifier: GPL-2.0
/*
 * Physical slots behind virtual ones, with zswap on and a swapfile:
 *
 *  - pages zswap refuses (here: memory.zswap.max=0) keep their virtual
 *    entries and are written to the swapfile through physical slots; they
 *    read back bit-exact and the physical slots are freed with them;
 *  - zswap writeback (memory.reclaim under a halved memory.zswap.max)
 *    moves pages from zswap to disk without changing a page table: every
 *    pagemap entry is the same before and after, zswpwb grew; at
 *    memory.swap.max, writeback is not started (no folio allocated and
 *    decompressed) for pages the cgroup may not put on disk;
 *  - memory.swap.current counts disk only: 0 while the pages are in zswap,
 *    the written-back pages after; a cgroup whose memory.swap.max is one
 *    page and whose memory.zswap.max is 0 keeps its pages mapped once that
 *    page is on disk: no backend can take them, so they get no virtual
 *    slot and are not unmapped for nothing (memory.swap.max=0 is
 *    test_vswap_swap_max's: no swap at all);
 *  - swapoff of the swapfile reads the data back through the reverse map:
 *    N processes sharing the paged-out range all read it intact, their
 *    pagemap entries unchanged; the time swapoff takes is printed for 1,
 *    8 and 32 sharing processes and must not grow with their number, and
 *    its reads are batched: the disk sees at most a quarter as many read
 *    requests as pages.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG_DISK		"vswap_test_phys_disk"
#define CG_WB		"vswap_test_phys_wb"
#define CG_WBMAX	"vswap_test_phys_wbmax"
#define ZSWAP_DEBUG	"/sys/kernel/debug/zswap/"
#define CG_NOSWAP	"vswap_test_phys_noswap"
#define NPAGES		4096UL
#define SO_NPAGES	(64 * MB / PAGE_SZ)
#define SEED_DISK	0xd15cULL
#define SEED_WB		0x3bULL
#define SEED_SO		0x50ffULL


/* What a child saw, in memory shared with the test. */
struct result {
	long long nswapped;	/* pages with a swap entry after page-out */
	int type;		/* swap type of the first one */
	bool same_type;		/* all of them of that type */
	long long d_phys, d_zswap, d_pswpout, d_zswpwb;
	long long unchanged;	/* pagemap entries equal after writeback */
	long long swap_cur0, swap_cur1;	/* memory.swap.current before, after */
	long long d_reject;	/* swap_max_reject */
	long long d_zswap_reject;
	long long d_wbfail;	/* zswap writebacks that failed after starting */
	size_t bad;		/* pages that did not read back */
	int audit;		/* vswap_audit() with the pages swapped */
	char why[512];
};

static struct result *res;
static char swapfile[4096];

/* Record the pagemap of @npages at @buf in @pm and summarise it in res. */
static int scan_swapped(const char *buf, size_t npages, uint64_t *pm)
{
	size_t i;

	if (pagemap_read(buf, npages, pm))
		return -1;
	res->nswapped = 0;
	res->type = -1;
	res->same_type = true;
	for (i = 0; i < npages; i++) {
		if (!(pm[i] & PM_SWAP))
			continue;
		if (res->type < 0)
			res->type = PM_SWP_TYPE(pm[i]);
		res->same_type &= PM_SWP_TYPE(pm[i]) == res->type;
		res->nswapped++;
	}
	return 0;
}

/*
 * In cgroup @arg: incompressible pages out and back in, and what the
 * counters saw. zswap may not take them (memory.zswap.max=0): they go to
 * disk behind virtual slots, or stay in memory at memory.swap.max.
 */
static int random_child(void *arg)
{
	long long phys0 = vswap_stat("phys"), pswp0 = vmstat("pswpout");
	long long zrej0 = vswap_stat("zswap_reject"), rej0 = vswap_stat("swap_max_reject");
	uint64_t *pm = calloc(NPAGES, sizeof(*pm));
	const char *cg = arg;
	char *buf;

	buf = map_fill_pageout(NPAGES, SEED_DISK, true);
	if (!buf || !pm || scan_swapped(buf, NPAGES, pm))
		return 2;
	res->d_zswap_reject = vswap_stat("zswap_reject") - zrej0;
	res->d_reject = vswap_stat("swap_max_reject") - rej0;
	res->d_phys = vswap_stat("phys") - phys0;
	res->d_pswpout = vmstat("pswpout") - pswp0;
	res->swap_cur1 = cg_read_ll(cg, "memory.swap.current");
	res->audit = vswap_audit(20, res->why, sizeof(res->why));
	res->bad = check_range(buf, NPAGES, SEED_DISK, true);
	return 0;
}

/* zswap writeback moves pages to disk; page tables do not change. */
static long long zswap_debug(const char *name)
{
	char path[128], buf[64];

	snprintf(path, sizeof(path), ZSWAP_DEBUG "%s", name);
	return read_file(path, buf, sizeof(buf)) > 0 ? atoll(buf) : -1;
}

static int writeback_child(void *arg)
{
	const char *cg = arg;
	long long zs0 = vswap_stat("zswap"), phys0 = vswap_stat("phys");
	long long wb0 = cg_stat(cg, "zswpwb"), zcur, fail0;
	uint64_t *pm0 = calloc(NPAGES, sizeof(*pm0));
	uint64_t *pm1 = calloc(NPAGES, sizeof(*pm1));
	char val[32];
	char *buf;
	size_t i;
	int tries;

		buf = map_fill_pageout(NPAGES, SEED_WB, false);
	if (!buf || !pm0 || !pm1 || scan_swapped(buf, NPAGES, pm0))
		return 2;
	res->d_zswap = vswap_stat("zswap") - zs0;
	res->swap_cur0 = cg_read_ll(cg, "memory.swap.current");

	fail0 = zswap_debug("reject_reclaim_fail");
	for (tries = 0; tries < 8 && cg_stat(cg, "zswpwb") <= wb0; tries++) {
		zcur = cg_read_ll(cg, "memory.zswap.current");
		snprintf(val, sizeof(val), "%lld", zcur / 2);
		cg_write(cg, "memory.zswap.max", val);
		cg_reclaim(cg, "64M");
	}
	res->d_zswpwb = cg_stat(cg, "zswpwb") - wb0;
	res->d_wbfail = zswap_debug("reject_reclaim_fail") - fail0;
	res->d_phys = vswap_stat("phys") - phys0;
	res->swap_cur1 = cg_read_ll(cg, "memory.swap.current");

	if (pagemap_read(buf, NPAGES, pm1))
		return 2;
	res->unchanged = 0;
	for (i = 0; i < NPAGES; i++)
		res->unchanged += (pm0[i] & PM_SWAP) && (pm1[i] & PM_SWAP) &&
				  PM_SWP_BITS(pm0[i]) == PM_SWP_BITS(pm1[i]);
	res->audit = vswap_audit(20, res->why, sizeof(res->why));
	res->bad = check_range(buf, NPAGES, SEED_WB, false);
	return 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One process pages out 64M into virtual slots backed by the swapfile
 * (memory.zswap.max=0 in its cgroup), forks until @nproc processes share
 * them, and each records its pagemap. Swapoff then reads the data back
 * through the reverse map. Each process checks its pagemap entries are
 * unchanged and its data intact. Returns the number of processes that
 * did not; *secs is the time swapoff took, *ret its result, *reads the
 * read requests the scratch disk completed meanwhile.
 */
static int swapoff_shared(int nproc, double *secs, int *ret, long long *reads)
{
	int ready[2], go[2], failed = 0, status, i;
	pid_t pids[32];
	char c;

	if (pipe(ready) || pipe(go))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	if (swapfile_add(swapfile, 256 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
	fflush(stdout);
	pids[0] = fork();
	if (pids[0] == 0) {
		uint64_t *pm0 = calloc(SO_NPAGES, sizeof(*pm0));
		uint64_t *pm1 = calloc(SO_NPAGES, sizeof(*pm1));
		size_t same = 0, bad, n;
		char *buf;

		if (cg_enter(CG_DISK, getpid()) || !pm0 || !pm1)
			_exit(2);
		pin_to_one_cpu();
		buf = map_fill_pageout(SO_NPAGES, SEED_SO, false);
		if (!buf || pagemap_read(buf, SO_NPAGES, pm0))
			_exit(2);
		for (i = 1; i < nproc; i++)
			if (fork() == 0)
				break;
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(2);
		if (pagemap_read(buf, SO_NPAGES, pm1))
			_exit(2);
		for (n = 0; n < SO_NPAGES; n++)
			same += (pm0[n] & PM_SWAP) && (pm1[n] & PM_SWAP) &&
				PM_SWP_BITS(pm0[n]) == PM_SWP_BITS(pm1[n]);
		bad = check_range(buf, SO_NPAGES, SEED_SO, false);
		if (same != SO_NPAGES || bad) {
			printf("# process %d: %zu of %lu pagemap entries the same, %zu bad pages\n",
			       getpid(), same, SO_NPAGES, bad);
			fflush(stdout);
			_exit(1);
		}
		/* The first process waits for the ones it forked */
		while (wait(&status) > 0)
			if (!WIFEXITED(status) || WEXITSTATUS(status))
				_exit(1);
		_exit(0);
	}
	for (i = 0; i < nproc; i++)
		if (read(ready[0], &c, 1) != 1)
			ksft_exit_fail_msg("a sharing process did not start\n");

	/* Drop the clean swap cache the page-out left: swapoff must read */
	for (i = 0; i < 10 && vswap_stat("cached") > 64; i++)
		cg_reclaim(CG_DISK, "128M");
	*reads = block_reads("vda");
	*secs = now();
	*ret = swapoff(swapfile);
	*secs = now() - *secs;
	*reads = block_reads("vda") - *reads;
	if (*ret)
		ksft_print_msg("swapoff %s: %s\n", swapfile, strerror(errno));

	for (i = 0; i < nproc; i++)
		if (write(go[1], "g", 1) != 1)
			failed++;
	if (waitpid(pids[0], &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		failed++;
	unlink(swapfile);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
	return failed;
}

int main(void)
{
	long long phys_base, swapfree, rc, phys_after, swapfree_after;
	bool drained;
	long long reads[3];
	double t[3];
	int nprocs[3] = { 1, 8, 32 }, vtype, ret, i, bad;
	char shrinker[8] = "";

	ksft_print_header();
	ksft_set_plan(20);
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	res = shared_result(sizeof(*res));
	vswap_test_setup(CG_WB);
	if (cg_create(CG_DISK) || cg_write(CG_DISK, "memory.zswap.max", "0") ||
	    cg_create(CG_NOSWAP) || cg_write(CG_NOSWAP, "memory.zswap.max", "0") ||
	    cg_write(CG_NOSWAP, "memory.swap.max", "4096") ||
	    cg_create(CG_WBMAX) || cg_write(CG_WBMAX, "memory.swap.max", "4096"))
		ksft_exit_fail_msg("cannot set up cgroups %s, %s\n", CG_DISK, CG_NOSWAP);
	snprintf(swapfile, sizeof(swapfile), "%s/phys.swap", scratch_dir());
	if (swapfile_add(swapfile, 256 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
	swapfree = meminfo_kb("SwapFree");
	phys_base = vswap_stat("phys");
	if (phys_base < 0)
		ksft_exit_fail_msg("/sys/kernel/mm/vswap/stat has no \"phys\" key\n");
	read_file("/sys/module/zswap/parameters/shrinker_enabled", shrinker, sizeof(shrinker));
	write_file("/sys/module/zswap/parameters/shrinker_enabled", "Y");

	/* Writeback first: its pages are in zswap, so their type is virtual */
	rc = run_in_cgroup(CG_WB, writeback_child, CG_WB);
	vtype = res->type;
	ksft_print_msg("writeback: status %lld, %lld of %lu swapped (type %d), zswap +%lld, zswpwb +%lld, phys +%lld, %lld entries unchanged, %zu bad\n",
		       rc, res->nswapped, NPAGES, vtype, res->d_zswap, res->d_zswpwb,
		       res->d_phys, res->unchanged, res->bad);
	ksft_test_result(rc == 0 && res->nswapped == (long long)NPAGES && res->same_type &&
			 res->d_zswap == (long long)NPAGES,
			 "MADV_PAGEOUT of %lu compressible pages: all in zswap, virtual entries\n",
			 NPAGES);
	ksft_test_result(res->d_zswpwb > 0 && res->d_phys >= res->d_zswpwb,
			 "zswap writeback: zswpwb grew, at least as many virtual slots now on disk (%lld, %lld)\n",
			 res->d_zswpwb, res->d_phys);
	ksft_test_result(res->unchanged == (long long)NPAGES,
			 "writeback changed no pagemap entry (%lld of %lu the same)\n",
			 res->unchanged, NPAGES);
	ksft_test_result(rc == 0 && res->bad == 0, "written-back pages read back intact\n");
	ksft_test_result(res->audit == 0,
			 "with pages in zswap and on disk, the stat counters agree with a walk of the clusters (%s)\n",
			 res->why);
	/* Only this test swaps: every new physical slot is the cgroup's */
	ksft_test_result(res->swap_cur0 == 0 &&
			 res->swap_cur1 == res->d_phys * (long long)PAGE_SZ,
			 "memory.swap.current: 0 with all in zswap, the pages on disk after (%lld, %lld pages)\n",
			 res->swap_cur0, res->swap_cur1 / (long long)PAGE_SZ);

	/*
	 * Writeback at memory.swap.max (room for one page): the page that
	 * fits goes to disk, and the rest are not even started: no folio is
	 * allocated and decompressed to fail at the charge.
	 */
	rc = run_in_cgroup(CG_WBMAX, writeback_child, CG_WBMAX);
	ksft_print_msg("writeback at swap.max=4096: status %lld, zswpwb +%lld, failed writebacks +%lld, swap.current %lld, %zu bad\n",
		       rc, res->d_zswpwb, res->d_wbfail, res->swap_cur1, res->bad);
	ksft_test_result(rc == 0 && res->d_zswpwb == 1 && res->swap_cur1 == 4096 &&
			 res->d_wbfail == 0 && res->bad == 0,
			 "zswap writeback at memory.swap.max: one page on disk, no writeback started for the others, data intact\n");

	rc = run_in_cgroup(CG_DISK, random_child, CG_DISK);
	ksft_print_msg("zswap.max=0: status %lld, %lld of %lu swapped (type %d), zswap_reject +%lld, phys +%lld, pswpout +%lld, %zu bad\n",
		       rc, res->nswapped, NPAGES, res->type, res->d_zswap_reject, res->d_phys,
		       res->d_pswpout, res->bad);
	ksft_test_result(rc == 0 && res->nswapped == (long long)NPAGES && res->same_type &&
			 res->type == vtype,
			 "pages zswap may not take keep virtual entries\n");
	ksft_test_result(res->d_zswap_reject == (long long)NPAGES && res->d_phys == (long long)NPAGES &&
			 res->d_pswpout >= (long long)NPAGES,
			 "zswap refused them, they went to the swapfile through physical slots (zswap_reject +%lld, phys +%lld, pswpout +%lld)\n",
			 res->d_zswap_reject, res->d_phys, res->d_pswpout);
	ksft_test_result(rc == 0 && res->bad == 0, "and read back bit-exact\n");
	ksft_test_result(res->audit == 0,
			 "with them on disk, the stat counters agree with a walk of the clusters (%s)\n",
			 res->why);
	drained = wait_for_value("vswap phys", read_vswap_stat, "phys", WAIT_EQ, phys_base,
				 WAIT_TRIES, NULL, &phys_after);
	drained &= wait_for_value("SwapFree kB", read_meminfo_kb, "SwapFree", WAIT_EQ, swapfree,
				  WAIT_TRIES, NULL, &swapfree_after);
	ksft_test_result(drained,
			 "after exit no physical slot is left (phys %lld, SwapFree %lld of %lld kB)\n",
			 phys_after, swapfree_after, swapfree);

	rc = run_in_cgroup(CG_NOSWAP, random_child, CG_NOSWAP);
	ksft_print_msg("swap.max=4096: status %lld, %lld of %lu swapped, swap_max_reject +%lld, pswpout +%lld, swap.current %lld, %zu bad\n",
		       rc, res->nswapped, NPAGES, res->d_reject, res->d_pswpout, res->swap_cur1, res->bad);
	ksft_test_result(rc == 0 && res->d_pswpout == 1 && res->swap_cur1 == 4096 &&
			 res->nswapped == 1 && res->d_reject == 0,
			 "memory.swap.max of one page: one page on disk; the others, which no backend can take, get no virtual slot and stay mapped\n");
	ksft_test_result(rc == 0 && res->bad == 0, "and they are intact\n");

	if (swapoff(swapfile))
		ksft_exit_fail_msg("swapoff %s: %s\n", swapfile, strerror(errno));
	unlink(swapfile);
	for (i = 0; i < 3; i++) {
		bad = swapoff_shared(nprocs[i], &t[i], &ret, &reads[i]);
		ksft_print_msg("swapoff with %d sharing processes: %.3f s, %lld read requests for %lu pages\n",
			       nprocs[i], t[i], reads[i], SO_NPAGES);
		ksft_test_result(ret == 0 && bad == 0,
				 "swapoff with %d processes sharing 64M on disk: all read it intact, pagemap unchanged\n",
				 nprocs[i]);
	}
	ksft_test_result(vswap_stat("phys") == phys_base,
			 "no physical slot is left after swapoff (%lld)\n", vswap_stat("phys"));
	ksft_test_result(t[2] <= 2 * t[0] + 1.0,
			 "swapoff time does not grow with the sharing processes (%.3f s for 1, %.3f s for 32)\n",
			 t[0], t[2]);
	/* Batched, plugged reads merge: far fewer requests than pages */
	ksft_test_result(reads[0] > 0 && reads[0] * 4 <= (long long)SO_NPAGES,
			 "swapoff read 64M back in batches: %lld read requests for %lu pages\n",
			 reads[0], SO_NPAGES);

	if (shrinker[0])
		write_file("/sys/module/zswap/parameters/shrinker_enabled", shrinker);
	cg_destroy(CG_DISK);
	cg_destroy(CG_NOSWAP);
	cg_destroy(CG_WB);
	cg_destroy(CG_WBMAX);
	zswap_restore();
	ksft_finished();
}

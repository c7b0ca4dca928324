// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios and virtual slots:
 *
 *  - with THP "always" and 64K mTHP enabled, 192M of patterned data under
 *    memory.max=64M goes out through virtual slots and comes back intact;
 *  - 64K mTHP alone (2M THP off): a 64K-aligned range faulted in as 64K
 *    folios and MADV_PAGEOUTed goes out one 64K folio at a time, never
 *    split: into zswap (hugepages-64kB/stats/zswpout grows by the number
 *    of folios) and, from a cgroup whose memory.zswap.max is 0, to a
 *    swapfile through physical slots behind the virtual ones
 *    (hugepages-64kB/stats/swpout);
 *  - and comes back page by page: do_swap_page() swaps in large folios
 *    only while zswap has never been enabled (thp_swapin_suitable_orders()),
 *    and zswap is on here, so a fault on one page of a 64K range swapped
 *    out whole brings back that page alone, as an order-0 folio
 *    (hugepages-64kB/stats/swpin does not move; from zswap, with no
 *    readahead on the virtual device, each page is one zswpin); every page
 *    reads back intact and none ends up in a large folio.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_thp"
#define CG_DISK		"vswap_test_thp_disk"
#define DISK		"/dev/vdb"
#define WSET		(192 * MB)
#define SEED		0x74687000ULL
#define THP		THP_SYSFS
#define MTHP		THP "/hugepages-64kB"

/* The 64K part: NFOLIOS folios of 16 pages */
#define FOLIO_PAGES	16UL
#define FOLIO_SZ	(FOLIO_PAGES * PAGE_SZ)
#define NFOLIOS		64UL
#define MPAGES		(NFOLIOS * FOLIO_PAGES)
#define MSEED		0x6d746870ULL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/* /proc/kpageflags bits */
#define KPF_COMPOUND_HEAD	15
#define KPF_COMPOUND_TAIL	16

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

/* hugepages-64kB/stats/@name; -1 when absent */
static long long mthp_stat(const char *name)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), MTHP "/stats/%s", name);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	return atoll(buf);
}

/* What one 64K phase saw; counters are deltas over its step. */
struct mthp_result {
	int err;			/* nonzero: the workload could not run */
	/* fault-in */
	long long fault_alloc;		/* 64K anon_fault_alloc */
	long large_before;		/* pages in large folios (kpageflags) */
	/* MADV_PAGEOUT */
	long swapped;			/* pages with a swap entry */
	long long zswpout, swpout, fallback, split;	/* 64K stats */
	long long cached;		/* vswap "cached" slots before the touch */
	/* one page of each folio touched */
	long present_touch, swapped_touch;
	long long swpin_touch;		/* 64K swpin */
	/* everything read back */
	long large_after, bad, present_end;
	long long swpin, zswpin, pswpin;	/* 64K swpin; vmstat */
};

/* Pages of @buf that are present; how many of them are in large folios */
static long count_present(const char *buf, size_t npages, long *large)
{
	static uint64_t pm[MPAGES];
	long present = 0;
	uint64_t flags;
	size_t i;
	int fd;

	*large = -1;
	if (npages > MPAGES || pagemap_read(buf, npages, pm))
		return -1;
	fd = open("/proc/kpageflags", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ksft_print_msg("open /proc/kpageflags: %s\n", strerror(errno));
	else
		*large = 0;
	for (i = 0; i < npages; i++) {
		uint64_t pfn = pm[i] & ((1ULL << 55) - 1);

		if (!(pm[i] & PM_PRESENT))
			continue;
		present++;
		if (fd < 0)
			continue;
		if (!pfn || pread(fd, &flags, sizeof(flags), pfn * sizeof(flags)) != sizeof(flags)) {
			*large = -1;
			close(fd);
			fd = -1;
			continue;
		}
		if (flags & ((1ULL << KPF_COMPOUND_HEAD) | (1ULL << KPF_COMPOUND_TAIL)))
			(*large)++;
	}
	if (fd >= 0)
		close(fd);
	return present;
}

static long count_swapped(const char *buf, size_t npages)
{
	static uint64_t pm[MPAGES];
	long swapped = 0;
	size_t i;

	if (npages > MPAGES || pagemap_read(buf, npages, pm))
		return -1;
	for (i = 0; i < npages; i++)
		swapped += !!(pm[i] & PM_SWAP);
	return swapped;
}

/*
 * One 64K phase: fault NFOLIOS 64K folios in, MADV_PAGEOUT them; with
 * @cg, reclaim that cgroup until the folios have left the swap cache (their
 * data only on disk); touch one page of each folio, then read everything.
 */
static void mthp_phase(const char *cg, struct mthp_result *r)
{
	long long s0, s1, s2, s3, cached0;
	char *map, *buf;
	long dummy;
	size_t i;
	int tries;

	memset(r, 0, sizeof(*r));
	map = mmap(NULL, MPAGES * PAGE_SZ + FOLIO_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED) {
		r->err = 1;
		return;
	}
	buf = (char *)(((uintptr_t)map + FOLIO_SZ - 1) & ~(FOLIO_SZ - 1));

	s0 = mthp_stat("anon_fault_alloc");
	fill_range(buf, MPAGES, MSEED, false);
	r->fault_alloc = mthp_stat("anon_fault_alloc") - s0;
	count_present(buf, MPAGES, &r->large_before);

	cached0 = vswap_stat("cached");
	s0 = mthp_stat("zswpout");
	s1 = mthp_stat("swpout");
	s2 = mthp_stat("swpout_fallback");
	s3 = mthp_stat("split");
	if (madvise(buf, MPAGES * PAGE_SZ, MADV_PAGEOUT))
		r->err = 2;
	r->swapped = count_swapped(buf, MPAGES);
	r->zswpout = mthp_stat("zswpout") - s0;
	r->swpout = mthp_stat("swpout") - s1;
	r->fallback = mthp_stat("swpout_fallback") - s2;
	r->split = mthp_stat("split") - s3;

	/* Clean once written: reclaim drops them from the swap cache */
	for (tries = 0; cg && tries < 50 && vswap_stat("cached") > cached0; tries++) {
		cg_reclaim(cg, "8M");
		usleep(100000);
	}
	r->cached = vswap_stat("cached") - cached0;

	/* Page 5 of each folio */
	s0 = mthp_stat("swpin");
	s1 = vmstat("zswpin");
	s2 = vmstat("pswpin");
	for (i = 0; i < NFOLIOS; i++)
		r->bad += !pattern_check(buf + (i * FOLIO_PAGES + 5) * PAGE_SZ,
					 i * FOLIO_PAGES + 5, MSEED);
	r->present_touch = count_present(buf, MPAGES, &dummy);
	r->swapped_touch = count_swapped(buf, MPAGES);
	r->swpin_touch = mthp_stat("swpin") - s0;

	r->bad += check_range(buf, MPAGES, MSEED, false);
	r->present_end = count_present(buf, MPAGES, &r->large_after);
	r->swpin = mthp_stat("swpin") - s0;
	r->zswpin = vmstat("zswpin") - s1;
	r->pswpin = vmstat("pswpin") - s2;
	munmap(map, MPAGES * PAGE_SZ + FOLIO_SZ);
}

struct mthp_run {
	int fd;			/* the pipe the results go down */
	const char *cg;		/* the child's cgroup, NULL: the zswap run */
};

/*
 * In a child (in its cgroup, on one CPU). zswap run: one phase. Disk run:
 * one phase whose folios stay in the swap cache after writeback, then one
 * whose folios reclaim drops from it. The results go down the pipe.
 */
static int mthp_child(void *arg)
{
	struct mthp_run *run = arg;
	struct mthp_result r[2];

	memset(r, 0, sizeof(r));
	/* The disk run reclaims its cgroup: not the test's own pages */
	if (run->cg && mlockall(MCL_CURRENT))
		ksft_print_msg("mlockall: %s\n", strerror(errno));
	mthp_phase(NULL, &r[0]);
	if (run->cg)
		mthp_phase(run->cg, &r[1]);
	return write(run->fd, r, sizeof(r)) == sizeof(r) ? 0 : 2;
}

static void run_mthp(const char *cg, struct mthp_result r[2])
{
	struct mthp_run run = { .cg = cg };
	int p[2], status;
	pid_t pid;

	memset(r, 0, 2 * sizeof(*r));
	r[0].err = r[1].err = -1;
	if (pipe(p))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	run.fd = p[1];
	pid = cg_spawn(cg, mthp_child, &run);
	if (pid < 0 || read(p[0], r, 2 * sizeof(*r)) != (ssize_t)(2 * sizeof(*r)))
		r[0].err = r[1].err = -1;
	if (pid > 0)
		waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
}

static void report_mthp(const char *what, const struct mthp_result *r)
{
	ksft_print_msg("%s: 64K faults %lld, pages in large folios %ld of %lu\n",
		       what, r->fault_alloc, r->large_before, MPAGES);
	ksft_print_msg("%s: MADV_PAGEOUT: %ld pages swapped; 64K zswpout %lld, swpout %lld, swpout_fallback %lld, split %lld; then %lld slots in the swap cache\n",
		       what, r->swapped, r->zswpout, r->swpout, r->fallback, r->split, r->cached);
	ksft_print_msg("%s: one page per folio touched: %ld present, %ld still swapped, 64K swpin %lld\n",
		       what, r->present_touch, r->swapped_touch, r->swpin_touch);
	ksft_print_msg("%s: all read: %ld present, %ld in large folios, %ld bad; 64K swpin %lld, zswpin %lld, pswpin %lld\n",
		       what, r->present_end, r->large_after, r->bad, r->swpin, r->zswpin, r->pswpin);
}

/* The 64K folios existed, and all went out whole */
static bool mthp_out_whole(const struct mthp_result *r)
{
	return !r->err && r->fault_alloc == (long long)NFOLIOS &&
	       r->large_before == (long)MPAGES && r->swapped == (long)MPAGES &&
	       !r->fallback && !r->split;
}

/* Swapped in page by page, only the pages touched, no 64K swap-in */
static bool mthp_in_by_page(const struct mthp_result *r)
{
	return !r->err && r->present_touch == (long)NFOLIOS &&
	       r->swapped_touch == (long)(MPAGES - NFOLIOS) && !r->swpin_touch &&
	       !r->swpin && r->present_end == (long)MPAGES && r->large_after == 0;
}

/* Found whole in the swap cache: one fault maps the folio, no read */
static bool mthp_in_whole(const struct mthp_result *r)
{
	return !r->err && r->cached >= (long long)MPAGES &&
	       r->present_touch == (long)MPAGES && !r->swapped_touch &&
	       !r->swpin && !r->pswpin && r->large_after == (long)MPAGES;
}

int main(void)
{
	long long thp_out0, thp_out1, split0, split1, zswpout;
	struct mthp_result zr[2], dr[2];
	struct stat st;
	int ret, i;

	ksft_print_header();
	ksft_set_plan(11);
	vswap_test_setup(NULL);
	if (thp_set(THP "/enabled", "always") ||
	    thp_set(MTHP "/enabled", "always"))
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

	/* 64K alone: no 2M folio in the way */
	if (thp_set(THP "/hugepages-2048kB/enabled", "never"))
		ksft_exit_fail_msg("cannot disable 2M THP\n");

	run_mthp(NULL, zr);
	report_mthp("zswap", &zr[0]);
	ksft_test_result(mthp_out_whole(&zr[0]) && zr[0].zswpout == (long long)NFOLIOS &&
			 !zr[0].swpout,
			 "%lu 64K folios MADV_PAGEOUTed whole into zswap: 64K zswpout +%lld\n",
			 NFOLIOS, zr[0].zswpout);
	ksft_test_result(mthp_in_by_page(&zr[0]) && zr[0].zswpin == (long long)MPAGES,
			 "from zswap, swapped in page by page: one fault, one page (%ld of %lu present), zswpin +%lld, 64K swpin +%lld\n",
			 zr[0].present_touch, NFOLIOS, zr[0].zswpin, zr[0].swpin);
	ksft_test_result(!zr[0].err && !zr[0].bad, "and read back intact (%ld bad)\n", zr[0].bad);

	/* A swap partition: a filesystem's swapfile takes no large folio whole */
	if (stat(DISK, &st) || !S_ISBLK(st.st_mode)) {
		ksft_print_msg("%s: no such block device (the runner adds it)\n", DISK);
		for (i = 0; i < 4; i++)
			ksft_test_result_skip("64K folios on a swap partition: no %s\n", DISK);
	} else {
		if (system("mkswap -q " DISK " >/dev/null") || swapon(DISK, 0))
			ksft_exit_fail_msg("swapon %s: %s\n", DISK, strerror(errno));
		if (cg_create(CG_DISK) || cg_write(CG_DISK, "memory.zswap.max", "0"))
			ksft_exit_fail_msg("cannot set up cgroup %s\n", CG_DISK);
		run_mthp(CG_DISK, dr);
		report_mthp("disk, kept in the swap cache", &dr[0]);
		report_mthp("disk, dropped from the swap cache", &dr[1]);
		ksft_test_result(mthp_out_whole(&dr[0]) && mthp_out_whole(&dr[1]) &&
				 dr[0].swpout == (long long)NFOLIOS &&
				 dr[1].swpout == (long long)NFOLIOS &&
				 !dr[0].zswpout && !dr[1].zswpout,
				 "2 x %lu 64K folios MADV_PAGEOUTed whole to %s behind virtual slots: 64K swpout +%lld, +%lld\n",
				 NFOLIOS, DISK, dr[0].swpout, dr[1].swpout);
		ksft_test_result(mthp_in_whole(&dr[0]),
				 "still in the swap cache, a 64K folio comes back whole: %ld of %lu pages present after one fault per folio, pswpin +%lld\n",
				 dr[0].present_touch, MPAGES, dr[0].pswpin);
		ksft_test_result(!dr[1].cached && mthp_in_by_page(&dr[1]) &&
				 dr[1].pswpin >= (long long)MPAGES,
				 "from disk, swapped in page by page: %ld of %lu present after one fault per folio, pswpin +%lld, 64K swpin +%lld\n",
				 dr[1].present_touch, NFOLIOS, dr[1].pswpin, dr[1].swpin);
		ksft_test_result(!dr[0].err && !dr[1].err && !dr[0].bad && !dr[1].bad,
				 "and read back intact (%ld, %ld bad)\n", dr[0].bad, dr[1].bad);
		cg_destroy(CG_DISK);
		swapoff(DISK);
	}

	thp_restore();
	zswap_restore();
	ksft_finished();
}

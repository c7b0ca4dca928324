// SPDX-License-Identifier: GPL-2.0
/*
 * Large folios that zswap does not take and no device can hold whole.
 *
 * A swapfile never gives contiguous slots to a large folio. A 2M THP and
 * 64K mTHP region in a cgroup with memory.zswap.max=0 (zswap refuses every
 * page) is paged out with MADV_PAGEOUT while the only swap device is a
 * swapfile: each large folio gets virtual slots, zswap refuses it, and it
 * must be split and written to the swapfile page by page, as vanilla does
 * when it cannot allocate contiguous slots. Before the fix the folios were
 * re-activated and stayed in memory however often reclaim came back.
 *
 * Checked: the region was faulted in as large folios; after the page-out
 * nearly all of it is swapped (pagemap) and out of memory (memory.current:
 * a folio stuck in the swap cache is unmapped but still there), on disk behind virtual slots
 * (vswap "phys" grew by as much); the split was counted (vswap "split",
 * mTHP swpout_fallback); every page reads back bit-exact.
 *
 * The same for a file on a huge=always tmpfs written in that cgroup:
 * shmem splits the folio itself when its virtual slots find no contiguous
 * physical room, and the pages reach the swapfile.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_thp_split"
#define WSET		(32 * MB)
#define NPAGES		(WSET / PAGE_SZ)
#define SEED		0x5b117ULL
#define PMD_SZ		(2 * MB)
#define MNT		"/tmp/vswap_thp_split"
#define SHM_FILE	MNT "/data"
#define SHM_SEED	0x5b11eULL

struct result {
	long long faulted;	/* large folios faulted in */
	long long swapped;	/* pages with a swap entry after page-out */
	long long mem_cur;	/* memory.current after page-out */
	long long d_phys, d_split, d_fallback, d_pswpout;
	size_t bad;
};

static struct result *res;

static int child(void *arg)
{
	long long fault0 = thp_stat("anon_fault_alloc");
	long long phys0, split0, fb0, pswp0;
	uint64_t *pm = calloc(NPAGES, sizeof(*pm));
	char *raw, *buf;
	size_t i;

	(void)arg;
	raw = mmap(NULL, WSET + PMD_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED || !pm)
		return 2;
	buf = (char *)(((uintptr_t)raw + PMD_SZ - 1) & ~(uintptr_t)(PMD_SZ - 1));
	if (madvise(buf, WSET, MADV_HUGEPAGE))
		return 2;
	/* Incompressible: zswap could not take them even without the limit */
	fill_range(buf, NPAGES, SEED, true);
	res->faulted = thp_stat("anon_fault_alloc") - fault0;

	phys0 = vswap_stat("phys");
	split0 = vswap_stat("split");
	fb0 = thp_stat("swpout_fallback");
	pswp0 = vmstat("pswpout");
	/* Reclaim may need a second pass for pages split off a large folio */
	for (i = 0; i < 3; i++)
		if (madvise(buf, WSET, MADV_PAGEOUT))
			return 2;
	if (pagemap_read(buf, NPAGES, pm))
		return 2;
	for (i = 0; i < NPAGES; i++)
		res->swapped += !!(pm[i] & PM_SWAP);
	/*
	 * Written pages stay in the swap cache until reclaim frees them: ask
	 * for it (it may fall short and say so; memory.current tells).
	 */
	cg_reclaim(CG, "64M");
	res->mem_cur = cg_read_ll(CG, "memory.current");
	res->d_phys = vswap_stat("phys") - phys0;
	res->d_split = vswap_stat("split") - split0;
	res->d_fallback = thp_stat("swpout_fallback") - fb0;
	res->d_pswpout = vmstat("pswpout") - pswp0;
	res->bad = check_range(buf, NPAGES, SEED, true);
	return 0;
}

/* Writes a huge=always tmpfs file in the cgroup: its folios are charged there. */
static int shm_writer(void *arg)
{
	char *buf;
	int fd;

	(void)arg;
	fd = open(SHM_FILE, O_CREAT | O_TRUNC | O_RDWR, 0600);
	if (fd < 0 || ftruncate(fd, WSET))
		return 2;
	buf = mmap(NULL, WSET, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (buf == MAP_FAILED)
		return 2;
	fill_range(buf, NPAGES, SHM_SEED, true);
	munmap(buf, WSET);
	return 0;
}

/* tmpfs: written, reclaimed from the cgroup, read back. */
static void test_shmem(void)
{
	long long alloc0 = thp_stat("shmem_alloc"), phys0, split0, alloc;
	long long phys, split, cur;
	size_t bad = NPAGES;
	char *buf;
	int fd, i, ret;

	if (mkdir(MNT, 0700) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", MNT, strerror(errno));
	if (mount("tmpfs", MNT, "tmpfs", 0, "size=64M,huge=always"))
		ksft_exit_fail_msg("mount tmpfs on %s: %s\n", MNT, strerror(errno));
	ret = run_in_cgroup(CG, shm_writer, NULL);
	alloc = thp_stat("shmem_alloc") - alloc0;
	phys0 = vswap_stat("phys");
	split0 = vswap_stat("split");
	for (i = 0; i < 3; i++)
		cg_reclaim(CG, "64M");
	cur = cg_read_ll(CG, "memory.current");
	phys = vswap_stat("phys") - phys0;
	split = vswap_stat("split") - split0;
	fd = open(SHM_FILE, O_RDONLY);
	if (fd >= 0) {
		buf = mmap(NULL, WSET, PROT_READ, MAP_SHARED, fd, 0);
		if (buf != MAP_FAILED) {
			bad = check_range(buf, NPAGES, SHM_SEED, true);
			munmap(buf, WSET);
		}
		close(fd);
	}
	ksft_print_msg("tmpfs: large folios %lld; after reclaim memory.current %lld, phys +%lld, split +%lld\n",
		       alloc, cur, phys, split);
	ksft_test_result(ret == 0 && alloc >= (long long)(WSET / PMD_SZ) / 2 &&
			 phys >= (long long)NPAGES * 9 / 10 &&
			 cur >= 0 && cur < (long long)(WSET / 4),
			 "tmpfs THP pages reached the swapfile (phys +%lld)\n", phys);
	ksft_test_result(split > 0, "shmem split its large folios for them (%lld)\n", split);
	ksft_test_result(bad == 0, "tmpfs file read back bit-exact (%zu differ)\n", bad);
	unlink(SHM_FILE);
	umount(MNT);
}

int main(void)
{
	char swapfile[4096];
	const char *dir;
	int ret;

	ksft_print_header();
	ksft_set_plan(8);
	vswap_test_setup(NULL);
	dir = scratch_dir();
	if (!dir)
		ksft_exit_fail_msg("no scratch directory for a swapfile (VSWAP_SCRATCH)\n");
	res = shared_result(sizeof(*res));
	if (thp_set(THP_SYSFS "/enabled", "always") ||
	    thp_set(THP_SYSFS "/hugepages-64kB/enabled", "always") ||
	    thp_set(THP_SYSFS "/shmem_enabled", "advise"))
		ksft_exit_fail_msg("cannot enable THP and 64K mTHP\n");
	snprintf(swapfile, sizeof(swapfile), "%s/thp_split.swap", dir);
	if (swapfile_add(swapfile, 128 * MB))
		ksft_exit_fail_msg("cannot swapon %s\n", swapfile);
	if (cg_create(CG) || cg_write(CG, "memory.zswap.max", "0"))
		ksft_exit_fail_msg("cannot set up cgroup %s\n", CG);

	ret = run_in_cgroup(CG, child, NULL);
	ksft_print_msg("large folios faulted %lld; swapped %lld of %lu pages, memory.current %lld; phys +%lld, pswpout +%lld; split +%lld, swpout_fallback +%lld\n",
		       res->faulted, res->swapped, NPAGES, res->mem_cur, res->d_phys,
		       res->d_pswpout, res->d_split, res->d_fallback);
	ksft_test_result(ret == 0 && res->faulted >= (long long)(WSET / PMD_SZ) / 2,
			 "the region was faulted in as large folios\n");
	ksft_test_result(res->swapped >= (long long)NPAGES * 9 / 10 &&
			 res->mem_cur >= 0 && res->mem_cur < (long long)(WSET / 4),
			 "at least 90%% of the pages were swapped out and left memory (%lld, memory.current %lld)\n",
			 res->swapped, res->mem_cur);
	ksft_test_result(res->d_phys >= (long long)NPAGES * 9 / 10,
			 "they are on the swapfile behind virtual slots (phys +%lld)\n",
			 res->d_phys);
	ksft_test_result(res->d_split > 0 && res->d_fallback >= res->d_split,
			 "the large folios were split and counted (%lld)\n", res->d_split);
	ksft_test_result(ret == 0 && res->bad == 0,
			 "every page read back bit-exact (%zu differ)\n", res->bad);
	test_shmem();

	cg_destroy(CG);
	swapfile_remove(swapfile);
	thp_restore();
	zswap_restore();
	ksft_finished();
}

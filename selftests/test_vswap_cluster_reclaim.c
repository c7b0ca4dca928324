// SPDX-License-Identifier: GPL-2.0
/*
 * The swap allocator reclaims the last slot of a virtual cluster.
 *
 * When physical swap is more than half full (vm_swap_full()), the
 * allocator frees slots that only the swap cache still holds before it
 * allocates over them, dropping the cluster lock to do so. If that slot is
 * the last one in use of a virtual cluster, the cluster is released while
 * the lock is dropped; the allocator must then leave it alone (not
 * allocate from it, not release it a second time).
 *
 * The test builds exactly that state:
 *  1. 2048 pages go out to virtual slots; a virtual cluster C whose 512
 *     slots all belong to them is found through pagemap;
 *  2. a child shares them (fork); the parent reads C's first page back
 *     (it stays in the swap cache: the child still references the slot)
 *     and drops C's other 511 pages; the child exits: C now holds one
 *     slot, cached only, at its start;
 *  3. a 16M swapfile is filled past half through direct physical slots
 *     (vswap disabled for that);
 *  4. with vswap enabled again, new swap-outs drain the allocator's
 *     partially used clusters until they meet C, reclaim its last slot
 *     and so release it.
 * It then checks that the allocator did reclaim that slot, that every page
 * (the reclaimed one, the ones still swapped out, the new ones) reads
 * back intact, and that the kernel log stays clean (the runner checks).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CLUSTER		512UL
#define NPAGES		(4 * CLUSTER)
#define FILL_PAGES	3000UL
#define TRIGGER_PAGES	(16 * CLUSTER)
#define TRIGGER_CHUNK	32UL
#define SWAPFILE_MB	16
#define SEED		0xc1a5ULL
#define SEED_FILL	0xf111ULL
#define SEED_TRIGGER	0x7a19ULL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

#define KPF_SWAPCACHE	13
#define PM_PFN(pm)	((pm) & ((1ULL << 55) - 1))

static char swapfile[4096];

/* Is the page mapped at @addr in the swap cache? -1 if not present. */
static int page_in_swapcache(const void *addr)
{
	uint64_t pm, flags;
	int fd;
	ssize_t n;

	if (pagemap_read(addr, 1, &pm) || !(pm & PM_PRESENT))
		return -1;
	fd = open("/proc/kpageflags", O_RDONLY);
	if (fd < 0) {
		ksft_print_msg("/proc/kpageflags: %s\n", strerror(errno));
		return -1;
	}
	n = pread(fd, &flags, sizeof(flags), PM_PFN(pm) * sizeof(flags));
	close(fd);
	if (n != sizeof(flags))
		return -1;
	return !!(flags & (1ULL << KPF_SWAPCACHE));
}

/* The index of a page whose virtual slot starts a cluster of our slots. */
static long find_whole_cluster(const uint64_t *pm, size_t npages, int vtype)
{
	size_t i, k;

	for (i = 0; i + CLUSTER <= npages; i++) {
		uint64_t off0;

		if (!(pm[i] & PM_SWAP) || PM_SWP_TYPE(pm[i]) != vtype)
			continue;
		off0 = PM_SWP_BITS(pm[i]) >> 5;
		if (off0 % CLUSTER)
			continue;
		for (k = 1; k < CLUSTER; k++) {
			uint64_t p = pm[i + k];

			if (!(p & PM_SWAP) || PM_SWP_TYPE(p) != vtype ||
			    (PM_SWP_BITS(p) >> 5) != off0 + k)
				break;
		}
		if (k == CLUSTER)
			return i;
	}
	return -1;
}

static int go_rd;	/* the read end of the pipe a child waits on */

static int wait_go(void)
{
	char c;

	return read(go_rd, &c, 1) == 1 ? 0 : -1;
}

/* Start @fn(@arg) in a child; *@fd_out is the pipe it waits on for a byte. */
static pid_t spawn_waiting(int (*fn)(void *), void *arg, int *fd_out)
{
	int p[2];
	pid_t pid;

	if (pipe(p))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	go_rd = p[0];
	pid = cg_spawn(NULL, fn, arg);
	if (pid < 0)
		ksft_exit_fail_msg("cannot start a child\n");
	close(p[0]);
	*fd_out = p[1];
	return pid;
}

/* Child: hold the shared pages until told. */
static int holder(void *arg)
{
	(void)arg;
	return wait_go() ? 1 : 0;
}

static int release_child(pid_t pid, int fd)
{
	int status;

	if (write(fd, "x", 1) != 1)
		return -1;
	close(fd);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Child: fill the swapfile with direct slots, hold them until told. */
static int filler(void *arg)
{
	char *buf = map_fill_pageout(FILL_PAGES, SEED_FILL, false);
	int *up = arg;
	char c = buf ? 'k' : 'e';

	if (write(*up, &c, 1) != 1 || wait_go() || !buf)
		return 2;
	return check_range(buf, FILL_PAGES, SEED_FILL, false) ? 1 : 0;
}

static pid_t spawn_filler(int *fd_out)
{
	int up[2];
	pid_t pid;
	char c;

	if (pipe(up))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = spawn_waiting(filler, &up[1], fd_out);
	close(up[1]);
	if (read(up[0], &c, 1) != 1 || c != 'k')
		ksft_exit_fail_msg("filler could not page out its range\n");
	close(up[0]);
	return pid;
}

int main(void)
{
	uint64_t *pm = calloc(NPAGES, sizeof(*pm));
	long x, swap_total, swap_free;
	int fd_holder, fd_filler, vtype, cached, rc;
	size_t chunk, bad;
	pid_t holder_pid, filler_pid;
	char *buf, *trig, *page_x, *absorb = NULL;
	long absorb_pages;

	ksft_print_header();
	ksft_set_plan(4);
	if (!scratch_dir())
		ksft_exit_fail_msg("no scratch disk (VSWAP_SCRATCH unset)\n");
	vswap_test_setup(NULL);
	pin_to_one_cpu();
	snprintf(swapfile, sizeof(swapfile), "%s/cluster_reclaim.swap", scratch_dir());

	/*
	 * 1. Virtual slots; one whole cluster of them. The allocator fills
	 * clusters that already hold slots before it takes a new one, and
	 * earlier tests may leave a few slots (pages of the guest's other
	 * processes) in several clusters: page out enough to fill those first.
	 */
	absorb_pages = vswap_stat("clusters") * CLUSTER - vswap_stat("slots");
	if (absorb_pages > 0) {
		absorb = map_fill_pageout(absorb_pages, SEED_FILL, false);
		if (!absorb)
			ksft_exit_fail_msg("cannot page out %ld pages to fill partial clusters\n",
					   absorb_pages);
		ksft_print_msg("%ld free slots in the %lld virtual clusters in use: paged out as many first\n",
			       absorb_pages, vswap_stat("clusters"));
	}
	buf = map_fill_pageout(NPAGES, SEED, false);
	if (!buf || !pm || pagemap_read(buf, NPAGES, pm))
		ksft_exit_fail_msg("cannot page out or read pagemap\n");
	vtype = PM_SWP_TYPE(pm[0]);
	if (!(pm[0] & PM_SWAP))
		ksft_exit_fail_msg("first page not swapped out\n");
	x = find_whole_cluster(pm, NPAGES, vtype);
	if (x < 0)
		ksft_exit_fail_msg("no virtual cluster wholly ours among %lu pages\n", NPAGES);
	page_x = buf + x * PAGE_SZ;
	ksft_print_msg("cluster at virtual offset %llu (page %ld)\n",
		       (unsigned long long)(PM_SWP_BITS(pm[x]) >> 5), x);

	/* 2. Leave one cached-only slot at the start of that cluster */
	holder_pid = spawn_waiting(holder, NULL, &fd_holder);
	if (!pattern_check(page_x, x, SEED))
		ksft_exit_fail_msg("page %ld read back wrong\n", x);
	if (madvise(page_x + PAGE_SZ, (CLUSTER - 1) * PAGE_SZ, MADV_DONTNEED))
		ksft_exit_fail_msg("MADV_DONTNEED: %s\n", strerror(errno));
	rc = release_child(holder_pid, fd_holder);
	if (rc)
		ksft_exit_fail_msg("holder child exited with %d\n", rc);
	cached = page_in_swapcache(page_x);
	ksft_test_result(cached == 1,
			 "the cluster's first slot is held by the swap cache only\n");
	if (cached != 1)
		ksft_exit_fail_msg("precondition not met (swapcache=%d)\n", cached);

	/* 3. Physical swap more than half full, through direct slots */
	if (swapfile_add(swapfile, SWAPFILE_MB * MB))
		ksft_exit_fail_msg("cannot add %s\n", swapfile);
	vswap_set_enabled(false);
	filler_pid = spawn_filler(&fd_filler);
	vswap_set_enabled(true);
	swap_total = meminfo_kb("SwapTotal");
	swap_free = meminfo_kb("SwapFree");
	ksft_print_msg("swap: %ld kB total, %ld kB free\n", swap_total, swap_free);
	ksft_test_result(swap_free >= 0 && swap_free * 2 < swap_total,
			 "physical swap is more than half full\n");

	/* 4. New swap-outs until the allocator has reclaimed that slot */
	trig = mmap(NULL, TRIGGER_PAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (trig == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	madvise(trig, TRIGGER_PAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	fill_range(trig, TRIGGER_PAGES, SEED_TRIGGER, false);
	for (chunk = 0; chunk < TRIGGER_PAGES / TRIGGER_CHUNK; chunk++) {
		madvise(trig + chunk * TRIGGER_CHUNK * PAGE_SZ,
			TRIGGER_CHUNK * PAGE_SZ, MADV_PAGEOUT);
		if (page_in_swapcache(page_x) == 0)
			break;
	}
	ksft_print_msg("%zu pages paged out before the slot was reclaimed\n",
		       (chunk + 1) * TRIGGER_CHUNK);
	ksft_test_result(page_in_swapcache(page_x) == 0,
			 "the allocator reclaimed the cluster's last slot\n");

	/* Page x and every page still mapped; C's other pages were dropped */
	bad = 0;
	for (long i = 0; i < (long)NPAGES; i++)
		if ((i <= x || i >= x + (long)CLUSTER) &&
		    !pattern_check(buf + i * PAGE_SZ, i, SEED))
			bad++;
	bad += check_range(trig, TRIGGER_PAGES, SEED_TRIGGER, false);
	rc = release_child(filler_pid, fd_filler);
	ksft_test_result(!bad && !rc, "all data reads back intact (%zu bad, filler %d)\n",
			 bad, rc);

	munmap(trig, TRIGGER_PAGES * PAGE_SZ);
	munmap(buf, NPAGES * PAGE_SZ);
	if (absorb)
		munmap(absorb, absorb_pages * PAGE_SZ);
	swapfile_remove(swapfile);
	free(pm);
	ksft_finished();
}

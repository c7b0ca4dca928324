// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime switch: with a swapfile present, pages swapped out while
 * vswap is enabled get virtual entries; after 'echo 0 >
 * /sys/kernel/mm/vswap/enabled' new swap-outs take slots of the swapfile
 * (pagemap shows its swap type, pswpout grows when zswap is bypassed),
 * and the entries that were already virtual still read back. With vswap
 * back on, a cgroup whose memory.zswap.max is 0 gets virtual entries
 * again, and its pages reach the swapfile through physical slots behind
 * them.
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

#define CG_A		"vswap_test_switch_a"
#define CG_B		"vswap_test_switch_b"
#define NPAGES		2048UL
#define SEED_A		0xaaULL
#define SEED_B		0xbbULL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

/* pagemap: bits 0-4 swap type of a swapped page */
static int swap_type_of(const void *addr)
{
	uint64_t pm;

	if (pagemap_read(addr, 1, &pm) || !(pm & PM_SWAP))
		return -1;
	return pm & 0x1f;
}

static char *map_and_pageout(uint64_t seed, int *type)
{
	char *buf = mmap(NULL, NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return NULL;
	pin_to_one_cpu();
	madvise(buf, NPAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	fill_range(buf, NPAGES, seed, false);
	madvise(buf, NPAGES * PAGE_SZ, MADV_PAGEOUT);
	*type = swap_type_of(buf);
	return buf;
}

/*
 * In a child in cgroup @cg: page out a range filled from @seed and verify
 * it. Returns the child's wait status; *type is the swap type it got.
 */
static int pageout_in_child(const char *cg, uint64_t seed, int *type)
{
	int t = -1, p[2], status = -1;
	pid_t pid;

	*type = -2;
	if (pipe(p))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		char *buf;

		if (cg_enter(cg, getpid()))
			_exit(2);
		buf = map_and_pageout(seed, &t);
		if (write(p[1], &t, sizeof(t)) != sizeof(t))
			_exit(2);
		_exit(buf && !check_range(buf, NPAGES, seed, false) ? 0 : 1);
	}
	if (read(p[0], &t, sizeof(t)) == sizeof(t))
		*type = t;
	waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
	return status;
}

int main(void)
{
	int vtype, ptype, ctype, a_up[2], a_down[2], status;
	long long pswp0, pswp1;
	char swapfile[4096], c;
	pid_t a;

	ksft_print_header();
	ksft_set_plan(6);
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	swapoff_all();
	snprintf(swapfile, sizeof(swapfile), "%s/switch.swap", scratch_dir());
	if (zswap_set_enabled(true) || vswap_set_enabled(true))
		ksft_exit_fail_msg("cannot enable zswap and vswap\n");
	if (swapfile_add(swapfile, 64 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
	if (cg_create(CG_A) || cg_create(CG_B) ||
	    cg_write(CG_B, "memory.zswap.max", "0"))
		ksft_exit_fail_msg("cannot set up the cgroups\n");
	if (pipe(a_up) || pipe(a_down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));

	/* A: pages out with vswap on, then waits and verifies */
	fflush(stdout);
	a = fork();
	if (a == 0) {
		char *buf;
		int t;

		if (cg_enter(CG_A, getpid()))
			_exit(2);
		buf = map_and_pageout(SEED_A, &t);
		if (!buf || write(a_up[1], &t, sizeof(t)) != sizeof(t) ||
		    read(a_down[0], &c, 1) != 1)
			_exit(2);
		_exit(check_range(buf, NPAGES, SEED_A, false) ? 1 : 0);
	}
	if (read(a_up[0], &vtype, sizeof(vtype)) != sizeof(vtype))
		vtype = -2;

	/* B: vswap off; zswap.max=0 sends the pages to the swapfile */
	vswap_set_enabled(false);
	pswp0 = vmstat("pswpout");
	status = pageout_in_child(CG_B, SEED_B, &ptype);
	pswp1 = vmstat("pswpout");
	ksft_print_msg("swap type with vswap on: %d, off: %d; pswpout %lld -> %lld\n",
		       vtype, ptype, pswp0, pswp1);
	ksft_test_result(vtype >= 0 && ptype >= 0 && vtype != ptype,
			 "vswap on: virtual entries; off: entries of the swapfile\n");
	ksft_test_result(pswp1 - pswp0 >= (long long)NPAGES,
			 "with vswap off, pswpout grew by the paged-out range (%lld)\n", pswp1 - pswp0);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "the swapfile-backed range reads back intact\n");

	if (write(a_down[1], "x", 1) != 1 || waitpid(a, &status, 0) < 0)
		status = -1;
	ksft_test_result(status == 0, "entries that were virtual before the switch still read back\n");

	/* C: vswap on again; zswap cannot take B's pages: disk behind virtual slots */
	vswap_set_enabled(true);
	pswp0 = vmstat("pswpout");
	status = pageout_in_child(CG_B, SEED_B, &ctype);
	pswp1 = vmstat("pswpout");
	ksft_print_msg("vswap on, memory.zswap.max=0: swap type %d; pswpout %lld -> %lld\n",
		       ctype, pswp0, pswp1);
	ksft_test_result(ctype == vtype && pswp1 - pswp0 >= (long long)NPAGES,
			 "vswap on, memory.zswap.max=0: virtual entries, pages on the swapfile\n");
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "and read back intact\n");

	cg_destroy(CG_A);
	cg_destroy(CG_B);
	swapfile_remove(swapfile);
	zswap_restore();
	ksft_finished();
}

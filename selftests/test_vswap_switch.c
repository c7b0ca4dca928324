// SPDX-License-Identifier: GPL-2.0
/*
 * The runtime switch: with a swapfile present, pages swapped out while
 * vswap is enabled get virtual entries; after 'echo 0 >
 * /sys/kernel/mm/vswap/enabled' new swap-outs take slots of the swapfile
 * (pagemap shows its swap type, pswpout grows when zswap is bypassed),
 * and the entries that were already virtual still read back. With vswap
 * back on, a cgroup whose memory.zswap.max is 0 gets virtual entries
 * again, and its pages reach the swapfile through physical slots behind
 * them. Every page of each range is checked in pagemap, not only the
 * first one.
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

/*
 * What pagemap says about every page of a paged-out range: the swap type
 * most of its pages have (-1: no page swapped), how many pages are not
 * swapped at all and how many are swapped with another type than @want
 * (@want < 0: than that most common type).
 */
struct range_types {
	int type;
	int first;		/* swap type of the first page, -1 if not swapped */
	size_t missing;		/* pages not in swap */
	size_t wrong;		/* swapped pages of another type */
};

/* Nothing known: no page counts as swapped */
static void range_unknown(struct range_types *rt)
{
	rt->type = rt->first = -2;
	rt->missing = NPAGES;
	rt->wrong = 0;
}

static void range_types(const void *buf, int want, struct range_types *rt)
{
	static uint64_t pm[NPAGES];
	size_t count[32] = { 0 }, i;
	int t, best = -1;

	range_unknown(rt);
	if (pagemap_read(buf, NPAGES, pm))
		return;
	rt->missing = 0;
	for (i = 0; i < NPAGES; i++) {
		if (!(pm[i] & PM_SWAP)) {
			rt->missing++;
			continue;
		}
		count[PM_SWP_TYPE(pm[i])]++;
	}
	for (t = 0; t < 32; t++)
		if (count[t] && (best < 0 || count[t] > count[best]))
			best = t;
	rt->type = best;
	rt->first = pm[0] & PM_SWAP ? PM_SWP_TYPE(pm[0]) : -1;
	if (want < 0)
		want = best;
	for (t = 0; t < 32; t++)
		if (t != want)
			rt->wrong += count[t];
}

static char *map_and_pageout(uint64_t seed, int want, struct range_types *rt)
{
	char *buf = mmap(NULL, NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED) {
		range_unknown(rt);
		return NULL;
	}
	pin_to_one_cpu();
	madvise(buf, NPAGES * PAGE_SZ, MADV_NOHUGEPAGE);
	fill_range(buf, NPAGES, seed, false);
	madvise(buf, NPAGES * PAGE_SZ, MADV_PAGEOUT);
	range_types(buf, want, rt);
	return buf;
}

static void print_types(const char *what, const struct range_types *rt)
{
	ksft_print_msg("%s: swap type %d (first page %d), %zu of %lu pages not swapped, %zu of another type\n",
		       what, rt->type, rt->first, rt->missing, NPAGES, rt->wrong);
}

/* Every page of the range swapped, all with one swap type */
static bool all_of_one_type(const struct range_types *rt)
{
	return rt->type >= 0 && !rt->missing && !rt->wrong;
}

/*
 * In a child in cgroup @cg: page out a range filled from @seed and verify
 * it. Returns the child's wait status; *rt is what pagemap said about the
 * range once it was paged out (the wrong type: another than @want).
 */
static int pageout_in_child(const char *cg, uint64_t seed, int want,
			    struct range_types *rt)
{
	int p[2], status = -1;
	pid_t pid;

	range_unknown(rt);
	if (pipe(p))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct range_types crt;
		char *buf;

		if (cg_enter(cg, getpid()))
			_exit(2);
		buf = map_and_pageout(seed, want, &crt);
		if (write(p[1], &crt, sizeof(crt)) != sizeof(crt))
			_exit(2);
		_exit(buf && !check_range(buf, NPAGES, seed, false) ? 0 : 1);
	}
	if (read(p[0], rt, sizeof(*rt)) != sizeof(*rt))
		range_unknown(rt);
	waitpid(pid, &status, 0);
	close(p[0]);
	close(p[1]);
	return status;
}

int main(void)
{
	struct range_types va, pb, vc;
	int a_up[2], a_down[2], status;
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
		struct range_types rt;
		char *buf;

		if (cg_enter(CG_A, getpid()))
			_exit(2);
		buf = map_and_pageout(SEED_A, -1, &rt);
		if (!buf || write(a_up[1], &rt, sizeof(rt)) != sizeof(rt) ||
		    read(a_down[0], &c, 1) != 1)
			_exit(2);
		_exit(check_range(buf, NPAGES, SEED_A, false) ? 1 : 0);
	}
	if (read(a_up[0], &va, sizeof(va)) != sizeof(va))
		range_unknown(&va);

	/* B: vswap off; zswap.max=0 sends the pages to the swapfile */
	vswap_set_enabled(false);
	pswp0 = vmstat("pswpout");
	status = pageout_in_child(CG_B, SEED_B, -1, &pb);
	pswp1 = vmstat("pswpout");
	print_types("vswap on", &va);
	print_types("vswap off", &pb);
	ksft_print_msg("vswap off: pswpout %lld -> %lld\n", pswp0, pswp1);
	ksft_test_result(all_of_one_type(&va) && all_of_one_type(&pb) && va.type != pb.type,
			 "every page: virtual entries with vswap on, entries of the swapfile with it off (%zu + %zu pages with a wrong or no swap type)\n",
			 va.missing + va.wrong, pb.missing + pb.wrong);
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
	status = pageout_in_child(CG_B, SEED_B, va.type, &vc);
	pswp1 = vmstat("pswpout");
	print_types("vswap on, memory.zswap.max=0", &vc);
	ksft_print_msg("vswap on, memory.zswap.max=0: pswpout %lld -> %lld\n", pswp0, pswp1);
	ksft_test_result(va.type >= 0 && vc.type == va.type && !vc.missing && !vc.wrong &&
			 pswp1 - pswp0 >= (long long)NPAGES,
			 "vswap on, memory.zswap.max=0: every page virtual (%zu with a wrong or no swap type), pages on the swapfile\n",
			 vc.missing + vc.wrong);
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "and read back intact\n");

	cg_destroy(CG_A);
	cg_destroy(CG_B);
	swapfile_remove(swapfile);
	zswap_restore();
	ksft_finished();
}

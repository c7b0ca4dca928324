// SPDX-License-Identifier: GPL-2.0
/*
 * Incompressible pages through real compression failure: zswap on with no
 * limit (no memory.zswap.max), a swapfile on, vswap on. Random pages do
 * not compress: the compressor fails (lz4: LZ4_compress_default() finds
 * no room in one page and crypto/lz4.c returns -EINVAL; zstd: -ENOSPC) or
 * would not save anything. What 7.3's zswap_compress() (mm/zswap.c) does
 * then depends on whether the page could be written back to disk later:
 *
 *  - memory.zswap.writeback=1 (the default): zswap stores the page as it
 *    is, PAGE_SIZE bytes, to keep the LRU order of writeback. Nothing is
 *    rejected and nothing goes to disk at swap-out: stored_pages and
 *    stored_incompressible_pages grow by exactly N, memory.zswap.current
 *    by N whole pages, the reject_compress_* counters and vswap's
 *    zswap_reject do not move, pswpout does not either. Such pages reach
 *    the swapfile only through zswap writeback: memory.reclaim with the
 *    zswap shrinker on writes all N back (zswpwb, pswpout, vswap phys and
 *    the swapfile's use in /proc/swaps each grow by exactly N, memory.swap
 *    .current is N pages), the page-table entries stay the same virtual
 *    ones, and every page reads back bit-exact, none from zswap;
 *  - memory.zswap.writeback=0: zswap rejects the page (a stored page could
 *    never leave memory): reject_compress_fail + reject_compress_poor grow
 *    by exactly N (lz4: reject_compress_fail alone), and so does vswap's
 *    zswap_reject. With writeback off swap_writeout() (mm/page_io.c) does
 *    not use the disk either (backend_reject +N, pswpout +0, the swapfile
 *    unused): reclaim has already unmapped the pages into the swap cache,
 *    where they stay, in virtual slots with no backend (vswap slots and
 *    cached +N, zswap and phys +0), and are read back from it (no zswpin,
 *    no pswpin). Compressible pages of the same cgroup go to zswap as
 *    usual: the rejection is the compressor's.
 *
 * So in 7.3 a page zswap refuses for failed compression never goes to disk
 * at swap-out: the refusal happens exactly when disk is not allowed (or,
 * for a virtual slot, when no swap device has room). Afterwards everything
 * drains back to where it was: slots, disk slots, zswap's stored pages,
 * the cgroups' swap charges (read with a bounded retry).
 *
 * The workloads lock their own memory but the test range (mlockall with
 * MCL_ONFAULT), so that memory.reclaim finds nothing else of theirs and
 * the counts are exact.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG_STORE	"vswap_test_incompressible_store"
#define CG_NOWB		"vswap_test_incompressible_nowb"
#define NPAGES		1024UL
#define SEED_STORE	0x1c0117ULL
#define SEED_REJECT	0x4e1ec7ULL
#define SEED_CONTROL	0xc0a7ULL
#define SHRINKER	"/sys/module/zswap/parameters/shrinker_enabled"
#define WB_ROUNDS	40

/* Counters around a step of a workload */
struct snap {
	long long stored, incompr, rej_fail, rej_poor;		/* debugfs zswap */
	long long v_slots, v_zswap, v_phys, v_cached, v_zrej, v_brej;	/* vswap/stat */
	long long zswpout, zswpin, zswpwb, pswpout, pswpin;	/* memory.stat */
	long long zswapped, zswap_cur, swap_cur;		/* the cgroup */
	long long swap_used;					/* KiB, /proc/swaps */
};

/* What the workloads saw, in memory shared with the test */
struct result {
	/* writeback allowed: the store, the writeback, the read-back */
	struct snap a0, a1, c1, r1;
	long long nswapped, npresent, unchanged, wb_rounds;
	bool same_type;
	size_t bad;
	/* writeback off: compressible control, then incompressible */
	struct snap b0, b1, b2, b3;
	long long ctl_swapped, rej_swapped, rej_present;
	bool rej_same_type;
	size_t ctl_bad, rej_bad;
};

static struct result *res;
static char swapfile[4096];
static char shrinker0[8];
static pid_t main_pid;

static void snap_take(struct snap *s, const char *cg)
{
	s->stored = zswap_debugfs("stored_pages");
	s->incompr = zswap_debugfs("stored_incompressible_pages");
	s->rej_fail = zswap_debugfs("reject_compress_fail");
	s->rej_poor = zswap_debugfs("reject_compress_poor");
	s->v_slots = vswap_stat("slots");
	s->v_zswap = vswap_stat("zswap");
	s->v_phys = vswap_stat("phys");
	s->v_cached = vswap_stat("cached");
	s->v_zrej = vswap_stat("zswap_reject");
	s->v_brej = vswap_stat("backend_reject");
	s->zswpout = cg_stat(cg, "zswpout");
	s->zswpin = cg_stat(cg, "zswpin");
	s->zswpwb = cg_stat(cg, "zswpwb");
	s->pswpout = cg_stat(cg, "pswpout");
	s->pswpin = cg_stat(cg, "pswpin");
	s->zswapped = cg_stat(cg, "zswapped");
	s->zswap_cur = cg_read_ll(cg, "memory.zswap.current");
	s->swap_cur = cg_read_ll(cg, "memory.swap.current");
	s->swap_used = swaps_used(swapfile, NULL);
}

/* Later minus earlier value of field @f */
#define D(later, earlier, f)	((later).f - (earlier).f)

/*
 * Lock what the workload has and will fault in its existing mappings
 * (stack, heap, libc), not what it maps later: the test range.
 */
static int lock_own_memory(void)
{
	if (mlockall(MCL_CURRENT | MCL_ONFAULT)) {
		ksft_print_msg("mlockall: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* Pages of @buf swapped (*swapped) and present (*present); their swap type */
static int scan(const char *buf, uint64_t *pm, long long *swapped, long long *present,
		bool *same_type)
{
	int type = -1;
	size_t i;

	if (pagemap_read(buf, NPAGES, pm))
		return -1;
	*swapped = *present = 0;
	if (same_type)
		*same_type = true;
	for (i = 0; i < NPAGES; i++) {
		*present += !!(pm[i] & PM_PRESENT);
		if (!(pm[i] & PM_SWAP))
			continue;
		if (type < 0)
			type = PM_SWP_TYPE(pm[i]);
		if (same_type)
			*same_type &= PM_SWP_TYPE(pm[i]) == type;
		(*swapped)++;
	}
	return 0;
}

/* In CG_STORE: page out, write back, read back. */
static int store_child(void *arg)
{
	uint64_t *pm0 = calloc(NPAGES, sizeof(*pm0));
	uint64_t *pm1 = calloc(NPAGES, sizeof(*pm1));
	long long swapped, present;
	char *buf;
	size_t i;

	(void)arg;
	if (!pm0 || !pm1 || lock_own_memory())
		return 2;
	snap_take(&res->a0, CG_STORE);
	buf = map_fill_pageout(NPAGES, SEED_STORE, true);
	if (!buf)
		return 2;
	snap_take(&res->a1, CG_STORE);
	if (scan(buf, pm0, &res->nswapped, &res->npresent, &res->same_type))
		return 2;

	/* zswap writeback, by the shrinker under memory.reclaim */
	for (res->wb_rounds = 0; res->wb_rounds < WB_ROUNDS &&
	     cg_stat(CG_STORE, "zswapped") > 0; res->wb_rounds++)
		cg_reclaim(CG_STORE, "64M");
	snap_take(&res->c1, CG_STORE);
	if (scan(buf, pm1, &swapped, &present, NULL))
		return 2;
	res->unchanged = 0;
	for (i = 0; i < NPAGES; i++)
		res->unchanged += (pm0[i] & PM_SWAP) && (pm1[i] & PM_SWAP) &&
				  PM_SWP_BITS(pm0[i]) == PM_SWP_BITS(pm1[i]);

	res->bad = check_range(buf, NPAGES, SEED_STORE, true);
	snap_take(&res->r1, CG_STORE);
	return 0;
}

/* In CG_NOWB (memory.zswap.writeback=0): compressible, then incompressible. */
static int nowb_child(void *arg)
{
	uint64_t *pm = calloc(NPAGES, sizeof(*pm));
	long long present;
	char *ctl, *rnd;

	(void)arg;
	if (!pm || lock_own_memory())
		return 2;
	snap_take(&res->b0, CG_NOWB);
	ctl = map_fill_pageout(NPAGES, SEED_CONTROL, false);
	if (!ctl)
		return 2;
	snap_take(&res->b1, CG_NOWB);
	rnd = map_fill_pageout(NPAGES, SEED_REJECT, true);
	if (!rnd)
		return 2;
	snap_take(&res->b2, CG_NOWB);
	if (scan(ctl, pm, &res->ctl_swapped, &present, NULL) ||
	    scan(rnd, pm, &res->rej_swapped, &res->rej_present, &res->rej_same_type))
		return 2;
	/* The rejected ones first: what they read back from is counted alone */
	res->rej_bad = check_range(rnd, NPAGES, SEED_REJECT, true);
	snap_take(&res->b3, CG_NOWB);
	res->ctl_bad = check_range(ctl, NPAGES, SEED_CONTROL, false);
	return 0;
}

static void restore_shrinker(void)
{
	if (getpid() == main_pid && shrinker0[0])
		write_file(SHRINKER, shrinker0);
}

int main(void)
{
	const long long n = NPAGES, kib = NPAGES * PAGE_SZ / 1024;
	long long stored0, incompr0, slots0, phys0, v;
	char comp[64] = "";
	bool lz4, ok;
	int rc;

	ksft_print_header();
	ksft_set_plan(15);
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	res = shared_result(sizeof(*res));
	vswap_test_setup(CG_STORE);
	/* zswap makes its debugfs files when it is first enabled */
	if (zswap_debugfs("stored_incompressible_pages") < 0 ||
	    zswap_debugfs("reject_compress_fail") < 0)
		ksft_exit_fail_msg("no zswap statistics in debugfs\n");
	if (cg_create(CG_NOWB) || cg_write(CG_NOWB, "memory.zswap.writeback", "0"))
		ksft_exit_fail_msg("cannot set up cgroup %s\n", CG_NOWB);
	snprintf(swapfile, sizeof(swapfile), "%s/incompressible.swap", scratch_dir());
	if (swapfile_add(swapfile, 128 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
	main_pid = getpid();
	if (read_file(SHRINKER, shrinker0, sizeof(shrinker0)) <= 0 ||
	    write_file(SHRINKER, "Y"))
		ksft_exit_fail_msg("cannot turn zswap's shrinker on\n");
	shrinker0[strcspn(shrinker0, "\n")] = '\0';
	atexit(restore_shrinker);
	read_file("/sys/module/zswap/parameters/compressor", comp, sizeof(comp));
	comp[strcspn(comp, "\n")] = '\0';
	lz4 = !strcmp(comp, "lz4");
	stored0 = zswap_debugfs("stored_pages");
	incompr0 = zswap_debugfs("stored_incompressible_pages");
	slots0 = vswap_stat("slots");
	phys0 = vswap_stat("phys");
	ksft_print_msg("compressor %s; zswap stored_pages %lld (%lld incompressible), vswap slots %lld, phys %lld\n",
		       comp, stored0, incompr0, slots0, phys0);

	/* Writeback allowed: zswap keeps them as they are */
	rc = run_in_cgroup(CG_STORE, store_child, NULL);
	ksft_print_msg("store: status %d, %lld of %lu swapped; stored_pages +%lld, incompressible +%lld, reject_compress_fail +%lld, poor +%lld; vswap zswap +%lld, zswap_reject +%lld, phys +%lld; zswpout +%lld, pswpout +%lld, zswap.current +%lld, swapfile +%lld KiB\n",
		       rc, res->nswapped, NPAGES, D(res->a1, res->a0, stored),
		       D(res->a1, res->a0, incompr), D(res->a1, res->a0, rej_fail),
		       D(res->a1, res->a0, rej_poor), D(res->a1, res->a0, v_zswap),
		       D(res->a1, res->a0, v_zrej), D(res->a1, res->a0, v_phys),
		       D(res->a1, res->a0, zswpout), D(res->a1, res->a0, pswpout),
		       D(res->a1, res->a0, zswap_cur), D(res->a1, res->a0, swap_used));
	ksft_test_result(rc == 0 && res->nswapped == n && res->npresent == 0 && res->same_type &&
			 D(res->a1, res->a0, v_zswap) == n,
			 "MADV_PAGEOUT of %lu random pages: all in virtual slots backed by zswap\n",
			 NPAGES);
	ksft_test_result(rc == 0 && D(res->a1, res->a0, incompr) == n &&
			 D(res->a1, res->a0, stored) == n && D(res->a1, res->a0, zswpout) == n &&
			 D(res->a1, res->a0, zswap_cur) == n * (long long)PAGE_SZ,
			 "compression fails, zswap stores them as they are: stored_incompressible_pages +%lld, stored_pages +%lld, zswpout +%lld, memory.zswap.current +%lld pages\n",
			 D(res->a1, res->a0, incompr), D(res->a1, res->a0, stored),
			 D(res->a1, res->a0, zswpout),
			 D(res->a1, res->a0, zswap_cur) / (long long)PAGE_SZ);
	ksft_test_result(rc == 0 && D(res->a1, res->a0, rej_fail) == 0 &&
			 D(res->a1, res->a0, rej_poor) == 0 && D(res->a1, res->a0, v_zrej) == 0 &&
			 D(res->a1, res->a0, pswpout) == 0 && D(res->a1, res->a0, v_phys) == 0 &&
			 D(res->a1, res->a0, swap_used) == 0,
			 "no rejection and no disk at swap-out: reject_compress_* +0, vswap zswap_reject +0, pswpout +0, phys +0, swapfile +0\n");

	ksft_print_msg("writeback: %lld memory.reclaim rounds; zswpwb +%lld, pswpout +%lld, phys +%lld, swapfile +%lld KiB, swap.current %lld, zswapped %lld, incompressible %lld (start %lld); %lld entries unchanged; read back: %zu bad, zswpin +%lld, pswpin +%lld\n",
		       res->wb_rounds, D(res->c1, res->a1, zswpwb), D(res->c1, res->a1, pswpout),
		       D(res->c1, res->a1, v_phys), D(res->c1, res->a1, swap_used),
		       res->c1.swap_cur, res->c1.zswapped, res->c1.incompr, incompr0,
		       res->unchanged, res->bad, D(res->r1, res->c1, zswpin),
		       D(res->r1, res->c1, pswpin));
	ksft_test_result(rc == 0 && res->c1.zswapped == 0 && D(res->c1, res->a1, zswpwb) == n &&
			 D(res->c1, res->a1, pswpout) == n && D(res->c1, res->a1, v_phys) == n &&
			 D(res->c1, res->a1, swap_used) == kib &&
			 res->c1.swap_cur == n * (long long)PAGE_SZ && res->c1.incompr == incompr0,
			 "zswap writeback takes them to the swapfile: zswpwb, pswpout, phys +%lu, swapfile +%lld KiB, memory.swap.current %lu pages, none left in zswap\n",
			 NPAGES, kib, NPAGES);
	ksft_test_result(rc == 0 && res->unchanged == n,
			 "writeback changed no page-table entry (%lld of %lu the same)\n",
			 res->unchanged, NPAGES);
	ksft_test_result(rc == 0 && res->bad == 0 && D(res->r1, res->c1, zswpin) == 0,
			 "every page reads back bit-exact, none from zswap\n");

	/* Writeback off: zswap rejects them, and they stay in memory */
	rc = run_in_cgroup(CG_NOWB, nowb_child, NULL);
	ksft_print_msg("zswap.writeback=0, compressible: status %d, %lld swapped, zswpout +%lld, rejects +%lld/+%lld, zswap_reject +%lld\n",
		       rc, res->ctl_swapped, D(res->b1, res->b0, zswpout),
		       D(res->b1, res->b0, rej_fail), D(res->b1, res->b0, rej_poor),
		       D(res->b1, res->b0, v_zrej));
	ksft_print_msg("zswap.writeback=0, random: %lld swapped, %lld present; reject_compress_fail +%lld, poor +%lld; vswap zswap_reject +%lld, backend_reject +%lld, slots +%lld, cached +%lld, zswap +%lld, phys +%lld; zswpout +%lld, pswpout +%lld, swapfile +%lld KiB; read back: %zu bad, zswpin +%lld, pswpin +%lld\n",
		       res->rej_swapped, res->rej_present, D(res->b2, res->b1, rej_fail),
		       D(res->b2, res->b1, rej_poor), D(res->b2, res->b1, v_zrej),
		       D(res->b2, res->b1, v_brej), D(res->b2, res->b1, v_slots),
		       D(res->b2, res->b1, v_cached), D(res->b2, res->b1, v_zswap),
		       D(res->b2, res->b1, v_phys), D(res->b2, res->b1, zswpout),
		       D(res->b2, res->b1, pswpout), D(res->b2, res->b1, swap_used),
		       res->rej_bad, D(res->b3, res->b2, zswpin), D(res->b3, res->b2, pswpin));
	ksft_test_result(rc == 0 && res->ctl_swapped == n && D(res->b1, res->b0, zswpout) == n &&
			 D(res->b1, res->b0, rej_fail) + D(res->b1, res->b0, rej_poor) == 0 &&
			 D(res->b1, res->b0, v_zrej) == 0,
			 "memory.zswap.writeback=0: %lu compressible pages still go to zswap, none rejected\n",
			 NPAGES);
	ok = D(res->b2, res->b1, rej_fail) + D(res->b2, res->b1, rej_poor) == n &&
	     D(res->b2, res->b1, v_zrej) == n;
	/* lz4 reports no room as a failure (-EINVAL), not as -ENOSPC */
	if (lz4)
		ok &= D(res->b2, res->b1, rej_fail) == n;
	ksft_test_result(rc == 0 && ok,
			 "%lu random pages: compression fails and zswap rejects each (reject_compress_fail +%lld, reject_compress_poor +%lld%s), vswap zswap_reject +%lld\n",
			 NPAGES, D(res->b2, res->b1, rej_fail), D(res->b2, res->b1, rej_poor),
			 lz4 ? ", lz4: all fail" : "", D(res->b2, res->b1, v_zrej));
	ksft_test_result(rc == 0 && D(res->b2, res->b1, v_brej) == n &&
			 D(res->b2, res->b1, zswpout) == 0 && D(res->b2, res->b1, pswpout) == 0 &&
			 D(res->b2, res->b1, swap_used) == 0 && D(res->b2, res->b1, v_phys) == 0,
			 "with writeback off they do not go to disk either: backend_reject +%lld, zswpout +0, pswpout +0, phys +0, swapfile +0\n",
			 D(res->b2, res->b1, v_brej));
	ksft_test_result(rc == 0 && res->rej_swapped == n && res->rej_same_type &&
			 res->rej_present == 0 && D(res->b2, res->b1, v_slots) == n &&
			 D(res->b2, res->b1, v_cached) == n && D(res->b2, res->b1, v_zswap) == 0,
			 "they stay in memory, unmapped into the swap cache: %lld virtual entries, vswap slots +%lld and cached +%lld with no backend (zswap +%lld)\n",
			 res->rej_swapped, D(res->b2, res->b1, v_slots), D(res->b2, res->b1, v_cached),
			 D(res->b2, res->b1, v_zswap));
	ksft_test_result(rc == 0 && res->rej_bad == 0 && D(res->b3, res->b2, zswpin) == 0 &&
			 D(res->b3, res->b2, pswpin) == 0 && res->ctl_bad == 0,
			 "the rejected pages read back bit-exact from the swap cache (zswpin +0, pswpin +0), the compressible ones too\n");

	/* Idle: both workloads exited */
	ksft_test_result(wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_LE, slots0,
					WAIT_TRIES, CG_STORE, &v),
			 "after exit: vswap slots back to %lld (%lld)\n", slots0, v);
	ok = wait_for_value("vswap phys", read_vswap_stat, "phys", WAIT_EQ, phys0,
			    WAIT_TRIES, NULL, &v);
	ok &= wait_for_value("swapfile KiB used", read_swaps_used, swapfile, WAIT_EQ, 0,
			     WAIT_TRIES, NULL, NULL);
	ksft_test_result(ok, "after exit: no disk slot left (vswap phys, /proc/swaps)\n");
	ok = wait_for_value("zswap stored_pages", read_zswap_debugfs, "stored_pages", WAIT_EQ,
			    stored0, WAIT_TRIES, NULL, NULL);
	ok &= wait_for_value("zswap stored_incompressible_pages", read_zswap_debugfs,
			     "stored_incompressible_pages", WAIT_EQ, incompr0, WAIT_TRIES, NULL, NULL);
	ksft_test_result(ok, "after exit: zswap's stored pages, incompressible ones included, back to baseline\n");
	ok = true;
	for (int i = 0; i < 2; i++) {
		const char *cg = i ? CG_NOWB : CG_STORE;
		char what[128];

		snprintf(what, sizeof(what), "%s memory.swap.current", cg);
		ok &= wait_for_value(what, read_cg_counter,
				     &(struct cg_counter){ cg, "memory.swap.current", NULL },
				     WAIT_EQ, 0, WAIT_TRIES, NULL, NULL);
		snprintf(what, sizeof(what), "%s memory.zswap.current", cg);
		ok &= wait_for_value(what, read_cg_counter,
				     &(struct cg_counter){ cg, "memory.zswap.current", NULL },
				     WAIT_EQ, 0, WAIT_TRIES, NULL, NULL);
	}
	ksft_test_result(ok, "after exit: memory.swap.current and memory.zswap.current of both cgroups 0\n");

	swapfile_remove(swapfile);
	cg_destroy(CG_STORE);
	cg_destroy(CG_NOWB);
	restore_shrinker();
	shrinker0[0] = '\0';
	zswap_restore();
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Disk charges of a removed cgroup's virtual slots go to its nearest
 * online ancestor.
 *
 * A process in P/child (memory.swap.max=1M) swaps 16M out to zswap, and a
 * part of it is written back to the swapfile, up to the child's limit.
 * The process then moves to P/other and P/child is removed while its pages
 * are still swapped: the slots keep the removed cgroup's id. P's
 * memory.swap.current carries the disk part at once (the counters are
 * hierarchical). zswap writeback driven from P then writes the rest to
 * disk: that disk is charged to P, the nearest online ancestor, as a new
 * swap-out of the (reparented) pages would be, not to the removed child
 * under its 1M limit. Before the fix the charge went to the removed child,
 * and writeback stopped at its old limit.
 *
 * Checked: P's memory.swap.current right after the removal equals the disk
 * part; after writeback it exceeds the removed child's limit; every page
 * reads back bit-exact; after the process exits, P's memory.swap.current
 * is 0 and no virtual slot is left.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG_P		"vswap_test_reparent"
#define CG_CHILD	CG_P "/child"
#define CG_OTHER	CG_P "/other"
#define NPAGES		4096UL		/* 16M */
#define SEED		0x4e9a4e47ULL
#define CHILD_SWAP_MAX	((long long)(1 * MB))

static int cmd_pipe[2], ack_pipe[2];

static int wait_cmd(void)
{
	char c;

	return read(cmd_pipe[0], &c, 1) == 1 ? c : -1;
}

static void ack(char c)
{
	if (write(ack_pipe[1], &c, 1) != 1)
		_exit(3);
}

/* The owner: pages out, then waits; on 'v' verifies and exits. */
static int owner(void *arg)
{
	size_t bad;
	char *buf;

	(void)arg;
	buf = map_fill_pageout(NPAGES, SEED, false);
	ack(buf ? 'o' : 'e');
	if (!buf)
		return 2;
	if (wait_cmd() != 'v')
		return 2;
	bad = check_range(buf, NPAGES, SEED, false);
	if (bad)
		ksft_print_msg("%zu of %lu pages differ\n", bad, NPAGES);
	return bad ? 1 : 0;
}

static char get_ack(void)
{
	char c;

	return read(ack_pipe[0], &c, 1) == 1 ? c : 0;
}

/* zswap writeback in @cg: lower its memory.zswap.max and reclaim. */
static void writeback(const char *cg, int rounds)
{
	char val[32];
	long long zcur;
	int i;

	for (i = 0; i < rounds; i++) {
		zcur = cg_read_ll(cg, "memory.zswap.current");
		snprintf(val, sizeof(val), "%lld", zcur / 2);
		cg_write(cg, "memory.zswap.max", val);
		cg_reclaim(cg, "64M");
	}
}

int main(void)
{
	long long slots0, swap_child, swap_p_rm, swap_p_wb, swap_p_end, slots_end, wb0, wb1;
	bool drained;
	char swapfile[4096], pid_str[32], shrinker[8] = "";
	int status = -1, i;
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(5);
	vswap_test_setup(NULL);
	if (!scratch_dir())
		ksft_exit_fail_msg("no scratch directory for a swapfile (VSWAP_SCRATCH)\n");
	snprintf(swapfile, sizeof(swapfile), "%s/reparent.swap", scratch_dir());
	if (swapfile_add(swapfile, 256 * MB))
		ksft_exit_fail_msg("cannot swapon %s\n", swapfile);
	read_file("/sys/module/zswap/parameters/shrinker_enabled", shrinker, sizeof(shrinker));
	write_file("/sys/module/zswap/parameters/shrinker_enabled", "Y");
	if (cg_create(CG_P) || cg_write(CG_P, "cgroup.subtree_control", "+memory") ||
	    cg_create(CG_CHILD) || cg_create(CG_OTHER) ||
	    cg_write(CG_CHILD, "memory.swap.max", "1M"))
		ksft_exit_fail_msg("cannot set up cgroups under %s\n", CG_P);
	if (pipe(cmd_pipe) || pipe(ack_pipe))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	slots0 = vswap_stat("slots");

	pid = cg_spawn(CG_CHILD, owner, NULL);
	if (pid < 0 || get_ack() != 'o')
		ksft_exit_fail_msg("the owner could not page out its memory\n");
	/* Part of it to disk, as far as the child's memory.swap.max lets it */
	writeback(CG_CHILD, 4);
	swap_child = cg_read_ll(CG_CHILD, "memory.swap.current");

	/* Move the owner out and remove its cgroup, pages still swapped */
	snprintf(pid_str, sizeof(pid_str), "%d", pid);
	if (cg_write(CG_OTHER, "cgroup.procs", pid_str))
		ksft_exit_fail_msg("cannot move %d to %s\n", pid, CG_OTHER);
	for (i = 0; i < 50 && cg_destroy(CG_CHILD); i++)
		usleep(100000);
	swap_p_rm = cg_read_ll(CG_P, "memory.swap.current");

	wb0 = vmstat("zswpwb");
	writeback(CG_P, 8);
	wb1 = vmstat("zswpwb");
	swap_p_wb = cg_read_ll(CG_P, "memory.swap.current");

	if (write(cmd_pipe[1], "v", 1) != 1 || waitpid(pid, &status, 0) != pid)
		kill(pid, SIGKILL);
	/* Freeing is done when exit returns; allow the counters a moment */
	drained = wait_for_value("P memory.swap.current", read_cg_counter,
				 &(struct cg_counter){ CG_P, "memory.swap.current", NULL },
				 WAIT_EQ, 0, WAIT_TRIES, NULL, &swap_p_end);
	drained &= wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_EQ, slots0,
				  WAIT_TRIES, NULL, &slots_end);
	ksft_print_msg("swap.current: child %lld before removal, P %lld after it, P %lld after writeback (zswpwb +%lld), P %lld after exit; slots %lld (baseline %lld)\n",
		       swap_child, swap_p_rm, swap_p_wb, wb1 - wb0, swap_p_end,
		       slots_end, slots0);

	ksft_test_result(swap_child > 0 && swap_child <= CHILD_SWAP_MAX,
			 "the child put a part on disk, within its memory.swap.max\n");
	ksft_test_result(swap_p_rm == swap_child,
			 "after the child's removal its parent carries that disk part\n");
	ksft_test_result(swap_p_wb > 2 * CHILD_SWAP_MAX,
			 "writeback after the removal is charged to the parent, not held at the removed child's limit\n");
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "every page read back bit-exact\n");
	ksft_test_result(drained,
			 "after exit nothing is charged and no virtual slot is left\n");

	cg_destroy(CG_OTHER);
	cg_destroy(CG_P);
	swapfile_remove(swapfile);
	if (shrinker[0])
		write_file("/sys/module/zswap/parameters/shrinker_enabled", shrinker);
	zswap_restore();
	ksft_finished();
}

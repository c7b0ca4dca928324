// SPDX-License-Identifier: GPL-2.0
/*
 * Swapoff and cgroup removal with disk behind virtual slots (zswap on, a
 * swapfile):
 *
 *  - swapoff while a writer keeps paging a range out to that swapfile and
 *    back in: swapoff succeeds; the two overlap (the writer verifies or
 *    rewrites pages, and takes page faults, between the call and the
 *    return of swapoff); no page is ever read back wrong, before, during
 *    or after;
 *  - the same swapfile holding slots behind virtual ones (vswap enabled)
 *    and slots swap-out took directly (vswap disabled): both processes read
 *    their data back, before and after swapoff of the swapfile;
 *  - a cgroup removed while its pages sit in virtual slots on zswap and on
 *    disk: its process, moved to a sibling under the same parent (cgroup
 *    v2 keeps processes out of inner nodes), reads them all back; slots,
 *    disk slots and the parent's memory.swap.current return to baseline.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG_DISK		"vswap_test_swapoff_disk"
#define CG_PARENT	"vswap_test_swapoff_parent"
#define CG_CHILD	CG_PARENT "/child"
#define CG_SIBLING	CG_PARENT "/sibling"
#define NPAGES		4096UL
#define SEED		0x50ffULL

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

static char swapfile[4096];

/* Fork a child running @fn(@arg) in cgroup @cg; its pid. */
static pid_t spawn_in(const char *cg, int (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (pid == 0) {
		if (cg_enter(cg, getpid()))
			_exit(125);
		/* MADV_PAGEOUT drains this CPU's LRU batches only */
		pin_to_one_cpu();
		_exit(fn(arg));
	}
	return pid;
}

static int exit_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * The writer and the parent share this page. The writer pages its range
 * out and back in, round after round: it verifies every page (faulting it
 * back), rewrites it with the next round's pattern and pages the range out
 * again. @progress counts the pages it verified or rewrote. At the start
 * of the check of round 2 it says @ready and waits for @go; the parent
 * then swaps off the swapfile that holds the range. The writer stops once
 * it has verified round @stop (set after swapoff returned).
 */
struct writer_ctl {
	long progress;
	long bad;
	int round;
	int ready;
	int go;
	int stop;
};

#define WRITER_MAX_ROUNDS	200

static int writer(void *arg)
{
	struct writer_ctl *ctl = arg;
	int round = 0, stop;
	size_t i;
	char *buf;

	buf = map_fill_pageout(NPAGES, SEED, false);
	if (!buf)
		return 2;
	for (;;) {
		if (round == 2) {
			__atomic_store_n(&ctl->ready, 1, __ATOMIC_RELEASE);
			while (!__atomic_load_n(&ctl->go, __ATOMIC_ACQUIRE))
				usleep(100);
		}
		for (i = 0; i < NPAGES; i++) {
			if (!pattern_check(buf + i * PAGE_SZ, i, SEED + round) &&
			    __atomic_fetch_add(&ctl->bad, 1, __ATOMIC_RELAXED) < 5)
				printf("# writer: round %d, page %zu differs\n", round, i);
			__atomic_fetch_add(&ctl->progress, 1, __ATOMIC_RELAXED);
		}
		stop = __atomic_load_n(&ctl->stop, __ATOMIC_ACQUIRE);
		if (stop && round >= stop)
			break;
		if (round >= WRITER_MAX_ROUNDS) {
			printf("# writer: not told to stop after %d rounds\n", round);
			fflush(stdout);
			return 3;
		}
		for (i = 0; i < NPAGES; i++) {
			pattern_fill(buf + i * PAGE_SZ, i, SEED + round + 1);
			__atomic_fetch_add(&ctl->progress, 1, __ATOMIC_RELAXED);
		}
		madvise(buf, NPAGES * PAGE_SZ, MADV_PAGEOUT);
		round++;
		__atomic_store_n(&ctl->round, round, __ATOMIC_RELEASE);
	}
	if (ctl->bad)
		printf("# writer: %ld bad pages\n", ctl->bad);
	/* The caller leaves with _exit(): no stdio flush */
	fflush(stdout);
	return ctl->bad ? 1 : 0;
}

/* Minor and major faults of @pid so far (/proc/PID/stat fields 10 and 12), -1 on error */
static int proc_faults(pid_t pid, long long *minflt, long long *majflt)
{
	char path[64], buf[1024], *p;
	long long cmin;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf, sizeof(buf)) <= 0)
		return -1;
	/* After "pid (comm) ": state ppid pgrp session tty tpgid flags minflt cminflt majflt */
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %lld %lld %lld",
			 minflt, &cmin, majflt) != 3)
		return -1;
	return 0;
}

/* Page out a range, report the swap type, wait for a byte, verify. */
struct holder {
	int up[2], down[2];
	uint64_t seed;
};

static int holder(void *arg)
{
	struct holder *h = arg;
	uint64_t pm;
	char *buf, c;
	int type = -1;

	buf = map_fill_pageout(NPAGES, h->seed, true);
	if (buf && !pagemap_read(buf, 1, &pm) && (pm & PM_SWAP))
		type = PM_SWP_TYPE(pm);
	if (write(h->up[1], &type, sizeof(type)) != sizeof(type))
		return 2;
	if (!buf || read(h->down[0], &c, 1) != 1)
		return 2;
	if (check_range(buf, NPAGES, h->seed, true))
		return 1;
	/* Out and in once more, on whatever swap is left */
	madvise(buf, NPAGES * PAGE_SZ, MADV_PAGEOUT);
	return check_range(buf, NPAGES, h->seed, true) ? 1 : 0;
}

static pid_t start_holder(struct holder *h, const char *cg, uint64_t seed, int *type)
{
	pid_t pid;

	h->seed = seed;
	if (pipe(h->up) || pipe(h->down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = spawn_in(cg, holder, h);
	if (read(h->up[0], type, sizeof(*type)) != sizeof(*type))
		*type = -2;
	return pid;
}

static int finish_holder(struct holder *h, pid_t pid)
{
	int rc = write(h->down[1], "g", 1) == 1 ? exit_status(pid) : -1;

	close(h->up[0]);
	close(h->up[1]);
	close(h->down[0]);
	close(h->down[1]);
	return rc;
}

/* In CG_CHILD: zswap part, then disk part; moves to CG_SIBLING, verifies. */
static int orphan(void *arg)
{
	int *pipes = arg;
	char *zs, *disk, c;
	char pid[32];

	/* Disk first: at its memory.zswap.max zswap writes entries back */
	cg_write(CG_CHILD, "memory.zswap.max", "0");
	disk = map_fill_pageout(NPAGES, SEED + 1, true);
	cg_write(CG_CHILD, "memory.zswap.max", "max");
	zs = map_fill_pageout(NPAGES, SEED, false);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (!zs || !disk || cg_write(CG_SIBLING, "cgroup.procs", pid))
		return 2;
	if (write(pipes[1], "m", 1) != 1 || read(pipes[2], &c, 1) != 1)
		return 2;
	if (check_range(zs, NPAGES, SEED, false) ||
	    check_range(disk, NPAGES, SEED + 1, true))
		return 1;
	return 0;
}

static void test_swapoff_under_writer(void)
{
	struct writer_ctl *ctl = shared_result(sizeof(*ctl));
	long long min0 = -1, maj0 = -1, min1 = -1, maj1 = -1, phys0, cached0, usecs;
	long long pswpin0, pswpin1;
	long p0, p1, p_end;
	int ret, rc, round1, waited;
	struct timespec t0, t1;
	bool faults;
	pid_t pid;

	pid = spawn_in(CG_DISK, writer, ctl);
	for (waited = 0; !__atomic_load_n(&ctl->ready, __ATOMIC_ACQUIRE); waited++) {
		if (waited > 300 * 100 || waitpid(pid, NULL, WNOHANG) == pid)
			ksft_exit_fail_msg("the writer did not get to round 2\n");
		usleep(10000);
	}
	/*
	 * Its range is on the swapfile now, and still in the swap cache once
	 * written: reclaim drops it from there, so that the writer's faults
	 * and swapoff both have to read the disk.
	 */
	for (waited = 0; waited < 50 && vswap_stat("cached") > 0; waited++) {
		cg_reclaim(CG_DISK, "16M");
		usleep(100000);
	}
	phys0 = vswap_stat("phys");
	cached0 = vswap_stat("cached");
	faults = !proc_faults(pid, &min0, &maj0);
	pswpin0 = vmstat("pswpin");
	__atomic_store_n(&ctl->go, 1, __ATOMIC_RELEASE);
	p0 = __atomic_load_n(&ctl->progress, __ATOMIC_ACQUIRE);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = swapoff(swapfile);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	p1 = __atomic_load_n(&ctl->progress, __ATOMIC_ACQUIRE);
	pswpin1 = vmstat("pswpin");
	faults = !proc_faults(pid, &min1, &maj1) && faults;
	round1 = __atomic_load_n(&ctl->round, __ATOMIC_ACQUIRE);
	if (ret)
		ksft_print_msg("swapoff %s: %s\n", swapfile, strerror(errno));
	/* Two more rounds: one written, paged out (nowhere now) and verified after swapoff */
	__atomic_store_n(&ctl->stop, round1 + 2, __ATOMIC_RELEASE);
	rc = exit_status(pid);
	p_end = ctl->progress;
	usecs = (t1.tv_sec - t0.tv_sec) * 1000000LL + (t1.tv_nsec - t0.tv_nsec) / 1000;
	ksft_print_msg("swapoff: %lld.%06lld s; when it started %lld pages of the writer on disk, %lld of them in the swap cache; pswpin +%lld meanwhile\n",
		       usecs / 1000000, usecs % 1000000, phys0, cached0, pswpin1 - pswpin0);
	ksft_print_msg("writer while swapoff ran: %ld pages verified or rewritten (round %d -> %d), %lld minor + %lld major faults; %ld pages after, %ld bad in all\n",
		       p1 - p0, 2, round1, min1 - min0, maj1 - maj0, p_end - p1, ctl->bad);
	ksft_test_result(ret == 0 && phys0 >= (long long)NPAGES / 2 && cached0 < phys0 &&
			 pswpin1 > pswpin0,
			 "swapoff of the swapfile holding the writer's range (%lld pages, %lld read meanwhile) succeeds\n",
			 phys0, pswpin1 - pswpin0);
	ksft_test_result(p1 > p0 && faults && min1 + maj1 > min0 + maj0,
			 "the writer made progress while swapoff ran: %ld pages, %lld faults\n",
			 p1 - p0, min1 + maj1 - min0 - maj0);
	ksft_test_result(rc == 0 && !ctl->bad && p_end - p1 >= (long)NPAGES,
			 "the writer never read a page back wrong, before, during and after swapoff (status %d)\n",
			 rc);
	munmap(ctl, sizeof(*ctl));
}

static void test_mixed_device(void)
{
	struct holder hv, hd;
	int vtype, dtype, rv, rd, ret;
	pid_t pv, pd;

	vswap_set_enabled(true);
	pv = start_holder(&hv, CG_DISK, SEED + 10, &vtype);
	vswap_set_enabled(false);
	pd = start_holder(&hd, CG_DISK, SEED + 20, &dtype);
	vswap_set_enabled(true);
	ksft_print_msg("vswap on: swap type %d, phys %lld; vswap off: swap type %d\n",
		       vtype, vswap_stat("phys"), dtype);
	ksft_test_result(vtype >= 0 && dtype >= 0 && vtype != dtype &&
			 vswap_stat("phys") >= (long long)NPAGES,
			 "one swapfile holds slots behind virtual ones and direct slots\n");
	ret = swapoff(swapfile);
	if (ret)
		ksft_print_msg("swapoff %s: %s\n", swapfile, strerror(errno));
	ksft_test_result(ret == 0 && vswap_stat("phys") == 0,
			 "swapoff of it succeeds, no disk slot left behind virtual ones\n");
	rv = finish_holder(&hv, pv);
	rd = finish_holder(&hd, pd);
	ksft_test_result(rv == 0 && rd == 0,
			 "both processes read their data back intact (%d, %d)\n", rv, rd);
}

static void test_removed_cgroup(void)
{
	long long slots0 = vswap_stat("slots"), phys0 = vswap_stat("phys");
	long long zswap0 = vswap_stat("zswap"), slots1, phys1, swap1;
	int pipes[4], rc;
	bool drained;
	char c;
	pid_t pid;

	if (cg_create(CG_PARENT) ||
	    write_file(CGROUP_ROOT "/" CG_PARENT "/cgroup.subtree_control", "+memory") ||
	    cg_create(CG_CHILD) || cg_create(CG_SIBLING))
		ksft_exit_fail_msg("cannot set up %s\n", CG_CHILD);
	if (pipe(pipes) || pipe(pipes + 2))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	pid = spawn_in(CG_CHILD, orphan, pipes);
	if (read(pipes[0], &c, 1) != 1)
		ksft_exit_fail_msg("the child did not page out\n");
	ksft_print_msg("before rmdir: slots +%lld, zswap +%lld, phys +%lld, parent swap.current %lld\n",
		       vswap_stat("slots") - slots0, vswap_stat("zswap") - zswap0,
		       vswap_stat("phys") - phys0, cg_read_ll(CG_PARENT, "memory.swap.current"));
	ksft_test_result(vswap_stat("zswap") - zswap0 >= (long long)NPAGES &&
			 vswap_stat("phys") - phys0 >= (long long)NPAGES &&
			 cg_destroy(CG_CHILD) == 0,
			 "the cgroup is removed with its pages on disk and in zswap\n");
	rc = write(pipes[3], "g", 1) == 1 ? exit_status(pid) : -1;
	ksft_test_result(rc == 0, "its process, moved to a sibling, reads them all back (%d)\n", rc);
	drained = wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_LE, slots0,
				 WAIT_TRIES, NULL, &slots1);
	drained &= wait_for_value("vswap phys", read_vswap_stat, "phys", WAIT_EQ, phys0,
				  WAIT_TRIES, NULL, &phys1);
	drained &= wait_for_value("parent memory.swap.current", read_cg_counter,
				  &(struct cg_counter){ CG_PARENT, "memory.swap.current", NULL },
				  WAIT_EQ, 0, WAIT_TRIES, NULL, &swap1);
	ksft_print_msg("after exit: slots %lld (was %lld), phys %lld (was %lld), parent swap.current %lld\n",
		       slots1, slots0, phys1, phys0, swap1);
	ksft_test_result(drained,
			 "slots, disk slots and the parent's memory.swap.current back to baseline\n");
	cg_destroy(CG_SIBLING);
	cg_destroy(CG_PARENT);
}

static void add_swapfile(void)
{
	if (swapfile_add(swapfile, 256 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
}

int main(void)
{
	ksft_print_header();
	ksft_set_plan(9);
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	vswap_test_setup(CG_DISK);
	if (cg_write(CG_DISK, "memory.zswap.max", "0"))
		ksft_exit_fail_msg("cannot set memory.zswap.max of %s\n", CG_DISK);
	snprintf(swapfile, sizeof(swapfile), "%s/swapoff.swap", scratch_dir());

	add_swapfile();
	test_swapoff_under_writer();
	unlink(swapfile);

	add_swapfile();
	test_mixed_device();
	unlink(swapfile);

	add_swapfile();
	test_removed_cgroup();
	swapfile_remove(swapfile);

	cg_destroy(CG_DISK);
	zswap_restore();
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * zswap through virtual swap slots with no swap device at all:
 *
 *  - 256M of patterned pages under memory.max=64M complete bit-exact,
 *    zswpout moves, the virtual device holds slots while the data is out
 *    and nothing afterwards, and free(1) still says there is no swap;
 *  - zero-filled pages are recorded as zero slots, not stored in zswap;
 *  - MADV_PAGEOUT of N pages moves exactly N pages into virtual slots;
 *  - incompressible data beyond memory.max is rejected by zswap, kept in
 *    memory or OOM-killed as without swap, never corrupted or leaked.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_noswap"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

struct job {
	size_t size;
	int mode;		/* 0 patterned, 1 zero, 2 random */
	int up[2], down[2];	/* child -> parent "written", parent -> child "go on" */
};

/* Write the working set, report, wait for the parent, verify. */
static int worker(void *arg)
{
	struct job *job = arg;
	size_t npages = job->size / PAGE_SZ, i, bad = 0;
	char *buf, c = 'w';

	buf = mmap(NULL, job->size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	if (job->mode == 1) {
		/* A write fault allocates a real, zero-filled page */
		for (i = 0; i < npages; i++)
			((volatile char *)buf)[i * PAGE_SZ] = 0;
	} else {
		fill_range(buf, npages, 7, job->mode == 2);
	}
	if (write(job->up[1], &c, 1) != 1 || read(job->down[0], &c, 1) != 1)
		return 2;
	if (job->mode == 1) {
		for (i = 0; i < npages; i++) {
			const unsigned long *w = (const void *)(buf + i * PAGE_SZ);
			size_t k;

			for (k = 0; k < PAGE_SZ / sizeof(*w); k++)
				if (w[k]) {
					bad++;
					break;
				}
		}
	} else {
		bad = check_range(buf, npages, 7, job->mode == 2);
	}
	if (bad)
		ksft_print_msg("%zu of %zu pages differ\n", bad, npages);
	return bad ? 1 : 0;
}

/*
 * Run a worker in CG, call @probe while its data is written (and mostly
 * swapped out), then let it verify. Returns the worker's status.
 */
static int run_job(struct job *job, void (*probe)(void *), void *parg)
{
	int status;
	pid_t pid;
	char c;

	if (pipe(job->up) || pipe(job->down))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(job->up[0]);
		close(job->down[1]);
		if (cg_enter(CG, getpid()))
			_exit(125);
		_exit(worker(job));
	}
	close(job->up[1]);
	close(job->down[0]);
	if (read(job->up[0], &c, 1) == 1) {
		probe(parg);
		if (write(job->down[1], &c, 1) != 1)
			ksft_print_msg("cannot resume the worker\n");
	}
	close(job->up[0]);
	close(job->down[1]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

struct sample {
	long long slots, zswap, zero, clusters, stored;
	long long cg_zswap, cg_zero;	/* memory.stat vswap_zswap, vswap_zero, in pages */
};

static long long zswap_stored_pages(void)
{
	char buf[64];

	if (read_file("/sys/kernel/debug/zswap/stored_pages", buf, sizeof(buf)) < 0)
		return -1;
	return atoll(buf);
}

static void take_sample(void *arg)
{
	struct sample *s = arg;

	s->slots = vswap_stat("slots");
	s->zswap = vswap_stat("zswap");
	s->zero = vswap_stat("zero");
	s->clusters = vswap_stat("clusters");
	s->stored = zswap_stored_pages();
	/* memory.stat reports them in bytes */
	s->cg_zswap = cg_stat(CG, "vswap_zswap") / (long long)PAGE_SZ;
	s->cg_zero = cg_stat(CG, "vswap_zero") / (long long)PAGE_SZ;
	ksft_print_msg("during: slots %lld zswap %lld zero %lld clusters %lld, zswap stored_pages %lld, memory.stat vswap_zswap %lld vswap_zero %lld\n",
		       s->slots, s->zswap, s->zero, s->clusters, s->stored, s->cg_zswap, s->cg_zero);
}

static int set_limit(const char *val)
{
	return cg_write(CG, "memory.max", val);
}

static void test_patterned(void)
{
	struct job job = { .size = 256 * MB, .mode = 0 };
	long long base_clusters, base_slots, base_zswap, zswpout, swaptotal;
	long long cg_zswap_after, slots_after, clusters_after;
	struct sample s;
	int ret, nswaps;
	char buf[4096];
	bool drained;

	/* Pages of processes outside the test may sit in virtual slots too */
	base_clusters = vswap_stat("clusters");
	base_slots = vswap_stat("slots");
	base_zswap = vswap_stat("zswap");
	set_limit("64M");
	ret = run_job(&job, take_sample, &s);
	zswpout = cg_stat(CG, "zswpout");
	swaptotal = meminfo_kb("SwapTotal");
	nswaps = 0;
	if (read_file("/proc/swaps", buf, sizeof(buf)) > 0)
		for (char *p = buf; (p = strchr(p, '\n')) && p[1]; p++)
			nswaps++;

	ksft_test_result(ret == 0, "256M patterned under memory.max=64M, no swap device: bit-exact\n");
	ksft_test_result(zswpout > 0, "memory.stat zswpout > 0 (%lld)\n", zswpout);
	ksft_test_result(nswaps == 0 && swaptotal == 0,
			 "/proc/swaps empty (%d devices) and SwapTotal 0 (%lld kB)\n", nswaps, swaptotal);
	ksft_test_result(s.slots > 0 && s.zswap > 0,
			 "virtual slots in use while the data is out (%lld, %lld in zswap)\n",
			 s.slots, s.zswap);
	drained = wait_for_value("memory.stat vswap_zswap", read_cg_counter,
				 &(struct cg_counter){ CG, NULL, "vswap_zswap" }, WAIT_EQ, 0,
				 WAIT_TRIES, NULL, &cg_zswap_after);
	ksft_test_result(s.cg_zswap == s.zswap - base_zswap && drained,
			 "memory.stat vswap_zswap: %lld while out (device: %lld above its %lld before), 0 after (%lld)\n",
			 s.cg_zswap, s.zswap - base_zswap, base_zswap, cg_zswap_after);
	drained = wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_EQ, base_slots,
				 WAIT_TRIES, NULL, &slots_after);
	drained &= wait_for_value("vswap clusters", read_vswap_stat, "clusters", WAIT_EQ,
				  base_clusters, WAIT_TRIES, NULL, &clusters_after);
	ksft_test_result(drained,
			 "after exit: slots back to %lld, clusters to %lld (%lld, %lld)\n",
			 base_slots, base_clusters, slots_after, clusters_after);
}

static void test_zero(void)
{
	struct job job = { .size = 128 * MB, .mode = 1 };
	long long before = zswap_stored_pages(), base_zero = vswap_stat("zero"), zero_want;
	long long cg_zero_after;
	struct sample s;
	bool drained;
	int ret;

	set_limit("32M");
	ret = run_job(&job, take_sample, &s);
	/* At least the part beyond the limit (96M) went out as zero slots */
	zero_want = (long long)(96 * MB / PAGE_SZ) * 9 / 10;
	ksft_test_result(ret == 0, "128M of zero pages under memory.max=32M read back as zeros\n");
	ksft_test_result(s.zero - base_zero >= zero_want, "zero slots counted (%lld >= %lld)\n",
			 s.zero - base_zero, zero_want);
	drained = wait_for_value("memory.stat vswap_zero", read_cg_counter,
				 &(struct cg_counter){ CG, NULL, "vswap_zero" }, WAIT_EQ, 0,
				 WAIT_TRIES, NULL, &cg_zero_after);
	ksft_test_result(s.cg_zero == s.zero - base_zero && drained,
			 "memory.stat vswap_zero: %lld while out (device: %lld above its %lld before), 0 after (%lld)\n",
			 s.cg_zero, s.zero - base_zero, base_zero, cg_zero_after);
	ksft_test_result(s.stored >= 0 && s.stored - before < 256,
			 "the zswap pool did not grow by them (%lld -> %lld pages)\n", before, s.stored);
}

static int pageout_exact(void *arg)
{
	size_t n = *(size_t *)arg, bad;
	long long slots0, zswap0, slots1, zswap1;
	char *buf;

	buf = mmap(NULL, n * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	madvise(buf, n * PAGE_SZ, MADV_NOHUGEPAGE);
	fill_range(buf, n, 11, false);
	slots0 = vswap_stat("slots");
	zswap0 = vswap_stat("zswap");
	if (madvise(buf, n * PAGE_SZ, MADV_PAGEOUT))
		return 2;
	slots1 = vswap_stat("slots");
	zswap1 = vswap_stat("zswap");
	ksft_print_msg("MADV_PAGEOUT of %zu pages: slots +%lld, zswap +%lld\n", n,
		       slots1 - slots0, zswap1 - zswap0);
	bad = check_range(buf, n, 11, false);
	if (bad)
		ksft_print_msg("%zu pages differ\n", bad);
	return (slots1 - slots0 != (long long)n || zswap1 - zswap0 != (long long)n) | (bad ? 2 : 0);
}

static void test_pageout(void)
{
	size_t n = 1000;
	int ret;

	set_limit("max");
	ret = run_in_cgroup(CG, pageout_exact, &n);
	ksft_test_result(ret >= 0 && ret < 4 && !(ret & 1),
			 "MADV_PAGEOUT of %zu pages: exactly %zu virtual slots, all in zswap\n", n, n);
	ksft_test_result(ret >= 0 && ret < 4 && !(ret & 2), "the paged-out range reads back intact\n");
}

static void no_probe(void *arg)
{
	(void)arg;
}

/*
 * Wait until the cgroup's virtual slots are released and the device holds
 * no more than before. Folios a killed task left in the swap cache (it
 * could not lock them at exit) keep their slots until reclaim meets them,
 * as with any swap device: nudge reclaim of the cgroup itself.
 */
static bool slots_drain(long long baseline)
{
	bool ok;

	ok = wait_for_value("memory.swap.current", read_cg_counter,
			    &(struct cg_counter){ CG, "memory.swap.current", NULL }, WAIT_EQ, 0,
			    WAIT_TRIES, CG, NULL);
	ok &= wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_LE, baseline,
			     WAIT_TRIES, CG, NULL);
	if (!ok)
		ksft_print_msg("still in use: slots %lld (cached %lld, zswap %lld, zero %lld), baseline %lld\n",
			       vswap_stat("slots"), vswap_stat("cached"), vswap_stat("zswap"),
			       vswap_stat("zero"), baseline);
	return ok;
}

static void test_incompressible(void)
{
	struct job job = { .size = 128 * MB, .mode = 2 };
	long long rej0 = vswap_stat("backend_reject"), oom0, oom1, rej1;
	long long baseline = vswap_stat("slots");
	int ret;

	set_limit("64M");
	oom0 = cg_event(CG, "oom_kill");
	ret = run_job(&job, no_probe, NULL);
	oom1 = cg_event(CG, "oom_kill");
	rej1 = vswap_stat("backend_reject");
	ksft_print_msg("incompressible 128M under 64M: worker status %d, oom_kill %lld -> %lld, backend_reject %lld -> %lld\n",
		       ret, oom0, oom1, rej0, rej1);
	/* Killed by the OOM killer as with no swap, or completed intact */
	ksft_test_result((ret == 128 + SIGKILL && oom1 > oom0) || ret == 0,
			 "no corruption: OOM-killed or intact\n");
	ksft_test_result(rej1 > rej0, "zswap rejects of virtual slots counted\n");
	ksft_test_result(slots_drain(baseline), "the cgroup's slots are released afterwards\n");
}

int main(void)
{
	ksft_print_header();
	if (vswap_stat("slots") < 0)
		ksft_exit_fail_msg("no /sys/kernel/mm/vswap/stat\n");
	ksft_set_plan(15);

	vswap_test_setup(CG);

	test_patterned();
	test_zero();
	test_pageout();
	test_incompressible();

	cg_destroy(CG);
	zswap_restore();
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The checksummed stress: several processes in several cgroups keep a
 * working set several times their memory.max, every page stamped with its
 * index and a generation number, while everything that can move a swapped
 * page happens in parallel:
 *
 *  - workers: random reads (each page checked bit-exact against what was
 *    last written), random writes (a new generation), MADV_PAGEOUT of
 *    random ranges, fork with the child checking the parent's pages
 *    through COW and writing its own; half of them on MADV_HUGEPAGE memory
 *    with 64K mTHP on;
 *  - reclaim: memory.reclaim of random cgroups, memory.zswap.max lowered
 *    and lifted (zswap writeback to disk);
 *  - swap devices: /dev/vdb (small, the highest priority, so it stays
 *    more than half full and the allocator's full-device path runs)
 *    swapped off and on again in a cycle, a swapfile on the scratch disk
 *    always on; a swapoff still running at the stop is interrupted
 *    (SIGUSR1) if an earlier one completed, which puts the device back
 *    with its pages;
 *  - cgroups created, made to swap tmpfs pages, and removed while those
 *    pages are still swapped; the pages are read back afterwards;
 *  - swap policy: the default policy loaded and unloaded with vswapctl, a
 *    test policy loaded and made to eject itself;
 *  - /sys/kernel/mm/vswap/enabled toggled.
 *
 * Unless VSWAP_STRESS_INJECT=0, the middle third of the run also has the
 * kernel's fault injection on: failslab and fail_page_alloc limited to
 * allocations with mm/vswap.o's code on the stack (the virtual device's
 * clusters and tables, the zswap and swap-table allocations it makes), and
 * fail_make_request on /dev/vdb.  A page whose read failed is poisoned: it
 * raises SIGBUS, and is counted as lost; it must be one the kernel counted
 * as a read error.  No other page may differ.
 *
 * At the end the workers pause while the actors stop (a last swapoff
 * finishes undisturbed), then every page is checked, everything exits, and
 * the virtual swap counters must return to where they started.
 *
 *   test_vswap_stress [-d SECONDS] [-s MIB-PER-WORKER] [-n]
 *
 * Defaults: VSWAP_STRESS_SECS or 120 s, VSWAP_STRESS_MIB or 80 MiB; -n: no
 * fault injection.  The default duration, the actors' 400 s to stop and
 * the workers' 900 s to check their pages are multiplied by
 * VSWAP_TIME_SCALE (time_scale()): a slower kernel gets as much work done.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest.h"
#include "vswap_util.h"
#include "vswap_libbpf.h"
#include "vswap_test_plain.skel.h"

#define CG_TOP		"vswap_stress"
#define NCG		3
#define NWORKERS	(2 * NCG)
#define CG_MAX		"32M"
#define SMALL_DEV	"/dev/vdb"
#define SMALL_PRIO	10
#define SWAPFILE_SIZE	(768 * MB)
#define TMPDIR		"/tmp/vswap_stress"
#define SHM_PAGES	(8 * MB / PAGE_SZ)
#define MAGIC		0x76737761707374ULL	/* "vswapst" */
#define MAX_REPORTS	5
#define SHRINKER	"/sys/module/zswap/parameters/shrinker_enabled"

struct wstat {
	long long verified, written, mismatched, lost, pageouts;
	long long forks, child_verified, child_bad, child_lost, child_died;
	long long final_verified;
	int done, exit_sig;
};

/* Shared by every process of the run (MAP_SHARED anonymous memory) */
struct shared {
	volatile int stop;		/* the actors stop, the workers pause */
	volatile int stop_workers;	/* the workers check everything and exit */
	volatile int inject_started;	/* fault injection has been switched on */
	volatile int swapoff_busy;	/* /dev/vdb is being swapped off, or just came back */
	long long lost_early;		/* pages lost before that */
	struct wstat w[NWORKERS];
	long long reclaims, zswap_max_changes, toggles;
	long long swapoffs, swapoff_failed, swapons, swapon_failed;
	long long swapoff_interrupted;	/* by the stop (SIGUSR1), the device left on */
	long long fill_samples, fill_over_half, fill_max_pct;
	long long pol_loads, pol_unloads, pol_ejections, pol_errors;
	long long cg_created, cg_removed, cg_removed_swapped_kb, cg_pages;
	long long cg_mismatched, cg_lost, cg_errors;
	int ballast_checked;
	int reports;
};

static struct shared *sh;
static double t_start;		/* when the workers started: messages say "at N s" */
static int stress_secs;
static size_t ws_pages = 80 * MB / PAGE_SZ;

/* ------------------------------------------------------------------ pages */

static inline uint64_t mix(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t x = a * 0x9e3779b97f4a7c15ULL ^ (b + 0x632be59bd9b4e019ULL) * 0xbf58476d1ce4e5b9ULL ^
		     (c + 1) * 0x94d049bb133111ebULL;

	x ^= x >> 31;
	x *= 0xd6e8feb86659fd93ULL;
	return x ^ (x >> 32);
}

enum { KIND_ZERO, KIND_RANDOM, KIND_TEXT };

/* What page @i of owner @who holds at generation @gen: 1/8 zero, 1/4 random, the rest compressible */
static int page_kind(uint64_t who, uint64_t i, uint32_t gen)
{
	unsigned int k = mix(who, i, gen) & 7;

	return k == 0 ? KIND_ZERO : k <= 2 ? KIND_RANDOM : KIND_TEXT;
}

static void page_make(void *page, uint64_t who, uint64_t i, uint32_t gen)
{
	uint64_t *w = page, x = mix(who, i, gen) | 1;
	size_t k;

	switch (page_kind(who, i, gen)) {
	case KIND_ZERO:
		memset(page, 0, PAGE_SZ);
		return;
	case KIND_RANDOM:
		for (k = 4; k < PAGE_SZ / 8; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			w[k] = x;
		}
		break;
	default:
		for (k = 4; k < PAGE_SZ / 8; k++)
			w[k] = (k & 7) ? k : x;
		break;
	}
	w[0] = MAGIC;
	w[1] = who;
	w[2] = i;
	w[3] = gen;
}

/*
 * Where a SIGBUS of the access being checked returns to. volatile: the
 * stores around an inlined memcmp()/memcpy() must not be dropped as dead.
 */
static sigjmp_buf *volatile bus_jb;

/* The memory a SIGBUS outside the checked accesses may be in, for the report */
static const void *diag_mem, *diag_gen;
static size_t diag_mem_len, diag_gen_len;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char msg[256];
	const char *in = "elsewhere";
	int n;

	(void)sig; (void)uc;
	if (bus_jb)
		siglongjmp(*bus_jb, 1);
	if (diag_mem && (char *)si->si_addr >= (char *)diag_mem &&
	    (char *)si->si_addr < (char *)diag_mem + diag_mem_len)
		in = "the working set, outside a checked access";
	else if (diag_gen && (char *)si->si_addr >= (char *)diag_gen &&
		 (char *)si->si_addr < (char *)diag_gen + diag_gen_len)
		in = "the generations (locked)";
	n = snprintf(msg, sizeof(msg), "# pid %d: SIGBUS (code %d) at %p, in %s\n", getpid(),
		     si->si_code, si->si_addr, in);
	if (n > 0 && write(STDOUT_FILENO, msg, n) < 0)
		n = 0;
	signal(SIGBUS, SIG_DFL);
	raise(SIGBUS);
}

enum { PAGE_OK, PAGE_BAD, PAGE_LOST };

/*
 * Compare @page with what it should hold; a SIGBUS on the access (a
 * poisoned page: its swap-in read failed) is PAGE_LOST.
 */
static int page_check(const char *what, const void *page, uint64_t who, uint64_t i, uint32_t gen)
{
	static char want[PAGE_SZ];
	volatile int rc = PAGE_OK;
	sigjmp_buf jb;

	page_make(want, who, i, gen);
	if (sigsetjmp(jb, 1)) {
		rc = PAGE_LOST;
		if (!sh->inject_started)
			__sync_fetch_and_add(&sh->lost_early, 1);
	} else {
		bus_jb = &jb;
		if (memcmp(page, want, PAGE_SZ))
			rc = PAGE_BAD;
	}
	bus_jb = NULL;
	if (rc == PAGE_BAD && __sync_fetch_and_add(&sh->reports, 1) < MAX_REPORTS) {
		const uint64_t *w = page;
		size_t k, diff = 0;

		for (k = 0; k < PAGE_SZ / 8; k++)
			diff += w[k] != ((uint64_t *)want)[k];
		ksft_print_msg("MISMATCH %s page %llu: want gen %u (kind %d); holds magic %#llx owner %llu index %llu gen %llu; %zu of 512 words differ\n",
			       what, (unsigned long long)i, gen, page_kind(who, i, gen),
			       (unsigned long long)w[0], (unsigned long long)w[1],
			       (unsigned long long)w[2], (unsigned long long)w[3], diff);
	}
	return rc;
}

/* Write generation @gen of page @i; false when the access raised SIGBUS */
static bool page_write(void *page, uint64_t who, uint64_t i, uint32_t gen)
{
	static char buf[PAGE_SZ];
	volatile bool ok = true;
	sigjmp_buf jb;

	page_make(buf, who, i, gen);
	if (sigsetjmp(jb, 1)) {
		ok = false;
	} else {
		bus_jb = &jb;
		memcpy(page, buf, PAGE_SZ);
	}
	bus_jb = NULL;
	return ok;
}

/* A poisoned page is dropped and written afresh */
static void page_renew(char *page, uint64_t who, uint64_t i, uint32_t *gen)
{
	madvise(page, PAGE_SZ, MADV_DONTNEED);
	(*gen)++;
	if (!page_write(page, who, i, *gen))
		ksft_print_msg("page %llu: SIGBUS after MADV_DONTNEED\n", (unsigned long long)i);
}

static uint64_t rnd_state;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ----------------------------------------------------------------- workers */

struct worker {
	int id;
	char *mem;
	uint32_t *gen;
	struct wstat *st;
	char what[32];
};

static void check_one(struct worker *w, size_t i, long long *verified, long long *bad,
		      long long *lost)
{
	switch (page_check(w->what, w->mem + i * PAGE_SZ, w->id, i, w->gen[i])) {
	case PAGE_BAD:
		(*bad)++;
		break;
	case PAGE_LOST:
		(*lost)++;
		page_renew(w->mem + i * PAGE_SZ, w->id, i, &w->gen[i]);
		break;
	}
	(*verified)++;
}

/* The child of a fork: the parent's pages as they were, through COW */
/*
 * A read the injection fails loses the page it was for: the working set
 * and the tmpfs files are checked for that, but the test's own memory
 * (the generations, the stack, libc's data, the shared statistics) must
 * not be lost, so it is locked in memory; the working set is not.
 */
static void lock_own_memory(void *except, size_t len)
{
	if (mlockall(MCL_CURRENT | MCL_ONFAULT))
		ksft_print_msg("mlockall: %s\n", strerror(errno));
	if (except && munlock(except, len))
		ksft_print_msg("munlock: %s\n", strerror(errno));
}

static int worker_child(struct worker *w)
{
	long long verified = 0, bad = 0, lost = 0;
	size_t k, i, start, len;

	/* memory locks are not inherited */
	lock_own_memory(w->mem, ws_pages * PAGE_SZ);

	snprintf(w->what, sizeof(w->what), "worker %d child", w->id);
	for (k = 0; k < 256; k++)
		check_one(w, rnd() % ws_pages, &verified, &bad, &lost);
	/* its own writes, swapped out and back */
	start = rnd() % (ws_pages - 256);
	for (i = start; i < start + 256; i++)
		if (page_write(w->mem + i * PAGE_SZ, w->id, i, w->gen[i] + 1000))
			w->gen[i] += 1000;
	madvise(w->mem + start * PAGE_SZ, 256 * PAGE_SZ, MADV_PAGEOUT);
	for (i = start; i < start + 256; i++)
		check_one(w, i, &verified, &bad, &lost);
	len = ws_pages / 32;
	start = rnd() % (ws_pages - len);
	for (i = start; i < start + len; i++)
		check_one(w, i, &verified, &bad, &lost);
	__sync_fetch_and_add(&w->st->child_verified, verified);
	__sync_fetch_and_add(&w->st->child_lost, lost);
	__sync_fetch_and_add(&w->st->child_bad, bad);
	return bad ? 1 : 0;
}

static void reap(struct worker *w, bool block)
{
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, block ? 0 : WNOHANG)) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
			w->st->child_died++;
			ksft_print_msg("worker %d: child %d %s %d\n", w->id, pid,
				       WIFSIGNALED(status) ? "killed by signal" : "exit status",
				       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		}
}

static int worker_main(void *arg)
{
	struct worker *w = arg;
	size_t len = ws_pages * PAGE_SZ, i, k, n;
	double next_fork;

	rnd_state = mix(w->id, getpid(), 7) | 1;
	snprintf(w->what, sizeof(w->what), "worker %d", w->id);
	w->gen = calloc(ws_pages, sizeof(*w->gen));
	lock_own_memory(NULL, 0);
	w->mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (w->mem == MAP_FAILED || !w->gen) {
		ksft_print_msg("worker %d: no memory for %zu pages\n", w->id, ws_pages);
		return 2;
	}
	diag_mem = w->mem;
	diag_mem_len = len;
	diag_gen = w->gen;
	diag_gen_len = ws_pages * sizeof(*w->gen);
	/* Odd workers: THP where it can be (2M on madvise, 64K always) */
	madvise(w->mem, len, (w->id & 1) ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
	for (i = 0; i < ws_pages; i++) {
		w->gen[i] = 1;
		if (!page_write(w->mem + i * PAGE_SZ, w->id, i, 1))
			return 2;
	}
	w->st->written += ws_pages;
	next_fork = now() + 2;
	while (!sh->stop) {
		unsigned int op = rnd() % 1000;

		i = rnd() % ws_pages;
		if (op < 450) {
			check_one(w, i, &w->st->verified, &w->st->mismatched, &w->st->lost);
		} else if (op < 800) {
			if (page_write(w->mem + i * PAGE_SZ, w->id, i, w->gen[i] + 1)) {
				w->gen[i]++;
				w->st->written++;
			} else {
				w->st->lost++;
				page_renew(w->mem + i * PAGE_SZ, w->id, i, &w->gen[i]);
			}
		} else if (op < 980) {
			n = 64;
			i = i > ws_pages - n ? ws_pages - n : i;
			for (k = i; k < i + n; k++)
				check_one(w, k, &w->st->verified, &w->st->mismatched, &w->st->lost);
		} else {
			n = 1 + rnd() % 1024;
			i = i > ws_pages - n ? ws_pages - n : i;
			if (!madvise(w->mem + i * PAGE_SZ, n * PAGE_SZ, MADV_PAGEOUT))
				w->st->pageouts++;
		}
		if (now() >= next_fork) {
			pid_t pid;

			fflush(stdout);
			pid = fork();
			if (pid == 0)
				_exit(worker_child(w));
			if (pid > 0)
				w->st->forks++;
			next_fork = now() + 2 + rnd() % 3;
		}
		reap(w, false);
	}
	reap(w, true);
	/*
	 * Quiet while the actors stop: a swapoff still running brings every
	 * page back charged to a cgroup at its limit, and with the workers
	 * faulting and reclaiming beside it a slow kernel's swapoff read a
	 * few KiB a minute and missed its stop limit.
	 */
	while (!sh->stop_workers)
		sleep_ms(100);
	/* Everything, once more */
	for (i = 0; i < ws_pages; i++)
		check_one(w, i, &w->st->final_verified, &w->st->mismatched, &w->st->lost);
	w->st->done = 1;
	return 0;
}

/* ------------------------------------------------------------------ actors */

static char cgpath[NCG][64];

static void sample_fill(void);

/* What swap looks like, when something went wrong */
static void show_state(const char *cg)
{
	static const char *const keys[] = { "anon", "shmem", "zswap", "zswapped", "swapcached",
					    "pswpout", "zswpout", "unevictable" };
	char buf[4096];
	size_t k;

	if (read_file("/proc/swaps", buf, sizeof(buf)) >= 0)
		ksft_print_msg("/proc/swaps:\n%s", buf);
	if (read_file("/sys/kernel/mm/vswap/stat", buf, sizeof(buf)) >= 0)
		ksft_print_msg("vswap/stat: %s", buf);
	if (cg) {
		ksft_print_msg("%s: memory.current %lld, swap.current %lld, zswap.current %lld, events oom %lld;",
			       cg, cg_read_ll(cg, "memory.current"), cg_read_ll(cg, "memory.swap.current"),
			       cg_read_ll(cg, "memory.zswap.current"), cg_event(cg, "oom"));
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			printf(" %s %lld", keys[k], cg_stat(cg, keys[k]));
		printf("\n");
	}
}

static void actor_reclaim(void)
{
	double next_zmax = now() + 3;
	char path[128];
	int i;

	while (!sh->stop) {
		i = rnd() % NCG;
		if (!cg_reclaim(cgpath[i], "4M"))
			sh->reclaims++;
		if (now() >= next_zmax) {
			/* a low zswap limit writes zswap pages back to disk */
			i = rnd() % NCG;
			snprintf(path, sizeof(path), "%s", (rnd() & 1) ? "2M" : "max");
			if (!cg_write(cgpath[i], "memory.zswap.max", path))
				sh->zswap_max_changes++;
			next_zmax = now() + 2 + rnd() % 3;
		}
		sleep_ms(200 + rnd() % 300);
	}
	for (i = 0; i < NCG; i++)
		cg_write(cgpath[i], "memory.zswap.max", "max");
}

static void sample_fill(void)
{
	long long used = swaps_used(SMALL_DEV, NULL);
	long long size = 64 * 1024 - 4;	/* KiB, less the header */
	char buf[8192], name[256], *l, *save = NULL;
	long long sz, u;

	static bool filled;

	/*
	 * How full it is kept matters while it is on, not while it drains or
	 * refills, nor before the workers and the ballast first filled it
	 */
	if (used < 0 || sh->swapoff_busy)
		return;
	if (read_file("/proc/swaps", buf, sizeof(buf)) >= 0)
		for (l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
			if (sscanf(l, "%255s %*s %lld %lld", name, &sz, &u) == 3 &&
			    !strcmp(name, SMALL_DEV))
				size = sz;
	if (!filled && used * 2 <= size)
		return;
	filled = true;
	sh->fill_samples++;
	if (used * 2 > size)
		sh->fill_over_half++;
	if (used * 100 / size > sh->fill_max_pct)
		sh->fill_max_pct = used * 100 / size;
}

/* While a swapoff runs, say how much of the disk it still has to read, once a minute */
static void swapoff_progress(void)
{
	static double last;

	if (!sh->swapoff_busy || now() - last < 60)
		return;
	last = now();
	ksft_print_msg("swapoff of %s running, %lld KiB still on it, at %.0f s\n", SMALL_DEV,
		       swaps_used(SMALL_DEV, NULL), now() - t_start);
}

static void on_sigusr1(int sig)
{
	(void)sig;	/* only to interrupt a swapoff: see actor_swap() */
}

static void actor_swap(void)
{
	struct sigaction sa = { .sa_handler = on_sigusr1 };	/* no SA_RESTART */
	int err;
	/*
	 * The first halfway through the run but at most 2 minutes in (at
	 * least 20 s), once the disk was watched full a while (20 samples);
	 * if it was not by then (a slow debug kernel), up to three quarters
	 * through the run.  Not later: a swapoff of the full disk takes
	 * several minutes under TCG, each page it brings back charged to a
	 * cgroup at its limit, and it has to end within the actors' stop
	 * limit.
	 */
	double first = stress_secs * 0.5 < 20 ? 20 : stress_secs * 0.5 > 120 ? 120 : stress_secs * 0.5;
	double earliest = now() + first, latest = now() + stress_secs * 0.75, next = 0;

	/* at the stop, main() interrupts a swapoff still running with SIGUSR1 */
	sigaction(SIGUSR1, &sa, NULL);

	while (!sh->stop) {
		if (!next && now() >= earliest && (sh->fill_samples >= 20 || now() >= latest))
			next = now();
		if (next && now() >= next) {
			sh->swapoff_busy = 1;
			err = swapoff(SMALL_DEV) ? errno : 0;
			if (err == EINTR && sh->stop) {
				/*
				 * Interrupted by the stop: the kernel puts the
				 * device back as it was, every page still on it
				 * or back in memory; the workers check them all.
				 */
				sh->swapoff_interrupted++;
				sh->swapoff_busy = 0;
				break;
			}
			if (err) {
				sh->swapoff_failed++;
				ksft_print_msg("swapoff %s: %s\n", SMALL_DEV, strerror(err));
			} else {
				sh->swapoffs++;
			}
			sleep_ms(1000);
			/* with make-it-fail on, reading the header can fail: try again */
			err = 0;
			for (int t = 0; t < 20; t++) {
				err = swapon(SMALL_DEV, SWAP_FLAG_PREFER | SMALL_PRIO) ? errno : 0;
				/* EINTR: the stop's SIGUSR1 came after the swapoff */
				if (err != EINTR && (err != EIO || !sh->inject_started))
					break;
				sleep_ms(500);
			}
			if (err) {
				sh->swapon_failed++;
				ksft_print_msg("swapon %s: %s\n", SMALL_DEV, strerror(err));
			} else {
				sh->swapons++;
			}
			/* the ballast pages out again each second */
			sleep_ms(3000);
			sh->swapoff_busy = 0;
			next = now() + 15 + rnd() % 10;
		}
		sleep_ms(250);
	}
	if (swaps_used(SMALL_DEV, NULL) < 0 && swapon(SMALL_DEV, SWAP_FLAG_PREFER | SMALL_PRIO))
		ksft_print_msg("swapon %s at the end: %s\n", SMALL_DEV, strerror(errno));
}

static int run_quiet(const char *cmd)
{
	int rc = system(cmd);

	return rc == -1 ? -1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 128;
}

static void actor_policy(void)
{
	const char *ctl = getenv("VSWAPCTL");
	char cmd[1024];
	unsigned int step = 0;

	if (!ctl) {
		ksft_print_msg("VSWAPCTL is not set: no policy cycles\n");
		sh->pol_errors++;
		return;
	}
	while (!sh->stop) {
		switch (step++ % 3) {
		case 0:
			snprintf(cmd, sizeof(cmd), "'%s' policy load default >/dev/null", ctl);
			if (run_quiet(cmd)) {
				sh->pol_errors++;
				ksft_print_msg("%s failed\n", cmd);
			} else {
				sh->pol_loads++;
			}
			break;
		case 1:
			snprintf(cmd, sizeof(cmd), "'%s' policy unload >/dev/null", ctl);
			if (run_quiet(cmd)) {
				sh->pol_errors++;
				ksft_print_msg("%s failed\n", cmd);
			} else {
				sh->pol_unloads++;
			}
			break;
		default: {
			/* A policy that fails: the kernel ejects it, the default resumes */
			struct vswap_test_plain *plain = vswap_test_plain__open_and_load();
			struct bpf_link *link;

			link = plain ? bpf_map__attach_struct_ops(plain->maps.vswap_plain) : NULL;
			if (!link) {
				sh->pol_errors++;
				ksft_print_msg("loading the test policy: %s\n", strerror(errno));
			} else {
				sh->pol_loads++;
				sleep_ms(1000 + rnd() % 1000);
				plain->bss->error_now = 1;
				if (policy_wait_state("ejected", 30))
					sh->pol_ejections++;
				else
					sh->pol_errors++;
				bpf_link__destroy(link);
			}
			vswap_test_plain__destroy(plain);
			break;
		}
		}
		sleep_ms(1500 + rnd() % 1500);
	}
	policy_read("state", cmd, sizeof(cmd));
	if (!strcmp(cmd, "enabled")) {
		snprintf(cmd, sizeof(cmd), "'%s' policy unload >/dev/null", ctl);
		run_quiet(cmd);
	}
}

static void actor_toggle(void)
{
	bool on = true;

	while (!sh->stop) {
		sleep_ms(2000 + rnd() % 2000);
		on = !on;
		if (!vswap_set_enabled(on))
			sh->toggles++;
	}
	vswap_set_enabled(true);
}

static uint64_t shm_who;

/* A cgroup's child writes a tmpfs file and swaps it out; the cgroup goes, the file is read back */
static int shm_fill(void *arg)
{
	const char *file = arg;
	size_t i, len = SHM_PAGES * PAGE_SZ;
	uint64_t who = shm_who;
	char *p;
	int fd;

	/* its own memory is not under test (locks are not inherited) */
	lock_own_memory(NULL, 0);

	fd = open(file, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, len))
		return 2;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 2;
	for (i = 0; i < SHM_PAGES; i++)
		page_write(p + i * PAGE_SZ, who, i, 1);
	madvise(p, len, MADV_PAGEOUT);
	return 0;
}

static void actor_cgroups(void)
{
	char cg[128], file[256], path[256];
	int n = 0;

	mkdir(TMPDIR, 0700);
	while (!sh->stop) {
		uint64_t who = 1000 + sh->cg_created;
		long long swapped;
		size_t i;
		char *p;
		int fd, rc, tries;

		snprintf(cg, sizeof(cg), CG_TOP "/tmp%d", n);
		snprintf(file, sizeof(file), TMPDIR "/shm%d", n++);
		if (cg_create(cg) || cg_write(cg, "memory.max", "4M")) {
			sh->cg_errors++;
			break;
		}
		sh->cg_created++;
		shm_who = who;
		rc = run_in_cgroup(cg, shm_fill, file);
		if (rc) {
			ksft_print_msg("%s: the tmpfs writer exited with %d\n", cg, rc);
			sh->cg_errors++;
			show_state(cg);
		}
		swapped = cg_read_ll(cg, "memory.swap.current") + cg_read_ll(cg, "memory.zswap.current");
		snprintf(path, sizeof(path), CGROUP_ROOT "/%s", cg);
		for (tries = 0; rmdir(path) && tries < 50; tries++)
			sleep_ms(100);
		if (tries == 50) {
			ksft_print_msg("rmdir %s: %s\n", path, strerror(errno));
			sh->cg_errors++;
		} else {
			sh->cg_removed++;
			if (swapped > 0)
				sh->cg_removed_swapped_kb += swapped / 1024;
		}
		sleep_ms(500 + rnd() % 1000);
		/* a writer that did not finish left a file that is not what it should be */
		fd = rc ? -1 : open(file, O_RDONLY);
		p = fd < 0 ? MAP_FAILED : mmap(NULL, SHM_PAGES * PAGE_SZ, PROT_READ, MAP_SHARED, fd, 0);
		if (rc) {
			;
		} else if (p == MAP_FAILED) {
			ksft_print_msg("%s: %s\n", file, strerror(errno));
			sh->cg_errors++;
		} else {
			for (i = 0; i < SHM_PAGES; i++) {
				rc = page_check(file, p + i * PAGE_SZ, who, i, 1);
				if (rc == PAGE_BAD)
					__sync_fetch_and_add(&sh->cg_mismatched, 1);
				if (rc == PAGE_LOST)
					__sync_fetch_and_add(&sh->cg_lost, 1);
			}
			__sync_fetch_and_add(&sh->cg_pages, SHM_PAGES);
			munmap(p, SHM_PAGES * PAGE_SZ);
		}
		if (fd >= 0)
			close(fd);
		unlink(file);
	}
	rmdir(TMPDIR);
}

/*
 * Ballast: 40 MiB of incompressible pages of a cgroup with no zswap,
 * paged out to the highest-priority device, /dev/vdb (64 MiB), and paged
 * out again whenever a swapoff brought them back, so that the small disk
 * stays more than half full and allocations on it take the full-device
 * path (main() samples how full it is, sample_fill()). Checks the
 * ballast at the end.
 */
#define BALLAST_PAGES	(40 * MB / PAGE_SZ)
#define BALLAST_WHO	2000

static void actor_ballast(void)
{
	size_t i, len = BALLAST_PAGES * PAGE_SZ;
	double next_pageout = 0;
	char *p;
	int rc;

	if (cg_enter(CG_TOP "/ballast", getpid())) {
		sh->cg_errors++;
		return;
	}
	/* the ballast must be swappable, the rest of the process locked */
	munlockall();
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		sh->cg_errors++;
		return;
	}
	lock_own_memory(p, len);
	madvise(p, len, MADV_NOHUGEPAGE);
	for (i = 0; i < BALLAST_PAGES; i++)
		page_write(p + i * PAGE_SZ, BALLAST_WHO, i, 1);
	while (!sh->stop) {
		if (now() >= next_pageout) {
			madvise(p, len, MADV_PAGEOUT);
			next_pageout = now() + 1;
		}
		sleep_ms(250);
	}
	for (i = 0; i < BALLAST_PAGES; i++) {
		rc = page_check("ballast", p + i * PAGE_SZ, BALLAST_WHO, i, 1);
		/* the cgroups actor counts into the same fields: atomically */
		if (rc == PAGE_BAD)
			__sync_fetch_and_add(&sh->cg_mismatched, 1);
		if (rc == PAGE_LOST)
			__sync_fetch_and_add(&sh->cg_lost, 1);
	}
	__sync_fetch_and_add(&sh->cg_pages, BALLAST_PAGES);
	sh->ballast_checked = 1;
}

static pid_t start_actor(void (*fn)(void), uint64_t seed)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		rnd_state = seed | 1;
		if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
			ksft_print_msg("mlockall: %s\n", strerror(errno));
		fn();
		_exit(0);
	}
	return pid;
}

/* --------------------------------------------------------- fault injection */

#define DBG	"/sys/kernel/debug/"
#define INJECT_TIMES	1000000

static const char *const injectors[] = { "failslab", "fail_page_alloc", "fail_make_request" };
static unsigned long text_start, text_end;

/* The text of mm/vswap.o in the running kernel, from its symbols */
static int vswap_text_range(void)
{
	const char *kb = getenv("VSWAP_KBUILD"), *top = getenv("VSWAP_TOP");
	char cmd[1024], line[512], name[256], section[64], type;
	unsigned long long addr, size;
	FILE *nm, *ks;
	char **names = NULL;
	unsigned long long *sizes = NULL, *addrs, total = 0;
	size_t n = 0, i, found = 0, *hits;

	if (kb)
		snprintf(cmd, sizeof(cmd), "nm -f sysv --defined-only '%s/mm/vswap.o'", kb);
	else
		snprintf(cmd, sizeof(cmd), "nm -f sysv --defined-only '%s/build/kbuild/mm/vswap.o'",
			 top ? top : ".");
	nm = popen(cmd, "r");
	while (nm && fgets(line, sizeof(line), nm)) {
		/* "name |value |class |type |size |line |section": functions of .text only */
		if (sscanf(line, "%255[^ |] |%llx|%*[^|]|%*[^|]|%llx|%*[^|]|%63s", name, &addr, &size,
			   section) != 4 || strcmp(section, ".text") || !size || strchr(name, '.'))
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		sizes = realloc(sizes, (n + 1) * sizeof(*sizes));
		names[n] = strdup(name);
		sizes[n++] = size;
	}
	if (nm)
		pclose(nm);
	if (!n) {
		ksft_print_msg("no function symbols from: %s\n", cmd);
		return -1;
	}
	/* a name seen twice is also a static function of another file: not used */
	hits = calloc(n, sizeof(*hits));
	addrs = calloc(n, sizeof(*addrs));
	ks = fopen("/proc/kallsyms", "r");
	while (ks && hits && addrs && fgets(line, sizeof(line), ks)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 ||
		    (type != 't' && type != 'T') || !addr)
			continue;
		for (i = 0; i < n; i++)
			if (!strcmp(names[i], name))
				break;
		if (i == n)
			continue;
		hits[i]++;
		addrs[i] = addr;
	}
	for (i = 0; hits && addrs && i < n; i++) {
		if (hits[i] != 1)
			continue;
		found++;
		if (!text_start || addrs[i] < text_start)
			text_start = addrs[i];
		if (addrs[i] + sizes[i] > text_end)
			text_end = addrs[i] + sizes[i];
		total += sizes[i];
	}
	free(hits);
	free(addrs);
	if (ks)
		fclose(ks);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(sizes);
	/* the object's text is contiguous: the range is about the sum of its functions */
	if (found < n / 2 || !text_start || text_end - text_start > 2 * total + 65536) {
		ksft_print_msg("mm/vswap.o's text not found in /proc/kallsyms (%zu of %zu symbols, %#lx-%#lx)\n",
			       found, n, text_start, text_end);
		return -1;
	}
	ksft_print_msg("fault injection: allocations under mm/vswap.o's text %#lx-%#lx (%zu functions, %llu bytes)\n",
		       text_start, text_end, found, total);
	return 0;
}

static int inject_file(const char *inj, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), DBG "%s/%s", inj, file);
	if (write_file(path, val) < 0) {
		ksft_print_msg("cannot write %s to %s: %s\n", val, path, strerror(errno));
		return -1;
	}
	return 0;
}

static int inject_on(void)
{
	char val[64];
	size_t k;
	int err = 0;

	for (k = 0; k < 3; k++) {
		err |= inject_file(injectors[k], "verbose", "0");
		err |= inject_file(injectors[k], "interval", "1");
		snprintf(val, sizeof(val), "%d", INJECT_TIMES);
		err |= inject_file(injectors[k], "times", val);
		if (k < 2) {
			/* sleeping allocations too; page faults' own allocations never */
			err |= inject_file(injectors[k], "ignore-gfp-wait", "N");
			snprintf(val, sizeof(val), "%lu", text_start);
			err |= inject_file(injectors[k], "require-start", val);
			snprintf(val, sizeof(val), "%lu", text_end);
			err |= inject_file(injectors[k], "require-end", val);
			err |= inject_file(injectors[k], "stacktrace-depth", "32");
		}
		err |= inject_file(injectors[k], "probability", k < 2 ? "20" : "5");
	}
	err |= inject_file("fail_page_alloc", "ignore-gfp-highmem", "Y");
	if (write_file("/sys/block/vdb/make-it-fail", "1") < 0) {
		ksft_print_msg("/sys/block/vdb/make-it-fail: %s\n", strerror(errno));
		err = -1;
	}
	return err;
}

static void inject_off(long long injected[3])
{
	char path[256], buf[64];
	size_t k;

	write_file("/sys/block/vdb/make-it-fail", "0");
	for (k = 0; k < 3; k++) {
		inject_file(injectors[k], "probability", "0");
		snprintf(path, sizeof(path), DBG "%s/times", injectors[k]);
		injected[k] = read_file(path, buf, sizeof(buf)) < 0 ? -1 : INJECT_TIMES - atoll(buf);
		inject_file(injectors[k], "times", "1");
		if (k < 2) {
			inject_file(injectors[k], "require-start", "0");
			inject_file(injectors[k], "require-end", "0");
		}
	}
}

/* -------------------------------------------------------------------- main */

static const char *const actor_names[] = { "reclaim", "swapoff/swapon", "policy", "vswap toggle",
					   "cgroups", "ballast" };
#define NACTORS	6

/* A process that does not finish: where it is, in the kernel and out */
static void show_stuck(pid_t pid, const char *what)
{
	char path[64], buf[4096];

	ksft_print_msg("%s (pid %d) has not finished; kernel stack:\n", what, pid);
	snprintf(path, sizeof(path), "/proc/%d/stack", pid);
	if (read_file(path, buf, sizeof(buf)) >= 0)
		printf("%s", buf);
	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	if (read_file(path, buf, sizeof(buf)) >= 0)
		ksft_print_msg("wchan %s\n", buf);
}

/*
 * Wait for @n processes, at most @secs seconds in all; one still running
 * then has its kernel stack shown and is killed. Their statuses go to
 * @st (may be NULL). Returns how many had to be killed.
 */
static int wait_all(pid_t *pids, const char *const *names, int n, int secs, int *st)
{
	double start = now(), end = start + secs;
	int i, left = n, killed = 0, status;
	char what[64];

	for (i = 0; i < n && st; i++)
		st[i] = -1;
	while (left && now() < end) {
		left = 0;
		for (i = 0; i < n; i++) {
			if (pids[i] <= 0)
				continue;
			if (waitpid(pids[i], &status, WNOHANG) == pids[i]) {
				if (st)
					st[i] = status;
				pids[i] = 0;
				if (names && now() - start > 10)
					ksft_print_msg("actor %s took %.0f s to stop\n", names[i],
						       now() - start);
			} else {
				left++;
			}
		}
		if (left)
			sleep_ms(200);
		if (names)
			swapoff_progress();
	}
	for (i = 0; i < n; i++) {
		if (pids[i] <= 0)
			continue;
		if (names)
			snprintf(what, sizeof(what), "actor %s", names[i]);
		else
			snprintf(what, sizeof(what), "worker %d", i);
		show_stuck(pids[i], what);
		kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
		if (st)
			st[i] = status;
		killed++;
	}
	return killed;
}

static const char *const stat_keys[] = { "slots", "zswap", "zero", "phys", "cached", "poisoned" };
#define NSTAT	(sizeof(stat_keys) / sizeof(stat_keys[0]))

static void read_stats(long long *v)
{
	size_t k;

	for (k = 0; k < NSTAT; k++)
		v[k] = vswap_stat(stat_keys[k]);
}

static long long zswap_stored(void)
{
	char buf[64];

	if (read_file(DBG "zswap/stored_pages", buf, sizeof(buf)) < 0)
		return -1;
	return atoll(buf);
}

static const char *const reject_keys[] = {
	"alloc_reject", "backend_reject", "zswap_reject", "phys_reject", "read_error",
};
#define NREJ	(sizeof(reject_keys) / sizeof(reject_keys[0]))

int main(int argc, char **argv)
{
	long long base[NSTAT], end[NSTAT], rej0[NREJ], rej1[NREJ], injected[3] = { -1, -1, -1 };
	long long out0, in0, zout0, zin0, out1, in1, zout1, zin1, zs0, zs1 = -1;
	int secs = getenv("VSWAP_STRESS_SECS") ? atoi(getenv("VSWAP_STRESS_SECS")) :
		   120 * time_scale();
	bool inject = !getenv("VSWAP_STRESS_INJECT") || strcmp(getenv("VSWAP_STRESS_INJECT"), "0");
	struct worker workers[NWORKERS];
	pid_t wpid[NWORKERS], apid[NACTORS];
	int wstatus[NWORKERS], astatus[NACTORS], stuck = 0;
	long long mism = 0, lost = 0, died = 0, ver = 0, wr = 0, fin = 0, forks = 0, cver = 0;
	long long pageouts = 0, read_errors;
	char swapfile[PATH_MAX], cmd[512], shrinker0[16];
	struct sigaction sa = { 0 };
	double t0, t_inject_on, t_inject_off;
	bool injecting = false, base_ok = false;
	size_t k;
	int opt, i, status, tries;

	if (getenv("VSWAP_STRESS_MIB"))
		ws_pages = strtoul(getenv("VSWAP_STRESS_MIB"), NULL, 0) * MB / PAGE_SZ;
	while ((opt = getopt(argc, argv, "d:s:n")) != -1) {
		switch (opt) {
		case 'd': secs = atoi(optarg); break;
		case 's': ws_pages = strtoul(optarg, NULL, 0) * MB / PAGE_SZ; break;
		case 'n': inject = false; break;
		default:
			fprintf(stderr, "usage: %s [-d SECONDS] [-s MIB-PER-WORKER] [-n]\n", argv[0]);
			return KSFT_FAIL;
		}
	}
	if (secs < 30 || ws_pages < 2048)
		ksft_exit_fail_msg("at least 30 s (a swapoff cycle) and 8 MiB per worker\n");
	setvbuf(stdout, NULL, _IOLBF, 0);
	stress_secs = secs;
	ksft_print_header();
	ksft_set_plan(inject ? 11 : 10);

	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		ksft_exit_fail_msg("mmap: %s\n", strerror(errno));
	if (!scratch_dir())
		ksft_exit_fail_msg("no scratch filesystem for the swapfile\n");
	if (access(SMALL_DEV, F_OK))
		ksft_exit_fail_msg("no %s: the stress needs a small second disk\n", SMALL_DEV);
	if (inject && vswap_text_range())
		ksft_exit_fail_msg("fault injection cannot be limited to vswap's paths\n");

	vswap_test_setup(CG_TOP);
	if (cg_write(CG_TOP, "cgroup.subtree_control", "+memory"))
		ksft_exit_fail_msg("cannot delegate the memory controller under %s\n", CG_TOP);
	if (read_file(SHRINKER, shrinker0, sizeof(shrinker0)) < 0 || write_file(SHRINKER, "Y") < 0)
		ksft_exit_fail_msg("cannot turn zswap's shrinker on\n");
	if (thp_set(THP_SYSFS "/enabled", "madvise") ||
	    thp_set(THP_SYSFS "/hugepages-64kB/enabled", "always"))
		ksft_exit_fail_msg("cannot set THP\n");
	read_stats(base);
	zs0 = zswap_stored();
	for (k = 0; k < NREJ; k++)
		rej0[k] = vswap_stat(reject_keys[k]);
	out0 = vmstat("pswpout"); in0 = vmstat("pswpin");
	zout0 = vmstat("zswpout"); zin0 = vmstat("zswpin");

	snprintf(cmd, sizeof(cmd), "mkswap -q %s >/dev/null", SMALL_DEV);
	if (run_quiet(cmd) || swapon(SMALL_DEV, SWAP_FLAG_PREFER | SMALL_PRIO))
		ksft_exit_fail_msg("mkswap/swapon %s failed\n", SMALL_DEV);
	snprintf(swapfile, sizeof(swapfile), "%s/stress.swap", scratch_dir());
	if (swapfile_add(swapfile, SWAPFILE_SIZE))
		ksft_exit_fail_msg("cannot add the swapfile %s\n", swapfile);

	for (i = 0; i < NCG; i++) {
		snprintf(cgpath[i], sizeof(cgpath[i]), CG_TOP "/w%d", i);
		if (cg_create(cgpath[i]) || cg_write(cgpath[i], "memory.max", CG_MAX))
			ksft_exit_fail_msg("cannot create %s\n", cgpath[i]);
	}
	if (cg_create(CG_TOP "/ballast") || cg_write(CG_TOP "/ballast", "memory.zswap.max", "0"))
		ksft_exit_fail_msg("cannot create %s/ballast\n", CG_TOP);
	/* the test's own memory is not what is tested: see lock_own_memory() */
	if (mlockall(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT))
		ksft_exit_fail_msg("mlockall: %s\n", strerror(errno));
	ksft_print_msg("%d workers x %zu MiB in %d cgroups of memory.max %s, %d s%s\n",
		       NWORKERS, ws_pages * PAGE_SZ / MB, NCG, CG_MAX, secs,
		       inject ? ", fault injection in the middle third" : "");
	t0 = now();
	t_start = t0;
	for (i = 0; i < NWORKERS; i++) {
		workers[i] = (struct worker){ .id = i, .st = &sh->w[i] };
		fflush(stdout);
		wpid[i] = fork();
		if (wpid[i] == 0) {
			if (cg_enter(cgpath[i % NCG], getpid()))
				_exit(2);
			_exit(worker_main(&workers[i]));
		}
	}
	apid[0] = start_actor(actor_reclaim, 11);
	apid[1] = start_actor(actor_swap, 12);
	apid[2] = start_actor(actor_policy, 13);
	apid[3] = start_actor(actor_toggle, 14);
	apid[4] = start_actor(actor_cgroups, 15);
	apid[5] = start_actor(actor_ballast, 16);

	t_inject_on = t0 + secs / 3.0;
	t_inject_off = t0 + 2 * secs / 3.0;
	while (now() < t0 + secs) {
		sleep_ms(500);
		sample_fill();
		swapoff_progress();
		if (inject && !injecting && now() >= t_inject_on && now() < t_inject_off) {
			sh->inject_started = 1;
			if (inject_on())
				ksft_print_msg("fault injection could not be switched on\n");
			else
				ksft_print_msg("fault injection on at %.0f s\n", now() - t0);
			injecting = true;
		}
		if (injecting && now() >= t_inject_off) {
			inject_off(injected);
			ksft_print_msg("fault injection off at %.0f s: failslab %lld, fail_page_alloc %lld, fail_make_request %lld failures injected\n",
				       now() - t0, injected[0], injected[1], injected[2]);
			injecting = false;
		}
	}
	if (injecting)
		inject_off(injected);
	sh->stop = 1;
	/*
	 * A swapoff of a full /dev/vdb can take many minutes: interrupt one
	 * still running, unless none has completed yet (the run must see a
	 * whole cycle; the actors' stop limit bounds the wait for it).
	 */
	if (sh->swapoff_busy && sh->swapoffs > 0)
		kill(apid[1], SIGUSR1);
	stuck += wait_all(apid, actor_names, NACTORS, 400 * time_scale(), astatus);
	for (i = 0; i < NACTORS; i++)
		if (astatus[i] == -1 || !WIFEXITED(astatus[i]) || WEXITSTATUS(astatus[i])) {
			ksft_print_msg("actor %s: %s %d\n", actor_names[i],
				       astatus[i] != -1 && WIFSIGNALED(astatus[i]) ? "killed by signal" : "exit status",
				       astatus[i] == -1 ? -1 : WIFSIGNALED(astatus[i]) ? WTERMSIG(astatus[i]) :
				       WEXITSTATUS(astatus[i]));
			died++;
		}
	if (!sh->ballast_checked) {
		ksft_print_msg("the ballast was not checked\n");
		died++;
	}
	ksft_print_msg("actors stopped at %.0f s; the workers check every page\n", now() - t0);
	sh->stop_workers = 1;
	stuck += wait_all(wpid, NULL, NWORKERS, 900 * time_scale(), wstatus);
	for (i = 0; i < NWORKERS; i++) {
		struct wstat *s = &sh->w[i];

		status = wstatus[i];
		if (!WIFEXITED(status) || WEXITSTATUS(status) || !s->done) {
			died++;
			ksft_print_msg("worker %d: %s %d\n", i,
				       WIFSIGNALED(status) ? "killed by signal" : "exit status",
				       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		}
		mism += s->mismatched + s->child_bad;
		lost += s->lost + s->child_lost;
		died += s->child_died;
		ver += s->verified + s->child_verified;
		fin += s->final_verified;
		wr += s->written;
		forks += s->forks;
		cver += s->child_verified;
		pageouts += s->pageouts;
	}
	if (died)
		show_state(cgpath[0]);
	out1 = vmstat("pswpout"); in1 = vmstat("pswpin");
	zout1 = vmstat("zswpout"); zin1 = vmstat("zswpin");
	for (k = 0; k < NREJ; k++)
		rej1[k] = vswap_stat(reject_keys[k]);
	read_errors = rej1[4] - rej0[4];
	ksft_print_msg("done at %.0f s: %lld pages checked during the run (%lld by %lld fork children), %lld at the end, %lld written, %lld MADV_PAGEOUTs\n",
		       now() - t0, ver, cver, forks, fin, wr, pageouts);
	ksft_print_msg("swapped out %.2f GiB (zswap %.2f, disk %.2f), in %.2f GiB (zswap %.2f, disk %.2f)\n",
		       (out1 - out0 + zout1 - zout0) * PAGE_SZ / 1073741824.0,
		       (zout1 - zout0) * PAGE_SZ / 1073741824.0, (out1 - out0) * PAGE_SZ / 1073741824.0,
		       (in1 - in0 + zin1 - zin0) * PAGE_SZ / 1073741824.0,
		       (zin1 - zin0) * PAGE_SZ / 1073741824.0, (in1 - in0) * PAGE_SZ / 1073741824.0);
	ksft_print_msg("memory.reclaim %lld, zswap.max changes %lld, vswap toggles %lld, swapoff %lld (failed %lld, interrupted by the stop %lld), swapon %lld (failed %lld)\n",
		       sh->reclaims, sh->zswap_max_changes, sh->toggles, sh->swapoffs,
		       sh->swapoff_failed, sh->swapoff_interrupted, sh->swapons, sh->swapon_failed);
	ksft_print_msg("%s more than half full in %lld of %lld samples once it first was (at most %lld%%)\n",
		       SMALL_DEV, sh->fill_over_half, sh->fill_samples, sh->fill_max_pct);
	ksft_print_msg("policies: %lld loads, %lld unloads, %lld ejections, %lld errors\n",
		       sh->pol_loads, sh->pol_unloads, sh->pol_ejections, sh->pol_errors);
	ksft_print_msg("cgroups: %lld created, %lld removed holding %lld KiB swapped; their %lld tmpfs pages and the ballast read back: %lld differ, %lld lost\n",
		       sh->cg_created, sh->cg_removed, sh->cg_removed_swapped_kb, sh->cg_pages,
		       sh->cg_mismatched, sh->cg_lost);
	ksft_print_msg("counters moved:");
	for (k = 0; k < NREJ; k++)
		printf(" %s +%lld", reject_keys[k], rej1[k] - rej0[k]);
	printf("\n");

	ksft_test_result(!died && !stuck,
			 "every worker, fork child and actor ran to the end (%lld died, %d stuck)\n",
			 died, stuck);
	ksft_test_result(!mism && !sh->cg_mismatched,
			 "every page read back bit-exact: %lld of %lld pages checked differ\n",
			 mism + sh->cg_mismatched, ver + fin + sh->cg_pages);
	/*
	 * Only a read the injection failed may lose a page (SIGBUS: a swap-in
	 * whose read failed leaves its folio !uptodate in the swap cache, a
	 * swapoff's poisons the slot), and one request covers at most
	 * SWAP_CLUSTER_MAX (32) pages of readahead or one 64K folio.
	 */
	ksft_test_result(!sh->lost_early && lost + sh->cg_lost <= 32 * (injected[2] > 0 ? injected[2] : 0),
			 "pages lost (SIGBUS) %lld, all after disk errors were injected (%lld requests failed, %lld slots poisoned by swapoff)\n",
			 lost + sh->cg_lost, injected[2] > 0 ? injected[2] : 0, read_errors);
	ksft_test_result((out1 - out0 + zout1 - zout0) >= (long long)(NWORKERS * ws_pages) &&
			 in1 - in0 > 0 && zin1 - zin0 > 0,
			 "the working set went through swap: %lld pages out (>= %zu), %lld in from disk, %lld from zswap\n",
			 out1 - out0 + zout1 - zout0, NWORKERS * ws_pages, in1 - in0, zin1 - zin0);
	ksft_test_result(forks > 0 && cver > 0 && pageouts > 0,
			 "fork/COW children and MADV_PAGEOUT ran (%lld forks, %lld pageouts)\n",
			 forks, pageouts);
	ksft_test_result(sh->swapoffs > 0 && !sh->swapon_failed && sh->fill_samples >= 20 &&
			 sh->fill_over_half * 2 > sh->fill_samples,
			 "swapoff/swapon cycles (%lld) with %s more than half full most of the time in between (%lld of %lld samples)\n",
			 sh->swapoffs, SMALL_DEV, sh->fill_over_half, sh->fill_samples);
	ksft_test_result(sh->pol_loads > 0 && sh->pol_unloads > 0 && sh->pol_ejections > 0 &&
			 !sh->pol_errors,
			 "policy load/unload/ejection cycles: %lld/%lld/%lld, no error\n",
			 sh->pol_loads, sh->pol_unloads, sh->pol_ejections);
	ksft_test_result(sh->cg_removed > 0 && sh->cg_removed_swapped_kb > 0 && !sh->cg_errors &&
			 (inject || !sh->cg_lost),
			 "cgroups removed with swapped memory (%lld, %lld KiB), their pages intact\n",
			 sh->cg_removed, sh->cg_removed_swapped_kb);
	if (inject)
		/*
		 * Which allocator fails depends on what vswap allocated in the
		 * window: new clusters and vtables come from slab, and a run
		 * whose swapoff filled the window (a debug kernel) may make
		 * none; some allocation must have failed, and disk requests.
		 */
		ksft_test_result(injected[0] >= 0 && injected[1] >= 0 &&
				 injected[0] + injected[1] > 0 && injected[2] > 0,
				 "fault injection failed allocations (slab %lld, page %lld) and disk requests (%lld)\n",
				 injected[0], injected[1], injected[2]);

	/* Everything exits: the counters return to the start */
	for (i = 0; i < NCG; i++)
		cg_destroy(cgpath[i]);
	cg_destroy(CG_TOP "/ballast");
	swapoff(SMALL_DEV);
	swapfile_remove(swapfile);
	for (tries = 0; tries < 60 && !base_ok; tries++) {
		/*
		 * A folio whose read failed, or whose owner exited while it was
		 * under I/O, stays in the swap cache (holding its slot) until
		 * reclaim finds it, as in vanilla: reclaim then.  Only this
		 * test's cgroups (the removed ones are CG_TOP's descendants
		 * still): reclaim at the root would swap out the guest's other
		 * processes and give them slots of their own.
		 */
		if (tries) {
			sleep_ms(500);
			if (tries % 4 == 0)
				cg_reclaim(CG_TOP, "256M");
		}
		read_stats(end);
		zs1 = zswap_stored();
		/*
		 * Earlier tests' global reclaim (test_vswap_kswapd, upstream
		 * test_zswap) leaves pages of the guest's other processes in
		 * virtual slots, counted in the start; those processes may
		 * fault them back in meanwhile (zswap -> cached) or free them.
		 * So no count may end above its start; the slot total bounds
		 * the swap cache.
		 */
		base_ok = zs1 <= zs0;
		for (k = 0; k < NSTAT - 1; k++)
			base_ok &= !strcmp(stat_keys[k], "cached") || end[k] <= base[k];
	}
	ksft_print_msg("vswap slots %lld (start %lld), zswap %lld, zero %lld, phys %lld, cached %lld, poisoned %lld; zswap stored pages %lld (start %lld) after %d readings\n",
		       end[0], base[0], end[1], end[2], end[3], end[4], end[5], zs1, zs0, tries);
	if (!base_ok) {
		/* who still holds swap */
		fflush(stdout);
		if (system("grep -H VmSwap /proc/[0-9]*/status | grep -v ' 0 kB' | sed 's/^/# /'; "
			   "ps -eo pid,ppid,stat,comm | sed 's/^/# /'; ls -la /tmp /dev/shm " TMPDIR " 2>&1 | sed 's/^/# /'"))
			ksft_print_msg("(the listing failed)\n");
		show_state(NULL);
	}
	ksft_test_result(base_ok, "counters back to (at most) where they started once everything exited\n");
	ksft_test_result(vswap_audit(20, cmd, sizeof(cmd)) == 0,
			 "no virtual slot without a backend; the statistics agree with the clusters (%s)\n",
			 cmd);
	cg_destroy(CG_TOP);
	/* as the test found them */
	thp_restore();
	zswap_restore();
	write_file(SHRINKER, shrinker0);
	ksft_finished();
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the vswap selftests: cgroup v2 setup, counters from
 * memory.stat and /proc/vmstat, swap devices, page patterns, pagemap.
 *
 * Functions that can fail return a negative errno (or -1 with errno set)
 * and print what failed with ksft_print_msg(), so a test only has to check
 * the result and report.
 */
#ifndef VSWAP_UTIL_H
#define VSWAP_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CGROUP_ROOT	"/sys/fs/cgroup"
#define PAGE_SZ		4096UL
#define MB		(1024UL * 1024UL)

/* Cgroups: @cg is a path relative to CGROUP_ROOT. */
int cg_create(const char *cg);
int cg_destroy(const char *cg);
int cg_write(const char *cg, const char *file, const char *val);
int cg_read(const char *cg, const char *file, char *buf, size_t len);
/*
 * Write @amount to @cg's memory.reclaim, quietly: -EAGAIN (reclaim fell
 * short) is an answer, not an error, for the tests that use it.
 */
int cg_reclaim(const char *cg, const char *amount);
long long cg_read_ll(const char *cg, const char *file);
long long cg_stat(const char *cg, const char *key);
int cg_enter(const char *cg, pid_t pid);
uint64_t cg_id(const char *cg);

/* System counters; -1 when the key is absent. */
long long vmstat(const char *key);
long long meminfo_kb(const char *key);

/* A key of /sys/kernel/mm/vswap/stat; -1 when absent. */
long long vswap_stat(const char *key);
/* Write /sys/kernel/mm/vswap/enabled. */
int vswap_set_enabled(bool on);
/* Every swap device off (the virtual one is not one). */
void swapoff_all(void);
/*
 * Common start of a vswap test: no swap device, zswap and vswap on, the
 * cgroup @cg created (NULL: none). Exits the test as failed on error.
 */
void vswap_test_setup(const char *cg);
/* Value of "key value" line @key in a text of such lines, or -1. */
long long keyed_value(const char *text, const char *key);
/* A key of a cgroup's "key value" file (memory.events, ...); -1 when absent. */
long long cg_keyed(const char *cg, const char *file, const char *key);
/* memory.events key of a cgroup; -1 when absent. */
long long cg_event(const char *cg, const char *key);

/*
 * Do the counters of /sys/kernel/mm/vswap/stat agree with a walk of the
 * clusters (debugfs vswap/audit), with no slot out of memory and no
 * backend? Retries while swap activity makes readings differ (up to
 * @tries readings 250 ms apart). 0 if one reading agreed; 1, with what
 * differed in @why, if none did; -1 if a file is missing.
 */
int vswap_audit(int tries, char *why, size_t len);

/* Read requests completed on block device @dev ("vda"): /sys/block/DEV/stat. */
long long block_reads(const char *dev);

/* sysfs/procfs text files. */
int write_file(const char *path, const char *val);
int read_file(const char *path, char *buf, size_t len);

/*
 * THP "enabled" knobs (the top one and each hugepages-<size>/enabled) set
 * to @val for the test; thp_restore() puts every one back.
 */
#define THP_SYSFS	"/sys/kernel/mm/transparent_hugepage"
int thp_set(const char *path, const char *val);
void thp_restore(void);
/* A per-size mTHP statistic (hugepages-<size>/stats/@name), 2M plus 64K. */
long long thp_stat(const char *name);

/* zswap on or off (saves the previous state for zswap_restore()). */
int zswap_set_enabled(bool on);
void zswap_restore(void);

/*
 * A swapfile of @size bytes at @path (on the runner's scratch disk, see
 * scratch_dir()), formatted and activated.  swapfile_remove() deactivates
 * and deletes it.
 */
const char *scratch_dir(void);
int swapfile_add(const char *path, size_t size);
int swapfile_remove(const char *path);

/* A per-page pattern derived from the page index and a seed (compressible). */
void pattern_fill(void *page, uint64_t index, uint64_t seed);
bool pattern_check(const void *page, uint64_t index, uint64_t seed);
/* Incompressible pseudo-random page, also reproducible from index and seed. */
void random_fill(void *page, uint64_t index, uint64_t seed);
bool random_check(const void *page, uint64_t index, uint64_t seed);

/* Fill or check @npages pages at @buf; check returns the number of bad pages. */
void fill_range(void *buf, size_t npages, uint64_t seed, bool random);
size_t check_range(const void *buf, size_t npages, uint64_t seed, bool random);

/*
 * mmap @npages private anonymous pages (no THP) and fill them from @seed
 * (random: incompressible); map_fill_pageout() also MADV_PAGEOUTs them.
 * NULL if mmap failed.
 */
char *map_fill(size_t npages, uint64_t seed, bool random);
char *map_fill_pageout(size_t npages, uint64_t seed, bool random);

/* "256M", "1G", "64k", "4096" in bytes; 0 when malformed. */
unsigned long long parse_size(const char *s);

/* /proc/self/pagemap entry of @addr (bit 63 present, bit 62 swapped). */
#define PM_PRESENT	(1ULL << 63)
#define PM_SWAP		(1ULL << 62)
#define PM_SWP_BITS(pm)	((pm) & ((1ULL << 55) - 1))	/* swap type and offset */
#define PM_SWP_TYPE(pm)	((int)((pm) & 0x1f))
int pagemap_read(const void *addr, size_t npages, uint64_t *out);

/*
 * Keep the calling task on one CPU. MADV_PAGEOUT drains only the local
 * CPU's LRU batches: pages faulted on another CPU could stay resident and
 * make exact counts flaky.
 */
void pin_to_one_cpu(void);

/*
 * Fork a child that moves itself into @cg (NULL: stays) and onto one CPU,
 * then exits with @fn(@arg); its pid, or -1.
 */
pid_t cg_spawn(const char *cg, int (*fn)(void *), void *arg);
/*
 * Run @fn(@arg) in a child that first moves itself into @cg and onto one
 * CPU; returns the
 * child's exit status (0..255), 128+signal when it was killed, or -1.
 */
int run_in_cgroup(const char *cg, int (*fn)(void *), void *arg);
/*
 * @size zeroed bytes shared with the children forked later (results a
 * child of run_in_cgroup() or cg_spawn() reports back); a failed mmap
 * ends the test.
 */
void *shared_result(size_t size);

/* Used KiB of swap file or device @path in /proc/swaps, and its line (from 0), or -1. */
long long swaps_used(const char *path, int *line);

/* /sys/kernel/debug/zswap/@name (stored_pages, reject_compress_fail, ...); -1 when absent. */
long long zswap_debugfs(const char *name);

/*
 * VSWAP_TIME_SCALE (an integer, 1 to 20; default 1): how much slower than
 * the plain test kernel under TCG this kernel is expected to be. `make
 * check-debug` sets it for the KASAN/lockdep kernel; tests multiply their
 * waits, ages and deadlines by it, never their sizes or expected counts.
 */
int time_scale(void);

/*
 * Idle checks: after a workload exits (or unmaps, or its file is removed),
 * what it held - virtual slots, zswap entries, disk slots, swap charges -
 * is released, but not necessarily by the time wait() returns: a folio
 * still under writeback, or one a killed task left in the swap cache,
 * keeps its slot a little longer. wait_for_value() reads a counter up to
 * @tries times (times time_scale()), WAIT_GAP_MS apart, until it is @want (WAIT_EQ) or at most
 * @want (WAIT_LE). @reclaim_cg (NULL: none): write 1M to that cgroup's
 * memory.reclaim before every second retry, so that reclaim meets such
 * folios. It prints "idle: WHAT VALUE after N readings" and, when no
 * reading was right, the last value and what was wanted. Returns whether
 * a reading was right; *@last (may be NULL) gets the last reading.
 */
#define WAIT_TRIES	20
#define WAIT_GAP_MS	250
enum wait_cmp { WAIT_EQ, WAIT_LE };
bool wait_for_value(const char *what, long long (*read)(const void *arg), const void *arg,
		    enum wait_cmp cmp, long long want, int tries, const char *reclaim_cg,
		    long long *last);
/* Readers for wait_for_value(), @arg being the string they name */
long long read_vswap_stat(const void *key);	/* vswap_stat() */
long long read_meminfo_kb(const void *key);	/* meminfo_kb() */
long long read_zswap_debugfs(const void *name);	/* zswap_debugfs() */
long long read_swaps_used(const void *path);	/* swaps_used() */
/* A cgroup's counter: @file ("memory.swap.current"), or @key of memory.stat if @file is NULL */
struct cg_counter {
	const char *cg;
	const char *file;
	const char *key;
};
long long read_cg_counter(const void *cg_counter);

/* The swap policy's files, /sys/kernel/mm/vswap/policy/@file. */
#define VSWAP_POLICY_DIR	"/sys/kernel/mm/vswap/policy/"
/* Its first line, or "(unreadable)". */
void policy_read(const char *file, char *buf, size_t len);
/* Is it @want? Says what it is when not. */
bool policy_is(const char *file, const char *want);
/* As a number. */
long long policy_ll(const char *file);
/* Wait up to @secs for policy/state to become @want. */
bool policy_wait_state(const char *want, int secs);

#endif

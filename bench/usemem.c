// SPDX-License-Identifier: GPL-2.0
/*
 * usemem: the anonymous-memory workload of `make bench`.
 *
 *   usemem [-s SIZE] [-c RATIO] [-p PASSES] [-g | -H] [-t]
 *
 * Maps SIZE (default 256M) of private anonymous memory, writes every page,
 * then reads and verifies every page PASSES times (default 2), in order.
 * Under a memory.max below SIZE each pass swaps the whole range out and in.
 *
 * A page's content follows from its index and the pass seed: the first
 * 4096/RATIO bytes are pseudo-random, the rest zero, so that a compressor
 * like lz4 gets about RATIO:1 (-c 1: incompressible; default 3).
 *
 * -t: a tmpfs (memfd) range instead of anonymous memory.
 * -g: grow instead: write pages until the writer is killed (OOM), makes
 *     no progress for 20 s, or has run 300 s (it is then killed: swap that
 *     cannot take more pages but does not let the OOM killer act, like
 *     zram at its mem_limit, stalls or crawls), and report how many were
 *     written and how it ended; for capacity measurements. The writer
 *     reports through shared memory.
 * -H: hold: write the pages, push them out (MADV_PAGEOUT), print a line
 *     "usemem held swapped=N" (N: pages whose page-table entry is a swap
 *     entry), wait until stdin reaches its end, then verify; for
 *     measurements of what swapped-out pages cost the kernel.
 *
 * Prints one line of key=value pairs (bytes, seconds, GB/s, bad pages) on
 * stdout. Exit status 0 when every page read back intact, 1 on a bad
 * page, 2 on error.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "bench_util.h"


static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* Page @idx: @rnd bytes of pseudo-random data from (@idx, @seed), then zeros */
static void fill(uint64_t *p, uint64_t idx, uint64_t seed, size_t rnd)
{
	uint64_t x = mix(idx * 0x9e3779b97f4a7c15ULL ^ seed) | 1;
	size_t i, n = rnd / 8;

	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
	memset(p + n, 0, PAGE - n * 8);
	p[0] = idx;	/* never a same-filled page */
}

static bool check(const uint64_t *p, uint64_t idx, uint64_t seed, size_t rnd)
{
	uint64_t want[PAGE / 8];

	fill(want, idx, seed, rnd);
	return !memcmp(p, want, PAGE);
}

static char *map_range(size_t bytes, bool tmpfs)
{
	char *buf;
	int fd = -1;

	if (tmpfs) {
		fd = memfd_create("usemem", 0);
		if (fd < 0 || ftruncate(fd, bytes)) {
			fprintf(stderr, "usemem: memfd of %zu bytes: %s\n", bytes, strerror(errno));
			return NULL;
		}
	}
	buf = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
		   tmpfs ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, fd, 0);
	if (fd >= 0)
		close(fd);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "usemem: mmap %zu bytes: %s\n", bytes, strerror(errno));
		return NULL;
	}
	madvise(buf, bytes, MADV_NOHUGEPAGE);
	return buf;
}

/* -H: write, push out, hold until stdin ends, verify */
static int hold(size_t npages, size_t rnd)
{
	char *buf = map_range(npages * PAGE, false), c;
	size_t n, bad = 0;
	long out;

	if (!buf)
		return 2;
	for (n = 0; n < npages; n++)
		fill((uint64_t *)(buf + n * PAGE), n, 1, rnd);
	if (madvise(buf, npages * PAGE, MADV_PAGEOUT)) {
		fprintf(stderr, "usemem: MADV_PAGEOUT: %s\n", strerror(errno));
		return 2;
	}
	out = swapped_pages(buf, npages);
	printf("usemem held swapped=%ld\n", out);
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	for (n = 0; n < npages; n++)
		bad += !check((uint64_t *)(buf + n * PAGE), n, 1, rnd);
	printf("usemem mode=hold bytes=%zu swapped=%ld bad=%zu\n", npages * PAGE, out, bad);
	return bad ? 1 : 0;
}

#define STALL_S		20
#define GROW_MAX_S	300

/* -g: write until killed; the parent reports what the child got to */
static int grow(size_t npages, size_t rnd, bool tmpfs)
{
	volatile unsigned long *written;
	bool stalled = false, timedout = false;
	double t, last;
	unsigned long n;
	int status;
	pid_t pid;

	written = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (written == MAP_FAILED) {
		fprintf(stderr, "usemem: mmap: %s\n", strerror(errno));
		return 2;
	}
	*written = 0;
	t = now();
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "usemem: fork: %s\n", strerror(errno));
		return 2;
	}
	if (!pid) {
		char *buf = map_range(npages * PAGE, tmpfs);

		if (!buf)
			_exit(2);
		for (n = 0; n < npages; n++) {
			fill((uint64_t *)(buf + n * PAGE), n, 1, rnd);
			*written = n + 1;
		}
		for (n = 0; n < npages; n++)
			if (!check((uint64_t *)(buf + n * PAGE), n, 1, rnd))
				_exit(1);
		_exit(0);
	}
	/*
	 * The watchdog's own pages stay in memory: under the pressure it
	 * watches, a fault of its own could wait in reclaim as long as the
	 * writer does
	 */
	if (mlockall(MCL_CURRENT | MCL_FUTURE))
		fprintf(stderr, "usemem: mlockall: %s (the watchdog may stall too)\n",
			strerror(errno));
	/* Poll: the writer ends, or stalls for STALL_S seconds */
	for (n = 0, last = now();;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r < 0) {
			fprintf(stderr, "usemem: waitpid: %s\n", strerror(errno));
			return 2;
		}
		if (r == pid)
			break;
		if (*written != n) {
			n = *written;
			last = now();
		} else if (now() - last > STALL_S && !stalled) {
			stalled = true;
			kill(pid, SIGKILL);
		}
		if (now() - t > GROW_MAX_S && !stalled && !timedout) {
			timedout = true;
			kill(pid, SIGKILL);
		}
		usleep(200000);
	}
	n = *written;
	printf("usemem mode=grow bytes=%lu seconds=%.3f end=%s\n", n * PAGE,
	       (stalled ? last : now()) - t,
	       stalled ? "stalled" : timedout ? "timeout" : WIFSIGNALED(status) ? "oom-killed" :
	       WEXITSTATUS(status) == 0 ? "all-written" : "error");
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return WEXITSTATUS(status);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long size = 256ULL << 20;
	int passes = 2, ratio = 3, c, pass;
	bool growing = false, holding = false, tmpfs = false;
	size_t npages, n, bad = 0, rnd;
	double t0, t1, t2;
	char *buf;

	while ((c = getopt(argc, argv, "s:c:p:gHt")) != -1) {
		switch (c) {
		case 's':
			size = parse_size(optarg);
			break;
		case 'c':
			ratio = atoi(optarg);
			break;
		case 'p':
			passes = atoi(optarg);
			break;
		case 'g':
			growing = true;
			break;
		case 'H':
			holding = true;
			break;
		case 't':
			tmpfs = true;
			break;
		default:
			fprintf(stderr, "usage: usemem [-s SIZE] [-c RATIO] [-p PASSES] [-g | -H] [-t]\n");
			return 2;
		}
	}
	if (size < PAGE || ratio < 1 || ratio > 64 || passes < 0) {
		fprintf(stderr, "usemem: bad size, ratio (1..64) or pass count\n");
		return 2;
	}
	npages = size / PAGE;
	rnd = (PAGE / ratio) & ~7UL;
	if (growing)
		return grow(npages, rnd, tmpfs);
	if (holding)
		return hold(npages, rnd);

	buf = map_range(npages * PAGE, tmpfs);
	if (!buf)
		return 2;
	t0 = now();
	for (n = 0; n < npages; n++)
		fill((uint64_t *)(buf + n * PAGE), n, 1, rnd);
	t1 = now();
	for (pass = 0; pass < passes; pass++)
		for (n = 0; n < npages; n++)
			bad += !check((uint64_t *)(buf + n * PAGE), n, 1, rnd);
	t2 = now();
	printf("usemem mode=%s bytes=%llu ratio=%d passes=%d write_s=%.3f read_s=%.3f seconds=%.3f gbps=%.4f bad=%zu\n",
	       tmpfs ? "tmpfs" : "anon", (unsigned long long)npages * PAGE, ratio, passes,
	       t1 - t0, t2 - t1, t2 - t0,
	       (double)npages * PAGE * (1 + passes) / (t2 - t0) / 1e9, bad);
	return bad ? 1 : 0;
}

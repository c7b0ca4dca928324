// SPDX-License-Identifier: GPL-2.0
/*
 * churn: keep a checksummed working set busy for a while and report the
 * work done, second by second.
 *
 *   churn [-s SIZE] [-d SECONDS] [-f] [-q]
 *
 * Every page carries its index and a generation number (pattern_fill()
 * with the generation as seed). Each step picks a random page, verifies
 * it against the generation it should have and, one time in two, rewrites
 * it with the next generation; every 256 steps a random 1M range is paged
 * out (MADV_PAGEOUT). With -f, a forked child verifies a random sample of
 * the range every 4096 steps (copy-on-write of a swapped range). Each
 * second one line "churn: T s, N steps, M bad" goes to stdout (-q: only
 * the last). Exit status 0 when every page read back right, 1 on a
 * mismatch, 2 on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A forked child checks a sample of pages against their generations. */
static int fork_verify(const char *buf, const uint32_t *gen, size_t npages)
{
	int status, i;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return 0;
	if (!pid) {
		int bad = 0;

		for (i = 0; i < 256; i++) {
			size_t p = next_rand() % npages;

			bad += !pattern_check(buf + p * PAGE_SZ, p, gen[p]);
		}
		_exit(bad ? 1 : 0);
	}
	if (waitpid(pid, &status, 0) < 0)
		return 0;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	unsigned long long size = 256 * MB, steps = 0, bad = 0;
	size_t npages, chunk = MB / PAGE_SZ, p;
	bool forks = false, quiet = false;
	double start, last, t;
	int secs = 30, c;
	uint32_t *gen;
	char *buf;

	while ((c = getopt(argc, argv, "s:d:fq")) != -1) {
		switch (c) {
		case 's':
			size = parse_size(optarg);
			break;
		case 'd':
			secs = atoi(optarg);
			break;
		case 'f':
			forks = true;
			break;
		case 'q':
			quiet = true;
			break;
		default:
			fprintf(stderr, "usage: churn [-s SIZE] [-d SECONDS] [-f] [-q]\n");
			return 2;
		}
	}
	npages = size / PAGE_SZ;
	if (npages < 2 * chunk || secs < 1) {
		fprintf(stderr, "churn: size must be at least 2M and seconds at least 1\n");
		return 2;
	}
	gen = calloc(npages, sizeof(*gen));
	buf = mmap(NULL, npages * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!gen || buf == MAP_FAILED) {
		fprintf(stderr, "churn: cannot map %llu bytes: %s\n", size, strerror(errno));
		return 2;
	}
	madvise(buf, npages * PAGE_SZ, MADV_NOHUGEPAGE);
	rng ^= (uint64_t)getpid() << 32;
	for (p = 0; p < npages; p++)
		pattern_fill(buf + p * PAGE_SZ, p, 0);

	start = last = now();
	for (;;) {
		p = next_rand() % npages;
		if (!pattern_check(buf + p * PAGE_SZ, p, gen[p])) {
			if (bad++ < 5)
				fprintf(stderr, "churn: page %zu: not generation %u\n", p, gen[p]);
		}
		if (next_rand() & 1)
			pattern_fill(buf + p * PAGE_SZ, p, ++gen[p]);
		steps++;
		if (!(steps % 256)) {
			size_t first = next_rand() % (npages - chunk);

			madvise(buf + first * PAGE_SZ, chunk * PAGE_SZ, MADV_PAGEOUT);
		}
		if (forks && !(steps % 4096))
			bad += fork_verify(buf, gen, npages);
		if (!(steps % 64)) {
			t = now();
			if (t - last >= 1.0) {
				last = t;
				if (!quiet)
					printf("churn: %.0f s, %llu steps, %llu bad\n",
					       t - start, steps, bad);
				fflush(stdout);
			}
			if (t - start >= secs)
				break;
		}
	}
	/* A last full pass: every page must have its latest generation */
	for (p = 0; p < npages; p++)
		bad += !pattern_check(buf + p * PAGE_SZ, p, gen[p]);
	printf("churn: done: %.1f s, %llu steps, %llu bad\n", now() - start, steps, bad);
	return bad ? 1 : 0;
}

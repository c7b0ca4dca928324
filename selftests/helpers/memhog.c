// SPDX-License-Identifier: GPL-2.0
/*
 * memhog: write a working set of patterned pages, read it back a number of
 * times, verify every page.  Used by the demo and by stress runs.
 *
 *   memhog [-s SIZE] [-p PASSES] [-r] [-w SECONDS]
 *
 * SIZE like 256M (default 256M). -r writes incompressible pages instead of
 * compressible ones; -w waits that long between writing and verifying, so
 * that others can look at the swapped-out state.  Exit
 * status 0 when every page read back intact, 1 on corruption, 2 on error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "vswap_util.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	unsigned long long size = 256 * MB;
	int passes = 1, wait = 0, c, i;
	bool random = false;
	size_t npages, bad;
	char *buf;
	double t;

	while ((c = getopt(argc, argv, "s:p:rw:")) != -1) {
		switch (c) {
		case 's':
			size = parse_size(optarg);
			break;
		case 'p':
			passes = atoi(optarg);
			break;
		case 'r':
			random = true;
			break;
		case 'w':
			wait = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: memhog [-s SIZE] [-p PASSES] [-r] [-w SECONDS]\n");
			return 2;
		}
	}
	if (size < PAGE_SZ || passes < 1) {
		fprintf(stderr, "memhog: bad size or pass count\n");
		return 2;
	}
	npages = size / PAGE_SZ;
	buf = mmap(NULL, npages * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "memhog: mmap %llu bytes: %s\n", size, strerror(errno));
		return 2;
	}
	t = now();
	fill_range(buf, npages, 42, random);
	printf("memhog: wrote %zu pages (%llu MiB, %s) in %.1f s\n", npages, size >> 20,
	       random ? "incompressible" : "compressible", now() - t);
	fflush(stdout);
	if (wait > 0)
		sleep(wait);
	for (i = 0; i < passes; i++) {
		t = now();
		bad = check_range(buf, npages, 42, random);
		printf("memhog: pass %d: %zu of %zu pages intact (%.1f s)\n", i + 1,
		       npages - bad, npages, now() - t);
		if (bad)
			return 1;
	}
	return 0;
}

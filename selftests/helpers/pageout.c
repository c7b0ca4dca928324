// SPDX-License-Identifier: GPL-2.0
/*
 * pageout: write N patterned pages (or zero pages with -z), push them out
 * with MADV_PAGEOUT, read them back and verify. Exit 0 when intact.
 * -w SECONDS holds the pages out that long before reading them back (so
 * that others can look at the swapped-out state); "held" on stdout says
 * when they are out.
 *
 *   pageout [-n PAGES] [-z] [-w SECONDS]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest.h"
#include "vswap_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

int main(int argc, char **argv)
{
	size_t n = 1024, i, bad = 0;
	unsigned int wait_s = 0;
	bool zero = false;
	char *buf;
	int c;

	while ((c = getopt(argc, argv, "n:zw:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 0);
			break;
		case 'z':
			zero = true;
			break;
		case 'w':
			wait_s = strtoul(optarg, NULL, 0);
			break;
		default:
			fprintf(stderr, "usage: pageout [-n PAGES] [-z] [-w SECONDS]\n");
			return 2;
		}
	}
	pin_to_one_cpu();
	buf = mmap(NULL, n * PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "pageout: mmap: %s\n", strerror(errno));
		return 2;
	}
	madvise(buf, n * PAGE_SZ, MADV_NOHUGEPAGE);
	if (zero)
		for (i = 0; i < n; i++)
			((volatile char *)buf)[i * PAGE_SZ] = 0;
	else
		fill_range(buf, n, 5, false);
	if (madvise(buf, n * PAGE_SZ, MADV_PAGEOUT)) {
		fprintf(stderr, "pageout: MADV_PAGEOUT: %s\n", strerror(errno));
		return 2;
	}
	if (wait_s) {
		printf("held\n");
		fflush(stdout);
		sleep(wait_s);
	}
	if (zero) {
		for (i = 0; i < n; i++)
			bad += buf[i * PAGE_SZ + 17] != 0;
	} else {
		bad = check_range(buf, n, 5, false);
	}
	if (bad)
		fprintf(stderr, "pageout: %zu of %zu pages differ\n", bad, n);
	return bad ? 1 : 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/* What the `make bench` workloads (usemem, sharer) share. */
#ifndef BENCH_UTIL_H
#define BENCH_UTIL_H

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define PAGE	4096UL

static inline double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "256M", "1G", "64k", "4096" in bytes; 0 when malformed */
static inline unsigned long long parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 0);

	switch (*end) {
	case 'G': case 'g':
		v <<= 10;
		/* fall through */
	case 'M': case 'm':
		v <<= 10;
		/* fall through */
	case 'K': case 'k':
		v <<= 10;
		end++;
	}
	return *end ? 0 : v;
}

/* Pages of @buf whose page-table entry is a swap entry (pagemap), or -1 */
static inline long swapped_pages(const char *buf, size_t npages)
{
	uint64_t pm[512];
	size_t n, i, chunk;
	long count = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -1;
	for (n = 0; n < npages; n += chunk) {
		chunk = npages - n < 512 ? npages - n : 512;
		if (pread(fd, pm, chunk * 8, ((uintptr_t)buf / PAGE + n) * 8) !=
		    (ssize_t)(chunk * 8)) {
			count = -1;
			break;
		}
		for (i = 0; i < chunk; i++)
			count += !!(pm[i] & (1ULL << 62));
	}
	close(fd);
	return count;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * sharer: swapoff and swap-in from disk, for `make bench`.
 *
 *   sharer [-s SIZE] [-n NPROC] [-C CGROUP] (-S SWAPDEV | -R)
 *
 * Maps SIZE (default 64M) of private anonymous memory, fills it, pushes it
 * out with MADV_PAGEOUT (run it in a cgroup with memory.zswap.max=0 so
 * that the pages go to disk), and counts the pages now swapped out
 * (pagemap). With -C (the cgroup directory it runs in), it then asks the
 * cgroup to reclaim (memory.reclaim) so that the pages leave the swap
 * cache once written: what follows reads the disk, not the swap cache.
 * Then:
 *
 *  -S SWAPDEV: forks NPROC-1 children, which inherit the swap entries
 *      without touching the pages, times swapoff(SWAPDEV), and has every
 *      process verify every page. Without virtual swap, swapoff walks the
 *      page tables of each process; with it, the physical slots are read
 *      back through the reverse map and no page table changes.
 *  -R: times one sequential read of the range (swap-in from disk, with
 *      readahead) and verifies it.
 *
 * Prints one line of key=value pairs. Exit 0 when every page of every
 * process read back intact, 1 on a bad page, 2 on error.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "bench_util.h"


static void fill(uint64_t *p, uint64_t idx)
{
	size_t i;

	for (i = 0; i < PAGE / 8; i++)
		p[i] = (idx << 20) ^ (i * 0x9e3779b97f4a7c15ULL);
}

/* Pages of @buf not as fill() wrote them */
static size_t verify(const char *buf, size_t npages)
{
	uint64_t want[PAGE / 8];
	size_t n, bad = 0;

	for (n = 0; n < npages; n++) {
		fill(want, n);
		bad += !!memcmp(buf + n * PAGE, want, PAGE);
	}
	return bad;
}

/*
 * Push the swap cache out: wait for the writes to finish, then have the
 * cgroup reclaim more than it holds. Clean swap cache folios go first.
 */
static int evict(const char *cgroup, size_t npages)
{
	char path[4096], val[32];
	int fd, n;

	sync();
	usleep(500000);
	snprintf(path, sizeof(path), "%s/memory.reclaim", cgroup);
	n = snprintf(val, sizeof(val), "%zu", 2 * npages * PAGE);
	fd = open(path, O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "sharer: %s: %s\n", path, strerror(errno));
		return -1;
	}
	/* EAGAIN: less than asked could be reclaimed, which is expected */
	if (write(fd, val, n) < 0 && errno != EAGAIN) {
		fprintf(stderr, "sharer: write %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long size = 64ULL << 20;
	const char *dev = NULL, *cgroup = NULL;
	int nproc = 1, c, i, status, go[2];
	bool readback = false;
	size_t npages, n, bad;
	long out;
	pid_t *kids;
	double t;
	char *buf;

	while ((c = getopt(argc, argv, "s:n:S:RC:")) != -1) {
		switch (c) {
		case 's':
			size = parse_size(optarg);
			break;
		case 'n':
			nproc = atoi(optarg);
			break;
		case 'S':
			dev = optarg;
			break;
		case 'R':
			readback = true;
			break;
		case 'C':
			cgroup = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (size < PAGE || nproc < 1 || nproc > 1024 || !dev == !readback)
		goto usage;
	npages = size / PAGE;
	buf = mmap(NULL, npages * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		fprintf(stderr, "sharer: mmap %llu bytes: %s\n", size, strerror(errno));
		return 2;
	}
	madvise(buf, npages * PAGE, MADV_NOHUGEPAGE);
	for (n = 0; n < npages; n++)
		fill((uint64_t *)(buf + n * PAGE), n);
	if (madvise(buf, npages * PAGE, MADV_PAGEOUT)) {
		fprintf(stderr, "sharer: MADV_PAGEOUT: %s\n", strerror(errno));
		return 2;
	}
	out = swapped_pages(buf, npages);
	if (cgroup && evict(cgroup, npages))
		return 2;

	if (readback) {
		t = now();
		bad = verify(buf, npages);
		t = now() - t;
		printf("sharer mode=swapin bytes=%zu swapped=%ld seconds=%.3f gbps=%.4f bad=%zu\n",
		       npages * PAGE, out, t, (double)npages * PAGE / t / 1e9, bad);
		return bad ? 1 : 0;
	}

	kids = calloc(nproc, sizeof(*kids));
	if (!kids || pipe(go)) {
		fprintf(stderr, "sharer: %s\n", strerror(errno));
		return 2;
	}
	for (i = 1; i < nproc; i++) {
		char x;

		kids[i] = fork();
		if (kids[i] < 0) {
			fprintf(stderr, "sharer: fork: %s\n", strerror(errno));
			return 2;
		}
		if (!kids[i]) {
			close(go[1]);
			if (read(go[0], &x, 1) != 0)
				_exit(2);
			_exit(verify(buf, npages) ? 1 : 0);
		}
	}
	close(go[0]);
	t = now();
	if (swapoff(dev)) {
		fprintf(stderr, "sharer: swapoff %s: %s\n", dev, strerror(errno));
		close(go[1]);
		return 2;
	}
	t = now() - t;
	close(go[1]);	/* the children verify */
	bad = verify(buf, npages);
	for (i = 1; i < nproc; i++) {
		if (waitpid(kids[i], &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bad++;
	}
	printf("sharer mode=swapoff nproc=%d bytes=%zu swapped=%ld seconds=%.3f bad=%zu\n",
	       nproc, npages * PAGE, out, t, bad);
	return bad ? 1 : 0;
usage:
	fprintf(stderr, "usage: sharer [-s SIZE] [-n NPROC] [-C CGROUP] (-S SWAPDEV | -R)\n");
	return 2;
}

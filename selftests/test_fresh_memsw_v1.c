// SPDX-License-Identifier: GPL-2.0
/*
 * cgroup v1: memory+swap charges of virtual slots are returned when the
 * slots are freed without a swap-in.
 *
 * On cgroup v1 the memory controller charges memory.memsw when a page
 * leaves memory and uncharges it when its swap slot is freed. The memory
 * controller can only move to a v1 hierarchy while no v2 cgroup uses it,
 * dying ones included, so this test needs a fresh boot: 'make check' runs
 * every test_fresh_* in a guest of its own, and run_guest.sh leaves them
 * out of the shared run.
 *
 * With zswap and vswap on and no swap device, a process in a v1 memory
 * cgroup pages out N pages (virtual slots): memsw.usage stays charged for
 * them. Then
 *  1. MADV_DONTNEED of half the range frees their slots: memsw drops by
 *     that half;
 *  2. the process exits with the other half still swapped out: memsw
 *     returns to what the cgroup held before.
 * The old series only dropped the cgroup id's reference: both charges
 * stayed forever.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define V1_ROOT		"/tmp/memcg_v1"
#define V1_CG		V1_ROOT "/vswap_test"
#define NPAGES		2048UL
#define HALF		(NPAGES / 2)
#define SEED		0x51ULL

static long long v1_read(const char *file)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), "%s/%s", V1_CG, file);
	if (read_file(path, buf, sizeof(buf)) < 0)
		return -1;
	return atoll(buf);
}

static int up[2], down[2];

/* In the v1 cgroup: page out, report, drop half on cue, exit on cue. */
static int child(void)
{
	uint64_t pm[NPAGES];
	int swapped = 0;
	size_t i;
	char *buf, c;

	buf = map_fill_pageout(NPAGES, SEED, false);
	if (buf && !pagemap_read(buf, NPAGES, pm))
		for (i = 0; i < NPAGES; i++)
			swapped += !!(pm[i] & PM_SWAP);
	if (write(up[1], &swapped, sizeof(swapped)) != sizeof(swapped) || !buf)
		return 2;
	if (read(down[0], &c, 1) != 1)
		return 2;
	madvise(buf, HALF * PAGE_SZ, MADV_DONTNEED);
	if (write(up[1], &swapped, sizeof(swapped)) != sizeof(swapped))
		return 2;
	if (read(down[0], &c, 1) != 1)
		return 2;
	/* Exit with the other half still swapped out */
	return 0;
}

static int v2_memory_off(void)
{
	return write_file(CGROUP_ROOT "/cgroup.subtree_control", "-memory");
}

int main(void)
{
	long long base, swapped_usage, half_usage, end_usage;
	int swapped = 0, status, i, err = -1;
	char path[64], c = 'g';
	pid_t pid;

	ksft_print_header();
	ksft_set_plan(2);
	vswap_test_setup(NULL);

	/* Hand the memory controller from cgroup v2 to a v1 hierarchy */
	if (v2_memory_off())
		ksft_exit_fail_msg("cannot disable memory in the v2 root\n");
	mkdir(V1_ROOT, 0755);
	for (i = 0; i < 50; i++) {
		err = mount("none", V1_ROOT, "cgroup", 0, "memory");
		if (!err || errno != EBUSY)
			break;
		usleep(100000);
	}
	if (err)
		ksft_exit_fail_msg("mount -t cgroup -o memory %s: %s\n", V1_ROOT, strerror(errno));
	if (mkdir(V1_CG, 0755) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", V1_CG, strerror(errno));
	if (pipe(up) || pipe(down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	base = v1_read("memory.memsw.usage_in_bytes");
	if (base < 0)
		ksft_exit_fail_msg("no memory.memsw.usage_in_bytes (swap accounting off?)\n");

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		ksft_exit_fail_msg("fork: %s\n", strerror(errno));
	if (!pid) {
		snprintf(path, sizeof(path), "%d", getpid());
		if (write_file(V1_CG "/tasks", path))
			_exit(125);
		pin_to_one_cpu();
		_exit(child());
	}
	if (read(up[0], &swapped, sizeof(swapped)) != sizeof(swapped))
		ksft_exit_fail_msg("child failed before paging out\n");
	swapped_usage = v1_read("memory.memsw.usage_in_bytes");
	ksft_print_msg("memsw.usage: %lld before, %lld with %d of %lu pages in virtual slots\n",
		       base, swapped_usage, swapped, NPAGES);
	if (swapped != (int)NPAGES)
		ksft_exit_fail_msg("only %d of %lu pages were swapped out\n", swapped, NPAGES);

	if (write(down[1], &c, 1) != 1 || read(up[0], &swapped, sizeof(swapped)) != sizeof(swapped))
		ksft_exit_fail_msg("child failed at MADV_DONTNEED\n");
	half_usage = v1_read("memory.memsw.usage_in_bytes");
	ksft_test_result(swapped_usage - half_usage >= (long long)(HALF * PAGE_SZ),
			 "MADV_DONTNEED of %lu swapped pages returns their memsw charge (%lld -> %lld)\n",
			 HALF, swapped_usage, half_usage);

	if (write(down[1], &c, 1) != 1)
		ksft_print_msg("cannot release the child\n");
	waitpid(pid, &status, 0);
	end_usage = v1_read("memory.memsw.usage_in_bytes");
	ksft_test_result(WIFEXITED(status) && !WEXITSTATUS(status) &&
			 end_usage <= base + (long long)(HALF * PAGE_SZ) / 8,
			 "exit with %lu pages swapped out returns memsw to where it was (%lld, base %lld)\n",
			 HALF, end_usage, base);

	/*
	 * The hierarchy outlives its unmount while the removed cgroup is
	 * still referenced (page cache, kernel memory), so the controller
	 * cannot go back to cgroup v2 now: this guest runs nothing else.
	 */
	rmdir(V1_CG);
	umount(V1_ROOT);
	ksft_finished();
}

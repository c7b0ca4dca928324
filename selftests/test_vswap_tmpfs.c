// SPDX-License-Identifier: GPL-2.0
/*
 * tmpfs pages swap through virtual slots: a file written in a cgroup with
 * memory.max=32M swaps out to zswap with no swap device, reads back
 * intact, and its slots go when it is removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_tmpfs"
#define MNT		"/tmp/vswap_tmpfs"
#define FILE_PATH	MNT "/data"
#define NPAGES		24576UL		/* 96M */
#define SEED		0x7470ULL

static int writer(void *arg)
{
	char page[PAGE_SZ];
	size_t i;
	int fd;

	(void)arg;
	fd = open(FILE_PATH, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0) {
		ksft_print_msg("open %s: %s\n", FILE_PATH, strerror(errno));
		return 2;
	}
	for (i = 0; i < NPAGES; i++) {
		pattern_fill(page, i, SEED);
		if (pwrite(fd, page, PAGE_SZ, i * PAGE_SZ) != PAGE_SZ) {
			ksft_print_msg("pwrite: %s\n", strerror(errno));
			return 2;
		}
	}
	close(fd);
	return 0;
}

static int reader(void *arg)
{
	char page[PAGE_SZ];
	size_t i, bad = 0;
	int fd;

	(void)arg;
	fd = open(FILE_PATH, O_RDONLY);
	if (fd < 0)
		return 2;
	for (i = 0; i < NPAGES; i++) {
		if (pread(fd, page, PAGE_SZ, i * PAGE_SZ) != PAGE_SZ)
			return 2;
		bad += !pattern_check(page, i, SEED);
	}
	close(fd);
	if (bad)
		ksft_print_msg("%zu of %lu file pages differ\n", bad, NPAGES);
	return bad ? 1 : 0;
}

int main(void)
{
	long long baseline, during, shmem_swapped, after;
	bool drained;
	int ret;

	ksft_print_header();
	ksft_set_plan(4);
	vswap_test_setup(NULL);
	mkdir(MNT, 0755);
	if (mount("tmpfs", MNT, "tmpfs", 0, "size=256M"))
		ksft_exit_fail_msg("mount tmpfs on %s: %s\n", MNT, strerror(errno));
	if (cg_create(CG) || cg_write(CG, "memory.max", "32M"))
		ksft_exit_fail_msg("cannot set up cgroup %s\n", CG);
	baseline = vswap_stat("slots");

	ret = run_in_cgroup(CG, writer, NULL);
	during = vswap_stat("slots");
	shmem_swapped = cg_stat(CG, "zswpout");
	ksft_print_msg("after writing 96M: slots %lld (baseline %lld), zswpout %lld\n",
		       during, baseline, shmem_swapped);
	ksft_test_result(ret == 0, "96M tmpfs file written under memory.max=32M\n");
	ksft_test_result(during - baseline >= (long long)(48 * MB / PAGE_SZ),
			 "at least 48M of it is in virtual slots (%lld pages)\n", during - baseline);
	ret = run_in_cgroup(CG, reader, NULL);
	ksft_test_result(ret == 0, "the file reads back intact\n");
	unlink(FILE_PATH);
	drained = wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_LE, baseline,
				 WAIT_TRIES, NULL, &after);
	ksft_test_result(drained, "removing the file releases its slots (%lld)\n", after);
	umount(MNT);
	cg_destroy(CG);
	zswap_restore();
	ksft_finished();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A BPF object built by 'make tools' (bpf/vmscan_count.bpf.c, through its
 * libbpf skeleton) loads and attaches in the guest; bpftool from the kernel
 * tree lists the loaded programs by id; and the programs really run: a
 * memory.reclaim on the test cgroup moves the per-cgroup counters.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>

#include "kselftest.h"
#include "vswap_util.h"
#include "vswap_libbpf.h"
#include "vmscan_count.h"
#include "vmscan_count.skel.h"

#define CG	"vswap_test_bpf_load"
#define NPAGES	4096UL	/* 16M */

/* Does 'bpftool prog show id ID' name the program? */
static bool bpftool_lists(const char *bpftool, __u32 id, const char *name)
{
	char cmd[4096], line[4096];
	bool found = false;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "'%s' prog show id %u 2>&1", bpftool, id);
	p = popen(cmd, "r");
	if (!p) {
		ksft_print_msg("popen %s: %s\n", cmd, strerror(errno));
		return false;
	}
	while (fgets(line, sizeof(line), p)) {
		if (strstr(line, name) && strstr(line, "tracing"))
			found = true;
		ksft_print_msg("bpftool: %s", line);
	}
	return pclose(p) == 0 && found;
}

static int touch_and_wait(void *arg)
{
	int *pipefd = arg;
	char *buf, c;

	buf = mmap(NULL, NPAGES * PAGE_SZ, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED)
		return 2;
	fill_range(buf, NPAGES, 1, false);
	/* Tell the parent we are charged, then wait until it has reclaimed. */
	if (write(pipefd[1], "r", 1) != 1 || read(pipefd[0], &c, 1) != 1)
		return 2;
	return check_range(buf, NPAGES, 1, false) ? 1 : 0;
}

int main(void)
{
	const char *bpftool = getenv("BPFTOOL");
	struct vmscan_count *skel;
	struct bpf_prog_info info;
	__u32 info_len = sizeof(info);
	char swapfile[4096];
	int up[2], down[2], child_pipe[2];
	pid_t pid;
	int err, status;

	ksft_print_header();
	ksft_set_plan(4);
	libbpf_set_print(vswap_libbpf_print);

	if (!bpftool || access(bpftool, X_OK))
		ksft_exit_fail_msg("BPFTOOL (%s) is not an executable bpftool\n", bpftool ?: "unset");
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	if (cg_create(CG))
		ksft_exit_fail_msg("cannot create cgroup %s\n", CG);

	skel = vmscan_count__open();
	if (!skel)
		ksft_exit_fail_msg("vmscan_count__open: %s\n", strerror(errno));
	skel->rodata->target_cgroup_id = cg_id(CG);
	err = vmscan_count__load(skel);
	if (!err)
		err = vmscan_count__attach(skel);
	ksft_test_result(!err, "vmscan_count.bpf.o loads and attaches (%s)\n",
			 err ? strerror(-err) : "ok");
	if (err)
		goto out;

	memset(&info, 0, sizeof(info));
	err = bpf_prog_get_info_by_fd(bpf_program__fd(skel->progs.memcg_begin), &info, &info_len);
	ksft_test_result(!err && bpftool_lists(bpftool, info.id, "memcg_begin"),
			 "bpftool prog show lists program id %u\n", info.id);

	/* Swap for the reclaim to go to, and a charged child to reclaim from. */
	snprintf(swapfile, sizeof(swapfile), "%s/bpf_load.swap", scratch_dir());
	if (zswap_set_enabled(true) || swapfile_add(swapfile, 64 * MB))
		ksft_exit_fail_msg("swap setup failed\n");
	if (pipe(up) || pipe(down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		child_pipe[0] = down[0];
		child_pipe[1] = up[1];
		if (cg_enter(CG, getpid()))
			_exit(2);
		_exit(touch_and_wait(child_pipe));
	}
	{
		char c;

		if (pid < 0 || read(up[0], &c, 1) != 1)
			ksft_exit_fail_msg("child did not start\n");
	}
	err = cg_write(CG, "memory.reclaim", "8M");
	ksft_print_msg("memory.reclaim 8M: %s; counts: memcg_reclaim %llu memcg_reclaimed %llu\n",
		       err ? strerror(-err) : "ok",
		       (unsigned long long)skel->bss->counts.memcg_reclaim,
		       (unsigned long long)skel->bss->counts.memcg_reclaimed);
	ksft_test_result(skel->bss->counts.memcg_reclaim > 0 &&
			 skel->bss->counts.memcg_reclaimed >= (8 * MB) / PAGE_SZ,
			 "memcg reclaim of the test cgroup is counted (%llu passes, %llu pages)\n",
			 (unsigned long long)skel->bss->counts.memcg_reclaim,
			 (unsigned long long)skel->bss->counts.memcg_reclaimed);
	if (write(down[1], "x", 1) != 1 || waitpid(pid, &status, 0) < 0)
		ksft_exit_fail_msg("child lost\n");
	ksft_test_result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			 "reclaimed pages read back intact\n");
	swapfile_remove(swapfile);
	zswap_restore();
out:
	vmscan_count__destroy(skel);
	cg_destroy(CG);
	ksft_finished();
}

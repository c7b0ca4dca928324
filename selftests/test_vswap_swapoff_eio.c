// SPDX-License-Identifier: GPL-2.0
/*
 * A read error during swapoff poisons one page; it does not make the
 * device impossible to swap off.
 *
 * Pages of a cgroup at memory.zswap.max=0 go to a swap partition
 * (/dev/vdb) through physical slots behind virtual ones. The block
 * layer's fault injection (fail_make_request, times=1) then fails exactly
 * one request while the partition is swapped off. As vanilla swapoff does
 * for an unreadable slot, the swapoff must complete, the page whose read
 * failed must be poisoned (SIGBUS on access; counted in "poisoned" and
 * "read_error" of /sys/kernel/mm/vswap/stat) and every other page must
 * read back intact. The old series returned -EIO from swapoff, every time.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "vswap_util.h"

#define CG		"vswap_test_swapoff_eio"
#define DISK		"/dev/vdb"
#define FAIL_DIR	"/sys/kernel/debug/fail_make_request"
#define MAKE_IT_FAIL	"/sys/block/vdb/make-it-fail"
#define NPAGES		64UL
#define SEED		0xe10ULL

static sigjmp_buf jb;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(jb, 1);
}

struct result {
	int swapped;	/* pages on the virtual device after page-out */
	int sigbus;	/* pages that raised SIGBUS */
	int bad;	/* pages read back wrong */
};

static int up[2], down[2];

/* In the cgroup: page out, report, wait, touch every page. */
static int child(void *arg)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	uint64_t pm[NPAGES];
	struct result r = { 0 };
	volatile size_t i;
	char *buf;
	char c;

	(void)arg;
	buf = map_fill_pageout(NPAGES, SEED, true);
	if (buf && !pagemap_read(buf, NPAGES, pm))
		for (i = 0; i < NPAGES; i++)
			r.swapped += !!(pm[i] & PM_SWAP);
	if (write(up[1], &r, sizeof(r)) != sizeof(r) || !buf)
		return 2;
	if (read(down[0], &c, 1) != 1)
		return 2;
	sigaction(SIGBUS, &sa, NULL);
	for (i = 0; i < NPAGES; i++) {
		const char *p = buf + i * PAGE_SZ;

		if (sigsetjmp(jb, 1)) {
			r.sigbus++;
			continue;
		}
		if (!random_check(p, i, SEED))
			r.bad++;
	}
	return write(up[1], &r, sizeof(r)) == sizeof(r) ? 0 : 2;
}

static int fail_requests(bool on)
{
	if (on)
		return write_file(FAIL_DIR "/verbose", "0") ||
		       write_file(FAIL_DIR "/interval", "1") ||
		       write_file(FAIL_DIR "/probability", "100") ||
		       write_file(FAIL_DIR "/times", "1") ||
		       write_file(MAKE_IT_FAIL, "1");
	return write_file(MAKE_IT_FAIL, "0");
}

int main(void)
{
	long long poisoned0, rerr0, slots0, phys0, cached0, poisoned, rerr, poisoned1, slots1;
	struct result r1 = { 0 }, r2 = { 0 };
	struct stat st;
	bool drained;
	int ret, status = -1;
	pid_t pid;
	char c = 'g';

	ksft_print_header();
	ksft_set_plan(5);
	if (stat(DISK, &st) || !S_ISBLK(st.st_mode))
		ksft_exit_fail_msg("%s: no such block device (the runner adds it)\n", DISK);
	if (access(FAIL_DIR, F_OK) || access(MAKE_IT_FAIL, F_OK))
		ksft_exit_fail_msg("fail_make_request is not available (CONFIG_FAIL_MAKE_REQUEST, debugfs)\n");
	vswap_test_setup(CG);
	if (cg_write(CG, "memory.zswap.max", "0"))
		ksft_exit_fail_msg("cannot set memory.zswap.max\n");
	if (system("mkswap -q " DISK " >/dev/null") || swapon(DISK, 0))
		ksft_exit_fail_msg("swapon %s: %s\n", DISK, strerror(errno));
	poisoned0 = vswap_stat("poisoned");
	rerr0 = vswap_stat("read_error");
	slots0 = vswap_stat("slots");
	phys0 = vswap_stat("phys");
	cached0 = vswap_stat("cached");
	if (pipe(up) || pipe(down))
		ksft_exit_fail_msg("pipe: %s\n", strerror(errno));

	pid = cg_spawn(CG, child, NULL);
	if (pid < 0)
		ksft_exit_fail_msg("cannot start the child\n");
	if (read(up[0], &r1, sizeof(r1)) != sizeof(r1))
		ksft_exit_fail_msg("child failed before paging out\n");
	ksft_test_result(r1.swapped == (int)NPAGES && vswap_stat("phys") - phys0 >= (long long)NPAGES,
			 "%lu pages on %s behind virtual slots (%d swapped, phys +%lld)\n",
			 NPAGES, DISK, r1.swapped, vswap_stat("phys") - phys0);

	/*
	 * The written pages stay in the swap cache until reclaim meets them
	 * (clean, under PG_reclaim); swapoff would find them there and read
	 * nothing. Reclaim them, so that swapoff reads every one from disk.
	 */
	for (int i = 0; i < 20 && vswap_stat("cached") > cached0; i++) {
		cg_write(CG, "memory.reclaim", "1M");
		usleep(100000);
	}
	ksft_print_msg("cached slots: %lld (before the child: %lld)\n",
		       vswap_stat("cached"), cached0);

	if (fail_requests(true))
		ksft_exit_fail_msg("cannot arm fail_make_request\n");
	ret = swapoff(DISK);
	if (ret)
		ksft_print_msg("swapoff: %s\n", strerror(errno));
	fail_requests(false);
	poisoned = vswap_stat("poisoned") - poisoned0;
	rerr = vswap_stat("read_error") - rerr0;
	ksft_test_result(ret == 0, "swapoff completes despite a read error\n");
	ksft_test_result(poisoned == 1 && rerr == 1,
			 "exactly one slot poisoned (poisoned +%lld, read_error +%lld)\n",
			 poisoned, rerr);

	if (write(down[1], &c, 1) != 1 || read(up[0], &r2, sizeof(r2)) != sizeof(r2))
		ksft_print_msg("child did not report\n");
	waitpid(pid, &status, 0);
	ksft_test_result(r2.sigbus == 1 && r2.bad == 0 && WIFEXITED(status) &&
			 !WEXITSTATUS(status),
			 "the poisoned page raises SIGBUS, the other %lu read back intact (%d SIGBUS, %d bad)\n",
			 NPAGES - 1, r2.sigbus, r2.bad);
	drained = wait_for_value("vswap poisoned", read_vswap_stat, "poisoned", WAIT_EQ, poisoned0,
				 WAIT_TRIES, NULL, &poisoned1);
	drained &= wait_for_value("vswap slots", read_vswap_stat, "slots", WAIT_LE, slots0,
				  WAIT_TRIES, NULL, &slots1);
	ksft_test_result(drained,
			 "after exit no slot is left poisoned or in use (poisoned %lld, slots %lld)\n",
			 poisoned1, slots1);

	if (ret)
		swapoff(DISK);
	cg_destroy(CG);
	ksft_finished();
}

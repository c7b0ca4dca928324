// SPDX-License-Identifier: GPL-2.0
/*
 * The edges of the vswap_ops struct_ops that test_vswap_policy does not
 * reach:
 *
 *  - tracepoints: vswap_policy_enable/eject/disable with the policy's name
 *    and exit reason; the source field of vswap_alloc and vswap_store
 *    ("policy" when a policy's answer was carried out, "policy-refused"
 *    for an answer out of range, "default" once the policy is gone);
 *  - a disk answer for a cgroup at memory.swap.max: the limit holds, the
 *    pages over it stay in memory, the refusals are counted, nothing lost;
 *  - bpf_vswap_demote() from demote(): refused for another cgroup than
 *    the one asked about, carried out for that one;
 *  - bpf_vswap_error() from init(): the load fails, with the reason shown;
 *  - one struct_ops map loaded through two links (the second after an
 *    ejection): dropping the first link leaves the policy loaded;
 *  - plain struct_ops maps (no link): loaded by a map update, unloaded by
 *    bpftool struct_ops unregister; one ejected and then deleted does not
 *    unload the policy loaded after it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest.h"
#include "vswap_util.h"
#include "vswap_libbpf.h"
#include "vswap_test_policy.skel.h"
#include "vswap_test_plain.skel.h"

#define CG_A		"vswap_test_policy_edges_a"
#define CG_M		"vswap_test_policy_edges_m"
#define NPAGES		1024UL	/* 4M */
#define SWAP_MAX_PAGES	256UL	/* memory.swap.max of CG_M: 1M */
#define TRACEFS		"/sys/kernel/tracing/"
#define TRACE_BUF	(8 * MB)

static const char * const trace_events[] = {
	"vswap_alloc", "vswap_store", "vswap_policy_enable",
	"vswap_policy_eject", "vswap_policy_disable",
};

/* What a child saw, in memory shared with the test */
struct result {
	pid_t pid;
	long long zswpout, pswpout, zswpwb, swap_current;
	size_t bad;
};

static struct result *res;
static char swapfile[4096];
static char *trace_text;

/* tracefs mounted, the buffer big enough, the events on */
static int trace_setup(void)
{
	char path[256];

	if (access(TRACEFS "trace", F_OK) &&
	    mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL)) {
		ksft_print_msg("mount tracefs: %s\n", strerror(errno));
		return -1;
	}
	if (write_file(TRACEFS "buffer_size_kb", "4096"))
		return -1;
	for (size_t i = 0; i < sizeof(trace_events) / sizeof(trace_events[0]); i++) {
		snprintf(path, sizeof(path), TRACEFS "events/vswap/%s/enable", trace_events[i]);
		if (write_file(path, "1"))
			return -1;
	}
	trace_text = malloc(TRACE_BUF);
	return trace_text ? write_file(TRACEFS "tracing_on", "1") : -1;
}

static void trace_off(void)
{
	char path[256];

	for (size_t i = 0; i < sizeof(trace_events) / sizeof(trace_events[0]); i++) {
		snprintf(path, sizeof(path), TRACEFS "events/vswap/%s/enable", trace_events[i]);
		write_file(path, "0");
	}
}

/* Empty the trace buffer */
static void trace_clear(void)
{
	int fd = open(TRACEFS "trace", O_WRONLY | O_TRUNC);

	if (fd >= 0)
		close(fd);
}

/* The buffer's text, into trace_text */
static void trace_read(void)
{
	size_t len = 0;
	ssize_t n;
	int fd = open(TRACEFS "trace", O_RDONLY);

	trace_text[0] = '\0';
	if (fd < 0)
		return;
	while (len < TRACE_BUF - 1 && (n = read(fd, trace_text + len, TRACE_BUF - 1 - len)) > 0)
		len += n;
	trace_text[len] = '\0';
	close(fd);
}

/*
 * Lines of event @ev in trace_text, of task @pid (0: any), and how many of
 * them contain @needle in @match. A line is matched with its newline, so
 * that a @needle ending in "\n" matches only at the end.
 */
static long trace_count(const char *ev, pid_t pid, const char *needle, long *match)
{
	char evpat[64], pidpat[32], line[1024], *p, *nl, *br, *at;
	size_t len;
	long n = 0;

	snprintf(evpat, sizeof(evpat), " %s: ", ev);
	snprintf(pidpat, sizeof(pidpat), "-%d ", pid);
	*match = 0;
	for (p = trace_text; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			break;
		len = nl - p + 1;
		if (p[0] == '#' || len >= sizeof(line))
			continue;
		memcpy(line, p, len);
		line[len] = '\0';
		br = strstr(line, " [");
		if (!br || !strstr(line, evpat))
			continue;
		at = strstr(line, pidpat);
		if (pid && !(at && at < br))
			continue;
		n++;
		if (strstr(line, needle))
			(*match)++;
	}
	return n;
}

/* Print the first line of event @ev, for the log */
static void trace_show(const char *ev)
{
	char pat[64], *p, *nl;

	snprintf(pat, sizeof(pat), " %s: ", ev);
	p = strstr(trace_text, pat);
	if (!p) {
		ksft_print_msg("no %s event\n", ev);
		return;
	}
	nl = strchr(p, '\n');
	p++;
	ksft_print_msg("%.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
}

/* In cgroup @arg: page out compressible pages, then check them. */
static int swap_child(void *arg)
{
	const char *cg = arg;
	long long zo = cg_stat(cg, "zswpout"), po = cg_stat(cg, "pswpout");
	char *buf;

	res->pid = getpid();
	buf = map_fill_pageout(NPAGES, 0xed9e5ULL, false);
	if (!buf)
		return 2;
	res->zswpout = cg_stat(cg, "zswpout") - zo;
	res->pswpout = cg_stat(cg, "pswpout") - po;
	res->swap_current = cg_read_ll(cg, "memory.swap.current");
	res->bad = check_range(buf, NPAGES, 0xed9e5ULL, false);
	return 0;
}

/* In cgroup @arg: page out compressible pages and keep them out a while */
static int hold_child(void *arg)
{
	const char *cg = arg;
	long long wb = cg_stat(cg, "zswpwb");
	char *buf = map_fill_pageout(NPAGES, 0x401dULL, false);

	if (!buf)
		return 2;
	sleep(3);
	res->zswpwb = cg_stat(cg, "zswpwb") - wb;
	res->bad = check_range(buf, NPAGES, 0x401dULL, false);
	return 0;
}

static int run(const char *cg, int (*fn)(void *))
{
	memset(res, 0, sizeof(*res));
	return run_in_cgroup(cg, fn, (void *)cg);
}

/* Run @cmd with the shell; its exit status */
static int shell(const char *cmd)
{
	int rc = system(cmd);

	return rc < 0 ? rc : WEXITSTATUS(rc);
}

int main(void)
{
	struct vswap_test_policy *tp;
	struct vswap_test_plain *plain;
	struct bpf_link *link, *link2;
	long long rc, seq, rej0, smr0, swap_cur;
	long n, m, n2, m2;
	char cmd[8192], msg[256], want[128];
	const char *bpfdir = getenv("VSWAP_BPF_DIR"), *bpftool = getenv("BPFTOOL");

	ksft_print_header();
	ksft_set_plan(28);
	libbpf_set_print(vswap_libbpf_print);
	if (!scratch_dir())
		ksft_exit_skip("no scratch disk (VSWAP_SCRATCH unset)\n");
	if (!bpfdir || !bpftool)
		ksft_exit_fail_msg("VSWAP_BPF_DIR and BPFTOOL must be set\n");
	res = shared_result(sizeof(*res));
	vswap_test_setup(CG_A);
	snprintf(want, sizeof(want), "%lu", SWAP_MAX_PAGES * PAGE_SZ);
	if (cg_create(CG_M) || cg_write(CG_M, "memory.swap.max", want))
		ksft_exit_fail_msg("cannot set up cgroup %s\n", CG_M);
	snprintf(swapfile, sizeof(swapfile), "%s/policy_edges.swap", scratch_dir());
	if (swapfile_add(swapfile, 64 * MB))
		ksft_exit_fail_msg("cannot set up %s\n", swapfile);
	if (trace_setup())
		ksft_exit_fail_msg("cannot set up tracing\n");

	/* 1: a policy answering virtual and zswap for CG_A */
	tp = vswap_test_policy__open_and_load();
	if (!tp)
		ksft_exit_fail_msg("cannot open the test policy: %s\n", strerror(errno));
	tp->bss->virtual_cgid = cg_id(CG_A);
	tp->bss->zswap_cgid = cg_id(CG_A);
	trace_clear();
	link = bpf_map__attach_struct_ops(tp->maps.vswap_test_policy);
	if (!link)
		ksft_exit_fail_msg("cannot load the test policy: %s\n", strerror(errno));
	seq = policy_ll("enable_seq");
	trace_read();
	trace_show("vswap_policy_enable");
	snprintf(want, sizeof(want), "name=test_policy seq=%lld", seq);
	n = trace_count("vswap_policy_enable", 0, want, &m);
	ksft_test_result(n == 1 && m == 1, "vswap_policy_enable: name and enable_seq\n");

	trace_clear();
	rc = run(CG_A, swap_child);
	trace_read();
	n = trace_count("vswap_alloc", res->pid, "source=policy\n", &m);
	n2 = trace_count("vswap_store", res->pid, "backend=zswap source=policy\n", &m2);
	ksft_print_msg("policy answers: status %lld, zswpout %lld, alloc %ld (%ld policy), store %ld (%ld zswap/policy), %zu bad\n",
		       rc, res->zswpout, n, m, n2, m2, res->bad);
	trace_show("vswap_alloc");
	trace_show("vswap_store");
	ksft_test_result(rc == 0 && n >= (long)NPAGES * 9 / 10 && m == n,
			 "vswap_alloc: source=policy for a virtual answer\n");
	ksft_test_result(rc == 0 && n2 >= (long)NPAGES * 9 / 10 && m2 == n2 && res->bad == 0,
			 "vswap_store: backend=zswap source=policy for a zswap answer, intact\n");

	/* 2: answers out of range: the default applies, source=policy-refused */
	rej0 = policy_ll("nr_rejected");
	tp->bss->bad_mode = 1;
	tp->bss->bad_backend = 1;
	trace_clear();
	rc = run(CG_A, swap_child);
	tp->bss->bad_mode = 0;
	tp->bss->bad_backend = 0;
	trace_read();
	n = trace_count("vswap_alloc", res->pid, "source=policy-refused\n", &m);
	n2 = trace_count("vswap_store", res->pid, "backend=zswap source=policy-refused\n", &m2);
	ksft_print_msg("garbage: status %lld, nr_rejected +%lld, alloc %ld (%ld refused), store %ld (%ld refused), %zu bad\n",
		       rc, policy_ll("nr_rejected") - rej0, n, m, n2, m2, res->bad);
	ksft_test_result(rc == 0 && n >= (long)NPAGES * 9 / 10 && m == n &&
			 n2 >= (long)NPAGES * 9 / 10 && m2 == n2 &&
			 policy_ll("nr_rejected") - rej0 >= n + n2,
			 "answers out of range: source=policy-refused, each counted in nr_rejected\n");
	ksft_test_result(rc == 0 && res->bad == 0 && policy_is("state", "enabled"),
			 "and the default stored the pages intact\n");

	/* 3: a disk answer for a cgroup at memory.swap.max */
	tp->bss->disk_cgid = cg_id(CG_M);
	smr0 = vswap_stat("swap_max_reject");
	trace_clear();
	rc = run(CG_M, swap_child);
	swap_cur = res->swap_current;
	tp->bss->disk_cgid = 0;
	trace_read();
	n = trace_count("vswap_store", res->pid, "backend=phys source=policy\n", &m);
	ksft_print_msg("disk at swap.max: status %lld, pswpout %lld, zswpout %lld, swap.current %lld, swap_max_reject +%lld, store %ld (%ld phys/policy), %zu bad\n",
		       rc, res->pswpout, res->zswpout, swap_cur,
		       vswap_stat("swap_max_reject") - smr0, n, m, res->bad);
	ksft_test_result(rc == 0 && res->pswpout > 0 && res->pswpout <= (long long)SWAP_MAX_PAGES &&
			 res->zswpout == 0,
			 "disk answer at memory.swap.max: at most the limit went to disk, none to zswap\n");
	ksft_test_result(swap_cur > 0 && swap_cur <= (long long)(SWAP_MAX_PAGES * PAGE_SZ),
			 "memory.swap.current stayed within memory.swap.max\n");
	ksft_test_result(vswap_stat("swap_max_reject") - smr0 >=
			 (long long)NPAGES - (long long)SWAP_MAX_PAGES - 16,
			 "the refused pages are counted (swap_max_reject)\n");
	ksft_test_result(n > 0 && m == n && n == res->pswpout && res->bad == 0,
			 "stores carried out were traced as the policy's; every page intact\n");

	/* 4: bpf_vswap_demote() for another cgroup, and for its own */
	rej0 = policy_ll("nr_rejected");
	tp->bss->watch_cgid = cg_id(CG_A);
	tp->bss->demote_foreign = 1;
	tp->bss->demote_self = 64;
	rc = run(CG_A, hold_child);
	tp->bss->watch_cgid = 0;
	ksft_print_msg("demote kfunc: status %lld, demote calls %llu, foreign %lld, self %lld, zswpwb %lld, nr_rejected +%lld, %zu bad\n",
		       rc, (unsigned long long)tp->bss->nr_demote,
		       (long long)tp->bss->foreign_ret, (long long)tp->bss->self_ret,
		       res->zswpwb, policy_ll("nr_rejected") - rej0, res->bad);
	ksft_test_result(tp->bss->foreign_ret == -EINVAL && policy_ll("nr_rejected") > rej0,
			 "bpf_vswap_demote() on a cgroup not asked about: -EINVAL, counted\n");
	ksft_test_result(rc == 0 && tp->bss->self_ret > 0 && tp->bss->self_ret <= 64 &&
			 res->zswpwb >= tp->bss->self_ret && res->bad == 0,
			 "bpf_vswap_demote() on its own cgroup writes pages back; all intact\n");

	/* 5: unload: the disable event, and the default's source */
	trace_clear();
	bpf_link__destroy(link);
	trace_read();
	trace_show("vswap_policy_disable");
	n = trace_count("vswap_policy_disable", 0, "name=test_policy kind=unregistered", &m);
	ksft_test_result(policy_is("state", "none") && n == 1 && m == 1,
			 "vswap_policy_disable: name, kind=unregistered\n");
	trace_clear();
	rc = run(CG_A, swap_child);
	trace_read();
	n = trace_count("vswap_alloc", res->pid, "source=default", &m);
	n2 = trace_count("vswap_store", res->pid, "source=default", &m2);
	ksft_print_msg("no policy: status %lld, alloc %ld (%ld default), store %ld (%ld default), %zu bad\n",
		       rc, n, m, n2, m2, res->bad);
	ksft_test_result(rc == 0 && n >= (long)NPAGES * 9 / 10 && m == n &&
			 n2 >= (long)NPAGES * 9 / 10 && m2 == n2 && res->bad == 0,
			 "with no policy loaded, swap-outs are source=default\n");

	/* 6: bpf_vswap_error() from init() fails the load, with the reason */
	tp->bss->init_error = 1;
	trace_clear();
	link = bpf_map__attach_struct_ops(tp->maps.vswap_test_policy);
	rc = link ? 0 : -errno;
	trace_read();
	policy_read("exit_msg", msg, sizeof(msg));
	ksft_print_msg("init error: load %s, exit_msg \"%s\"\n", strerror((int)-rc), msg);
	ksft_test_result(!link && rc == -EINVAL && policy_is("state", "none") &&
			 policy_is("exit_kind", "error") && strstr(msg, "error from init"),
			 "bpf_vswap_error() in init(): the load fails (EINVAL), the reason shown\n");
	n = trace_count("vswap_policy_enable", 0, "name=test_policy", &m);
	n2 = trace_count("vswap_policy_disable", 0,
			 "name=test_policy kind=error msg=\"test policy: error from init\"", &m2);
	trace_show("vswap_policy_disable");
	ksft_test_result(n == 1 && m == 1 && n2 == 1 && m2 == 1,
			 "traced: vswap_policy_enable, then vswap_policy_disable with the reason\n");
	bpf_link__destroy(link);
	tp->bss->init_error = 0;

	/* 7: one map, two links: only the link that loaded it unloads it */
	link = bpf_map__attach_struct_ops(tp->maps.vswap_test_policy);
	ksft_test_result(link && policy_is("state", "enabled"),
			 "after a failed init() the same policy loads\n");
	if (!link)
		ksft_exit_fail_msg("cannot load the test policy: %s\n", strerror(errno));
	tp->bss->error_now = 1;
	trace_clear();
	rc = run(CG_A, swap_child);
	tp->bss->error_now = 0;
	ksft_test_result(policy_wait_state("ejected", 10) && rc == 0 && res->bad == 0,
			 "bpf_vswap_error(): ejected, the workload intact\n");
	trace_read();
	trace_show("vswap_policy_eject");
	n = trace_count("vswap_policy_eject", 0,
			"name=test_policy kind=error msg=\"test policy: error requested\"", &m);
	n2 = trace_count("vswap_policy_disable", 0, "name=test_policy kind=error", &m2);
	ksft_test_result(n == 1 && m == 1 && n2 == 1 && m2 == 1,
			 "vswap_policy_eject and vswap_policy_disable: kind=error, the message\n");
	link2 = bpf_map__attach_struct_ops(tp->maps.vswap_test_policy);
	ksft_test_result(link2 && policy_is("state", "enabled"),
			 "the ejected map loads again through a second link\n");
	bpf_link__destroy(link);
	ksft_test_result(policy_is("state", "enabled") && policy_is("name", "test_policy"),
			 "dropping the first link leaves it loaded\n");
	bpf_link__destroy(link2);
	ksft_test_result(policy_is("state", "none") && policy_is("exit_kind", "unregistered"),
			 "dropping the second unloads it\n");

	/* 8: a plain struct_ops map, ejected, then deleted under a newer policy */
	plain = vswap_test_plain__open_and_load();
	link = plain ? bpf_map__attach_struct_ops(plain->maps.vswap_plain) : NULL;
	ksft_test_result(link && policy_is("state", "enabled") && policy_is("name", "test_plain"),
			 "a plain struct_ops map loads (map update)\n");
	if (!link)
		ksft_exit_fail_msg("cannot load the plain policy: %s\n", strerror(errno));
	plain->bss->disk_cgid = cg_id(CG_A);
	rc = run(CG_A, swap_child);
	ksft_print_msg("plain policy: status %lld, pswpout %lld, zswpout %lld, %zu bad\n",
		       rc, res->pswpout, res->zswpout, res->bad);
	ksft_test_result(rc == 0 && res->pswpout >= (long long)NPAGES * 9 / 10 &&
			 res->zswpout == 0 && res->bad == 0,
			 "it decides: its cgroup swapped to disk, intact\n");
	plain->bss->error_now = 1;
	rc = run(CG_A, swap_child);
	ksft_test_result(policy_wait_state("ejected", 10) && rc == 0 && res->bad == 0,
			 "it ejects itself; the workload intact\n");
	link2 = bpf_map__attach_struct_ops(tp->maps.vswap_test_policy);
	ksft_test_result(link2 && policy_is("state", "enabled"),
			 "a linked policy loads after it\n");
	bpf_link__destroy(link);	/* deletes the plain map's value: unreg */
	vswap_test_plain__destroy(plain);
	ksft_test_result(policy_is("state", "enabled") && policy_is("name", "test_policy"),
			 "deleting the ejected plain map leaves the newer policy loaded\n");
	bpf_link__destroy(link2);
	vswap_test_policy__destroy(tp);

	/* 9: a plain map through bpftool: register, unregister */
	snprintf(cmd, sizeof(cmd), "'%s' struct_ops register '%s/vswap_test_plain.bpf.o' >/dev/null",
		 bpftool, bpfdir);
	rc = shell(cmd);
	ksft_test_result(rc == 0 && policy_is("state", "enabled") && policy_is("name", "test_plain"),
			 "bpftool struct_ops register loads a plain map (status %lld)\n", rc);
	snprintf(cmd, sizeof(cmd), "'%s' struct_ops unregister name vswap_plain >/dev/null",
		 bpftool);
	rc = shell(cmd);
	ksft_test_result(rc == 0 && policy_wait_state("none", 5) &&
			 policy_is("exit_kind", "unregistered"),
			 "bpftool struct_ops unregister unloads it (status %lld)\n", rc);

	trace_off();
	swapfile_remove(swapfile);
	cg_destroy(CG_A);
	cg_destroy(CG_M);
	ksft_finished();
}

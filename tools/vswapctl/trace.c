// SPDX-License-Identifier: GPL-2.0
/* 'vswapctl trace': count reclaim activity with the vmscan_count BPF object. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/libbpf.h>

#include "json.h"
#include "vswapctl.h"
#include "vmscan_count.h"
#include "vmscan_count.skel.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int trace_vmscan(bool json, unsigned int seconds, const char *cgroup)
{
	struct vmscan_count *skel;
	struct vmscan_counts c;
	char dir[PATH_MAX];
	struct stat st;
	struct json j;
	unsigned int t;
	int err;

	libbpf_set_print(quiet_libbpf);
	skel = vmscan_count__open();
	if (!skel)
		return err_path("cannot open BPF object", "vmscan_count", errno);
	if (cgroup) {
		err = resolve_cgroup(cgroup, dir, sizeof(dir));
		if (!err && stat(dir, &st))
			err = -errno;
		if (err) {
			vmscan_count__destroy(skel);
			return err_path("no cgroup at", dir, err);
		}
		skel->rodata->target_cgroup_id = st.st_ino;
	}
	err = vmscan_count__load(skel);
	if (!err)
		err = vmscan_count__attach(skel);
	if (err) {
		vmscan_count__destroy(skel);
		return err_path("cannot load/attach BPF object", "vmscan_count", err);
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	for (t = 0; t < seconds && !stop; t++)
		sleep(1);
	c = skel->bss->counts;
	vmscan_count__destroy(skel);

	if (json) {
		json_init(&j, stdout);
		json_begin_object(&j, NULL);
		json_int(&j, "seconds", t);
		if (cgroup)
			json_str(&j, "cgroup", dir);
		json_int(&j, "direct_reclaim", c.direct_reclaim);
		json_int(&j, "direct_reclaimed", c.direct_reclaimed);
		json_int(&j, "memcg_reclaim", c.memcg_reclaim);
		json_int(&j, "memcg_reclaimed", c.memcg_reclaimed);
		json_int(&j, "kswapd_wake", c.kswapd_wake);
		json_int(&j, "write_folio", c.write_folio);
		json_end_object(&j);
	} else {
		printf("reclaim activity over %u s%s%s:\n", t, cgroup ? " for " : "", cgroup ? dir : "");
		printf("  %-20s %llu\n", "direct_reclaim", (unsigned long long)c.direct_reclaim);
		printf("  %-20s %llu\n", "direct_reclaimed", (unsigned long long)c.direct_reclaimed);
		printf("  %-20s %llu\n", "memcg_reclaim", (unsigned long long)c.memcg_reclaim);
		printf("  %-20s %llu\n", "memcg_reclaimed", (unsigned long long)c.memcg_reclaimed);
		printf("  %-20s %llu\n", "kswapd_wake", (unsigned long long)c.kswapd_wake);
		printf("  %-20s %llu\n", "write_folio", (unsigned long long)c.write_folio);
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * vswapctl: inspect and steer the kernel's swap (vswap, zswap, swap
 * devices) from the command line.
 *
 *   vswapctl [--json] status
 *   vswapctl [--json] cgroup PATH
 *   vswapctl [--json] trace [--duration SECONDS] [--cgroup PATH]
 *   vswapctl version
 *
 * Exit status: 0 success, 1 a runtime error (message names the path and
 * errno), 2 a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "json.h"
#include "sysinfo.h"
#include "vswapctl.h"

#define VSWAPCTL_VERSION "0.1"

static const char *const vmstat_keys[] = {
	"pswpin", "pswpout", "zswpin", "zswpout", "zswpwb",
	"swpin_zero", "swpout_zero", "swap_ra", "swap_ra_hit",
};

static const char *const meminfo_keys[] = {
	"SwapTotal", "SwapFree", "SwapCached", "Zswap", "Zswapped",
};

static const char *const zswap_params[] = {
	"enabled", "compressor", "max_pool_percent", "accept_threshold_percent",
	"shrinker_enabled",
};

static const char *const memcg_files[] = {
	"memory.current", "memory.max", "memory.high", "memory.swap.current",
	"memory.swap.max", "memory.zswap.current", "memory.zswap.max",
	"memory.zswap.writeback",
};

static const char *const memcg_stat_keys[] = {
	"anon", "file", "shmem", "swapcached", "zswap", "zswapped", "zswap_incomp",
	"pswpin", "pswpout", "zswpin", "zswpout", "zswpwb",
	"vswap_zswap", "vswap_zero",
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static void usage(FILE *out)
{
	fprintf(out,
		"usage: vswapctl [--json] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  status                      swap devices, zswap, vswap and global counters\n"
		"  cgroup PATH                 a cgroup's swap state (PATH under /sys/fs/cgroup or absolute)\n"
		"  trace [-d SECS] [-c PATH]   count reclaim activity with BPF for SECS (default 5)\n"
		"  version                     print the version\n"
		"\n"
		"options:\n"
		"  -j, --json                  machine-readable output\n"
		"  -h, --help                  this text\n"
		"\n"
		"exit status: 0 success, 1 runtime error, 2 usage error\n");
}

/* Strip one trailing newline. */
static char *chomp(char *s)
{
	size_t n = strlen(s);

	if (n && s[n - 1] == '\n')
		s[n - 1] = '\0';
	return s;
}

static int cmd_status(bool json)
{
	static char buf[65536];
	struct swap_dev devs[32];
	char path[PATH_MAX], val[256];
	long long v;
	struct json j;
	int n, err;
	size_t i;

	err = read_text("/proc/swaps", buf, sizeof(buf));
	if (err < 0)
		return err_path("cannot read", "/proc/swaps", err);
	n = parse_proc_swaps(buf, devs, ARRAY_SIZE(devs));
	if (n < 0)
		return err_path("cannot parse", "/proc/swaps", n);

	json_init(&j, stdout);
	if (json) {
		json_begin_object(&j, NULL);
		json_begin_array(&j, "swap_devices");
		for (i = 0; i < (size_t)n; i++) {
			json_begin_object(&j, NULL);
			json_str(&j, "path", devs[i].path);
			json_str(&j, "type", devs[i].type);
			json_int(&j, "size_kb", devs[i].size_kb);
			json_int(&j, "used_kb", devs[i].used_kb);
			json_int(&j, "priority", devs[i].prio);
			json_end_object(&j);
		}
		json_end_array(&j);
	} else {
		printf("swap devices: %d\n", n);
		for (i = 0; i < (size_t)n; i++)
			printf("  %-32s %-10s %10lld kB  used %10lld kB  prio %d\n", devs[i].path,
			       devs[i].type, devs[i].size_kb, devs[i].used_kb, devs[i].prio);
	}

	/* zswap parameters */
	if (json)
		json_begin_object(&j, "zswap");
	else
		printf("zswap:\n");
	for (i = 0; i < ARRAY_SIZE(zswap_params); i++) {
		snprintf(path, sizeof(path), "/sys/module/zswap/parameters/%s", zswap_params[i]);
		if (read_text(path, val, sizeof(val)) < 0)
			continue;
		chomp(val);
		if (json)
			json_str(&j, zswap_params[i], val);
		else
			printf("  %-26s %s\n", zswap_params[i], val);
	}
	if (json)
		json_end_object(&j);

	/* vswap: present with CONFIG_VSWAP */
	err = read_text("/sys/kernel/mm/vswap/stat", buf, sizeof(buf));
	if (err >= 0) {
		char *line, *save = NULL;

		if (json)
			json_begin_object(&j, "vswap");
		else
			printf("vswap:\n");
		if (read_text("/sys/kernel/mm/vswap/enabled", val, sizeof(val)) >= 0) {
			chomp(val);
			if (json)
				json_str(&j, "enabled", val);
			else
				printf("  %-26s %s\n", "enabled", val);
		}
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char key[64];

			if (sscanf(line, "%63s %lld", key, &v) != 2)
				continue;
			if (json)
				json_int(&j, key, v);
			else
				printf("  %-26s %lld\n", key, v);
		}
		if (json)
			json_end_object(&j);
	} else if (json) {
		json_null(&j, "vswap");
	} else {
		printf("vswap: not available (kernel without CONFIG_VSWAP)\n");
	}

	/* meminfo and vmstat counters */
	err = read_text("/proc/meminfo", buf, sizeof(buf));
	if (err < 0)
		return err_path("cannot read", "/proc/meminfo", err);
	if (json)
		json_begin_object(&j, "meminfo_kb");
	else
		printf("meminfo:\n");
	for (i = 0; i < ARRAY_SIZE(meminfo_keys); i++) {
		if (!keyed_get(buf, meminfo_keys[i], &v))
			continue;
		if (json)
			json_int(&j, meminfo_keys[i], v);
		else
			printf("  %-26s %lld kB\n", meminfo_keys[i], v);
	}
	if (json)
		json_end_object(&j);

	err = read_text("/proc/vmstat", buf, sizeof(buf));
	if (err < 0)
		return err_path("cannot read", "/proc/vmstat", err);
	if (json)
		json_begin_object(&j, "vmstat");
	else
		printf("vmstat:\n");
	for (i = 0; i < ARRAY_SIZE(vmstat_keys); i++) {
		if (!keyed_get(buf, vmstat_keys[i], &v))
			continue;
		if (json)
			json_int(&j, vmstat_keys[i], v);
		else
			printf("  %-26s %lld\n", vmstat_keys[i], v);
	}
	if (json) {
		json_end_object(&j);
		json_end_object(&j);
	}
	return 0;
}

static int cmd_cgroup(bool json, const char *arg)
{
	static char buf[16384];
	char dir[PATH_MAX], path[PATH_MAX + 64], val[128];
	struct json j;
	long long v;
	size_t i;
	int err;

	err = resolve_cgroup(arg, dir, sizeof(dir));
	if (err)
		return err_path("no cgroup at", dir, err);
	snprintf(path, sizeof(path), "%s/memory.stat", dir);
	err = read_text(path, buf, sizeof(buf));
	if (err < 0)
		return err_path("cannot read", path, err);

	json_init(&j, stdout);
	if (json) {
		json_begin_object(&j, NULL);
		json_str(&j, "cgroup", dir);
	} else {
		printf("cgroup %s\n", dir);
	}
	for (i = 0; i < ARRAY_SIZE(memcg_files); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, memcg_files[i]);
		if (read_text(path, val, sizeof(val)) < 0)
			continue;
		chomp(val);
		if (json)
			json_str(&j, memcg_files[i], val);
		else
			printf("  %-26s %s\n", memcg_files[i], val);
	}
	if (json)
		json_begin_object(&j, "memory.stat");
	for (i = 0; i < ARRAY_SIZE(memcg_stat_keys); i++) {
		if (!keyed_get(buf, memcg_stat_keys[i], &v))
			continue;
		if (json)
			json_int(&j, memcg_stat_keys[i], v);
		else
			printf("  %-26s %lld\n", memcg_stat_keys[i], v);
	}
	if (json) {
		json_end_object(&j);
		json_end_object(&j);
	}
	return 0;
}

static int cmd_trace(bool json, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "duration", required_argument, NULL, 'd' },
		{ "cgroup", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cgroup = NULL;
	long duration = 5;
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+d:c:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			errno = 0;
			duration = strtol(optarg, &end, 10);
			if (errno || *end || duration < 1 || duration > 86400) {
				fprintf(stderr, "vswapctl: trace: --duration must be 1..86400 seconds, not '%s'\n",
					optarg);
				return EXIT_USAGE;
			}
			break;
		case 'c':
			cgroup = optarg;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "vswapctl: trace: unexpected argument '%s'\n", argv[optind]);
		return EXIT_USAGE;
	}
	return trace_vmscan(json, (unsigned int)duration, cgroup);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	const char *cmd;
	int c;

	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "status") && argc == 1)
		return cmd_status(json);
	if (!strcmp(cmd, "cgroup") && argc == 2)
		return cmd_cgroup(json, argv[1]);
	if (!strcmp(cmd, "trace"))
		return cmd_trace(json, argc, argv);
	if (!strcmp(cmd, "version") && argc == 1) {
		if (json)
			printf("{\"version\":\"%s\"}\n", VSWAPCTL_VERSION);
		else
			printf("vswapctl %s\n", VSWAPCTL_VERSION);
		return 0;
	}
	fprintf(stderr, "vswapctl: unknown command or wrong arguments: '%s' (see vswapctl --help)\n", cmd);
	return EXIT_USAGE;
}

// SPDX-License-Identifier: GPL-2.0
/* 'vswapctl status': vswap, its policy, swap devices, zswap, global counters. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysinfo.h"
#include "vswapctl.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* /sys/kernel/mm/vswap/stat keys, grouped as status shows them */
static const char *const slot_keys[] = { "zswap", "zero", "phys", "cached", "poisoned" };
static const char *const reject_keys[] = {
	"alloc_reject", "backend_reject", "zswap_reject", "phys_reject", "swap_max_reject",
};
static const char *const event_keys[] = { "split", "read_error" };

static const char *const zswap_params[] = {
	"enabled", "compressor", "zpool", "max_pool_percent", "accept_threshold_percent",
	"shrinker_enabled",
};

static const char *const vmstat_keys[] = {
	"pswpin", "pswpout", "zswpin", "zswpout", "zswpwb",
	"swpin_zero", "swpout_zero", "swap_ra", "swap_ra_hit",
};

static unsigned long long get(const char *text, const char *key)
{
	long long v;

	return keyed_get(text, key, &v) && v > 0 ? (unsigned long long)v : 0;
}

static void emit_vswap(struct emitter *e)
{
	static char stat[4096];
	char buf[64];
	size_t i;

	if (read_text(VSWAP_SYSFS "/stat", stat, sizeof(stat)) < 0) {
		em_null(e, "vswap");
		return;
	}
	em_obj(e, "vswap");
	if (read_text(VSWAP_SYSFS "/enabled", buf, sizeof(buf)) >= 0)
		em_bool(e, "enabled", atoi(buf) == 1);
	if (read_text(VSWAP_SYSFS "/size", buf, sizeof(buf)) >= 0)
		em_u64(e, "size_slots", strtoull(buf, NULL, 10), EM_PLAIN);
	em_u64(e, "slots", get(stat, "slots"), EM_PAGES);
	em_obj(e, "slots_by_backend");
	for (i = 0; i < ARRAY_SIZE(slot_keys); i++)
		em_u64(e, slot_keys[i], get(stat, slot_keys[i]), EM_PAGES);
	em_obj_end(e);
	em_u64(e, "clusters", get(stat, "clusters"), EM_PLAIN);
	em_u64(e, "metadata_bytes", get(stat, "metadata_bytes"), EM_BYTES);
	em_obj(e, "rejects");
	for (i = 0; i < ARRAY_SIZE(reject_keys); i++)
		em_u64(e, reject_keys[i], get(stat, reject_keys[i]), EM_PLAIN);
	em_obj_end(e);
	for (i = 0; i < ARRAY_SIZE(event_keys); i++)
		em_u64(e, event_keys[i], get(stat, event_keys[i]), EM_PLAIN);
	em_obj_end(e);
}

static int emit_devices(struct emitter *e)
{
	static char buf[65536];
	struct swap_dev devs[32];
	int n, err;

	err = read_text("/proc/swaps", buf, sizeof(buf));
	if (err < 0)
		return err_path("cannot read", "/proc/swaps", err);
	n = parse_proc_swaps(buf, devs, ARRAY_SIZE(devs));
	if (n < 0)
		return err_path("cannot parse", "/proc/swaps", n);
	em_list(e, "swap_devices");
	for (int i = 0; i < n; i++) {
		em_obj(e, NULL);
		em_str(e, "path", devs[i].path);
		em_str(e, "type", devs[i].type);
		em_u64(e, "size_bytes", (unsigned long long)devs[i].size_kb * 1024, EM_BYTES);
		em_u64(e, "used_bytes", (unsigned long long)devs[i].used_kb * 1024, EM_BYTES);
		em_s64(e, "priority", devs[i].prio);
		em_obj_end(e);
	}
	em_list_end(e);
	return 0;
}

static void emit_zswap(struct emitter *e)
{
	char path[PATH_MAX], val[256];
	char *end;
	long long v;

	em_obj(e, "zswap");
	for (size_t i = 0; i < ARRAY_SIZE(zswap_params); i++) {
		snprintf(path, sizeof(path), "/sys/module/zswap/parameters/%s", zswap_params[i]);
		if (read_text(path, val, sizeof(val)) < 0)
			continue;
		val[strcspn(val, "\n")] = '\0';
		v = strtoll(val, &end, 10);
		if (!strcmp(val, "Y") || !strcmp(val, "N"))
			em_bool(e, zswap_params[i], val[0] == 'Y');
		else if (end != val && !*end)
			em_s64(e, zswap_params[i], v);
		else
			em_str(e, zswap_params[i], val);
	}
	em_obj_end(e);
}

static int emit_counters(struct emitter *e)
{
	static char buf[65536];
	int err;

	err = read_text("/proc/meminfo", buf, sizeof(buf));
	if (err < 0)
		return err_path("cannot read", "/proc/meminfo", err);
	/*
	 * SwapTotal/SwapFree count physical devices only: the virtual device
	 * adds nothing to them (see the admin guide)
	 */
	em_obj(e, "memory");
	em_u64(e, "swap_total_bytes", get(buf, "SwapTotal") * 1024, EM_BYTES);
	em_u64(e, "swap_free_bytes", get(buf, "SwapFree") * 1024, EM_BYTES);
	em_u64(e, "swap_cached_bytes", get(buf, "SwapCached") * 1024, EM_BYTES);
	em_u64(e, "zswap_pool_bytes", get(buf, "Zswap") * 1024, EM_BYTES);
	em_u64(e, "zswapped_bytes", get(buf, "Zswapped") * 1024, EM_BYTES);
	em_obj_end(e);

	err = read_text("/proc/vmstat", buf, sizeof(buf));
	if (err < 0)
		return err_path("cannot read", "/proc/vmstat", err);
	em_obj(e, "events");
	for (size_t i = 0; i < ARRAY_SIZE(vmstat_keys); i++)
		em_u64(e, vmstat_keys[i], get(buf, vmstat_keys[i]), EM_PLAIN);
	em_obj_end(e);
	return 0;
}

int cmd_status(struct emitter *e, int argc, char **argv)
{
	int err;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			 !strcmp(argv[1], "help"))) {
		printf("usage: vswapctl [-j] status\n\n"
		       "vswap (enabled, slots by backend, clusters, metadata bytes, rejects), the swap\n"
		       "policy (name, state, rejected answers, exit reason), swap devices, zswap and\n"
		       "the global swap counters.\n");
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: vswapctl [-j] status\n");
		return EXIT_USAGE;
	}
	err = need_vswap();
	if (err)
		return err;
	em_obj(e, NULL);
	emit_vswap(e);
	policy_show_fields(e);
	err = emit_devices(e);
	if (!err) {
		emit_zswap(e);
		err = emit_counters(e);
	}
	em_obj_end(e);
	return err;
}

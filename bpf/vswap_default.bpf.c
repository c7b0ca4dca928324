// SPDX-License-Identifier: GPL-2.0
/*
 * The default vswap policy: the kernel's built-in behaviour, configurable
 * per cgroup through the pinned map vswap_cfg (see vswap_default.h):
 *
 * - mode: virtual slots (the default) or physical slots directly;
 * - backend: zswap then disk (the default), disk only (optionally one
 *   device), or keep pages in memory;
 * - demote_after_s: zswap pages stored longer ago than this are written
 *   back to disk, coldest first;
 * - zswap_cap_pct: at most this share of the cgroup's swapped pages stays
 *   in zswap; the excess is demoted.
 *
 * How old zswap pages are: every demote round samples the cgroup's count
 * of pages stored in zswap (zswpout). Pages stored in the last
 * demote_after_s seconds are at most "stores now - stores then"; whatever
 * the cgroup holds in zswap beyond that was stored earlier, and that many
 * of its coldest pages are demoted. No page younger than demote_after_s is
 * demoted (up to the zswap LRU's second chance), though an old page may
 * wait until the younger ones it shares the cgroup with leave zswap.
 */
#include "vmlinux.h"
#include "vswap.bpf.h"
#include "vswap_default.h"

char LICENSE[] SEC("license") = "GPL";

#define NSEC_PER_SEC	1000000000ULL
#define NR_SAMPLES	64

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VSWAP_CFG_MAX_CGROUPS);
	__type(key, __u64);
	__type(value, struct vswap_cgroup_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vswap_cfg SEC(".maps");

/* Samples of a cgroup's zswap stores, one per period, oldest overwritten */
struct demote_state {
	__u64	ts[NR_SAMPLES];
	__u64	stores[NR_SAMPLES];
	__u32	head;		/* next slot to write */
	__u32	count;		/* valid samples */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VSWAP_CFG_MAX_CGROUPS);
	__type(key, __u64);
	__type(value, struct demote_state);
} demote_state SEC(".maps");

/* All zero: a new cgroup's first demote_state (too big for the stack) */
static const struct demote_state zero_state;

/* Cumulative counts, for tests and vswapctl */
__u64 nr_mode_calls, nr_backend_calls, nr_demote_calls, nr_demoted;

/* The settings of @memcg: its own, or its nearest configured ancestor's */
static struct vswap_cgroup_cfg *cfg_of(struct mem_cgroup *memcg)
{
	return vswap_cgroup_lookup(&vswap_cfg, memcg);
}

s32 BPF_VSWAP(default_mode, struct mem_cgroup *memcg, u32 order)
{
	struct vswap_cgroup_cfg *cfg = cfg_of(memcg);

	__sync_fetch_and_add(&nr_mode_calls, 1);
	if (!cfg)
		return VSWAP_MODE_DEFAULT;
	switch (cfg->mode) {
	case VSWAP_CFG_MODE_VIRTUAL:
		return VSWAP_MODE_VIRTUAL;
	case VSWAP_CFG_MODE_DIRECT:
		return VSWAP_MODE_DIRECT;
	default:
		return VSWAP_MODE_DEFAULT;
	}
}

u32 BPF_VSWAP(default_backend, struct mem_cgroup *memcg, u32 order)
{
	struct vswap_cgroup_cfg *cfg = cfg_of(memcg);

	__sync_fetch_and_add(&nr_backend_calls, 1);
	if (!cfg)
		return VSWAP_WHERE_DEFAULT;
	switch (cfg->backend) {
	case VSWAP_CFG_BACKEND_ZSWAP:
		return VSWAP_WHERE_ZSWAP;
	case VSWAP_CFG_BACKEND_DISK:
		if (cfg->disk_type >= 0 && cfg->disk_type < 32)
			return VSWAP_WHERE_DISK_ON(cfg->disk_type);
		return VSWAP_WHERE_DISK;
	case VSWAP_CFG_BACKEND_MEMORY:
		return VSWAP_WHERE_MEMORY;
	default:
		return VSWAP_WHERE_DEFAULT;
	}
}

/* Pages of the cgroup's zswap stored more than @age_ns ago, at least */
static __u64 old_zswap_pages(__u64 id, const struct vswap_cgroup_stats *st,
			     __u64 age_ns, __u64 now)
{
	struct demote_state *ds;
	__u64 period = age_ns / (NR_SAMPLES / 2), then = 0, recent;
	__u32 i, idx, last;
	bool found = false;

	if (period < NSEC_PER_SEC / 10)
		period = NSEC_PER_SEC / 10;
	ds = bpf_map_lookup_elem(&demote_state, &id);
	if (!ds) {
		bpf_map_update_elem(&demote_state, &id, &zero_state, BPF_NOEXIST);
		ds = bpf_map_lookup_elem(&demote_state, &id);
		if (!ds)
			return 0;
	}

	/* Sample once per period */
	last = (ds->head + NR_SAMPLES - 1) % NR_SAMPLES;
	if (!ds->count || now - ds->ts[last & (NR_SAMPLES - 1)] >= period) {
		idx = ds->head & (NR_SAMPLES - 1);
		ds->ts[idx] = now;
		ds->stores[idx] = st->zswap_stores;
		ds->head = (ds->head + 1) % NR_SAMPLES;
		if (ds->count < NR_SAMPLES)
			ds->count++;
	}

	/* The newest sample at least @age_ns old */
	for (i = 1; i <= NR_SAMPLES; i++) {
		if (i > ds->count)
			break;
		idx = (ds->head + NR_SAMPLES - i) & (NR_SAMPLES - 1);
		if (now - ds->ts[idx] >= age_ns) {
			then = ds->stores[idx];
			found = true;
			break;
		}
	}
	if (!found)
		return 0;
	recent = st->zswap_stores - then;
	return st->zswap_pages > recent ? st->zswap_pages - recent : 0;
}

u64 BPF_VSWAP(default_demote, struct mem_cgroup *memcg,
	      const struct vswap_cgroup_stats *st)
{
	struct vswap_cgroup_cfg *cfg = cfg_of(memcg);
	__u64 id = vswap_cgroup_id(memcg), now = bpf_ktime_get_ns();
	__u64 nr = 0, by_age, swapped, allowed;

	__sync_fetch_and_add(&nr_demote_calls, 1);
	if (!cfg)
		return 0;
	if (cfg->demote_after_s) {
		by_age = old_zswap_pages(id, st, cfg->demote_after_s * NSEC_PER_SEC, now);
		if (by_age > nr)
			nr = by_age;
	}
	if (cfg->zswap_cap_pct && cfg->zswap_cap_pct < 100) {
		swapped = st->zswap_pages + st->disk_pages;
		allowed = swapped * cfg->zswap_cap_pct / 100;
		if (st->zswap_pages > allowed && st->zswap_pages - allowed > nr)
			nr = st->zswap_pages - allowed;
	}
	if (nr > st->zswap_pages)
		nr = st->zswap_pages;
	if (nr > VSWAP_DEMOTE_MAX_PAGES)
		nr = VSWAP_DEMOTE_MAX_PAGES;
	__sync_fetch_and_add(&nr_demoted, nr);
	return nr;
}

void BPF_VSWAP(default_cgroup_exit, struct mem_cgroup *memcg)
{
	__u64 id = vswap_cgroup_id(memcg);

	bpf_map_delete_elem(&demote_state, &id);
	bpf_map_delete_elem(&vswap_cfg, &id);
}

VSWAP_OPS_DEFINE(vswap_default,
	.mode		= (void *)default_mode,
	.backend	= (void *)default_backend,
	.demote		= (void *)default_demote,
	.cgroup_exit	= (void *)default_cgroup_exit,
	.name		= "default");

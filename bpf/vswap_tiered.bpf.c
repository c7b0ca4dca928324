// SPDX-License-Identifier: GPL-2.0
/*
 * Example policy: tiers by cgroup class.
 *
 * The pinned map vswap_tiers gives a cgroup (and the cgroups below it) a
 * class:
 *
 * - TIER_LATENCY: stays compressed. Its pages go to zswap and are never
 *   demoted by the policy (zswap's own limits still apply).
 * - TIER_BATCH: compressed first, then drained to disk: every interval a
 *   quarter of its zswap pages are demoted, coldest first - unless its
 *   pages came back from disk at more than batch_max_disk_refaults per
 *   second in the last interval: then they are hot, and demotion waits.
 * - TIER_BULK: straight to the slow disk (the swap device of type
 *   slow_type, set by the loader; -1: any), zswap not tried: data that is
 *   written once and read rarely.
 *
 * Unclassified cgroups get the built-in default. Demoted and refused pages
 * go to the swap devices in priority order, so the fast disk (higher
 * priority) fills first; bulk data goes to the slow one by name.
 *
 * The default policy cannot do this: it has no notion of refaults, and its
 * demotion is by age alone.
 */
#include "vmlinux.h"
#include "vswap.bpf.h"

char LICENSE[] SEC("license") = "GPL";

enum tier { TIER_NONE, TIER_LATENCY, TIER_BATCH, TIER_BULK };

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);	/* cgroup id */
	__type(value, __u32);	/* enum tier */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vswap_tiers SEC(".maps");

/* Disk refaults of a cgroup since its last demote round */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);
	__type(value, __u64);
} disk_refaults SEC(".maps");

const volatile __s32 slow_type = -1;
const volatile __u64 batch_max_disk_refaults = 256;	/* per second */

__u64 nr_demoted, nr_paused;

static __u32 tier_of(struct mem_cgroup *memcg)
{
	__u32 *tier = vswap_cgroup_lookup(&vswap_tiers, memcg);

	return tier ? *tier : TIER_NONE;
}

u32 BPF_VSWAP(tiered_backend, struct mem_cgroup *memcg, u32 order)
{
	switch (tier_of(memcg)) {
	case TIER_LATENCY:
	case TIER_BATCH:
		return VSWAP_WHERE_ZSWAP;
	case TIER_BULK:
		return slow_type >= 0 ? VSWAP_WHERE_DISK_ON(slow_type) : VSWAP_WHERE_DISK;
	default:
		return VSWAP_WHERE_DEFAULT;
	}
}

void BPF_VSWAP(tiered_refault, struct mem_cgroup *memcg, u32 source, u32 nr_pages)
{
	__u64 id, *cnt, one;

	if (source != VSWAP_SOURCE_DISK || tier_of(memcg) != TIER_BATCH)
		return;
	id = vswap_cgroup_id(memcg);
	cnt = bpf_map_lookup_elem(&disk_refaults, &id);
	if (cnt) {
		__sync_fetch_and_add(cnt, nr_pages);
	} else {
		one = nr_pages;
		bpf_map_update_elem(&disk_refaults, &id, &one, BPF_NOEXIST);
	}
}

u64 BPF_VSWAP(tiered_demote, struct mem_cgroup *memcg,
	      const struct vswap_cgroup_stats *st)
{
	__u64 id = vswap_cgroup_id(memcg), *cnt, refaults = 0, nr;

	if (tier_of(memcg) != TIER_BATCH)
		return 0;
	cnt = bpf_map_lookup_elem(&disk_refaults, &id);
	if (cnt) {
		refaults = *cnt;
		*cnt = 0;
	}
	/* demote_interval_ms is 1000: refaults per round are per second */
	if (refaults > batch_max_disk_refaults) {
		__sync_fetch_and_add(&nr_paused, 1);
		return 0;
	}
	nr = st->zswap_pages / 4;
	if (!nr)
		nr = st->zswap_pages;
	if (nr > VSWAP_DEMOTE_MAX_PAGES)
		nr = VSWAP_DEMOTE_MAX_PAGES;
	__sync_fetch_and_add(&nr_demoted, nr);
	return nr;
}

void BPF_VSWAP(tiered_cgroup_exit, struct mem_cgroup *memcg)
{
	__u64 id = vswap_cgroup_id(memcg);

	bpf_map_delete_elem(&disk_refaults, &id);
	bpf_map_delete_elem(&vswap_tiers, &id);
}

VSWAP_OPS_DEFINE(vswap_tiered,
	.backend	= (void *)tiered_backend,
	.refault	= (void *)tiered_refault,
	.demote		= (void *)tiered_demote,
	.cgroup_exit	= (void *)tiered_cgroup_exit,
	.demote_interval_ms = 1000,
	.name		= "tiered");

// SPDX-License-Identifier: GPL-2.0
/*
 * Count page-reclaim activity from the vmscan tracepoints: reclaim passes
 * (direct, memcg-targeted, kswapd wakeups), the pages they reclaimed, and
 * folios written out by reclaim.  When target_cgroup_id is set, memcg
 * reclaim is only counted for that cgroup.
 *
 * Used by 'vswapctl trace' and by the selftests.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "vmscan_count.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load; 0 counts every cgroup. */
const volatile __u64 target_cgroup_id;

struct vmscan_counts counts;

static __always_inline bool memcg_matches(struct mem_cgroup *memcg)
{
	__u64 id;

	if (!target_cgroup_id)
		return true;
	if (!memcg)
		return false;
	id = BPF_CORE_READ(memcg, css.cgroup, kn, id);
	return id == target_cgroup_id;
}

SEC("tp_btf/mm_vmscan_direct_reclaim_begin")
int BPF_PROG(direct_begin, gfp_t gfp_flags, int order, struct mem_cgroup *memcg)
{
	__sync_fetch_and_add(&counts.direct_reclaim, 1);
	return 0;
}

SEC("tp_btf/mm_vmscan_direct_reclaim_end")
int BPF_PROG(direct_end, unsigned long nr_reclaimed, struct mem_cgroup *memcg)
{
	__sync_fetch_and_add(&counts.direct_reclaimed, nr_reclaimed);
	return 0;
}

SEC("tp_btf/mm_vmscan_memcg_reclaim_begin")
int BPF_PROG(memcg_begin, gfp_t gfp_flags, int order, struct mem_cgroup *memcg)
{
	if (memcg_matches(memcg))
		__sync_fetch_and_add(&counts.memcg_reclaim, 1);
	return 0;
}

SEC("tp_btf/mm_vmscan_memcg_reclaim_end")
int BPF_PROG(memcg_end, unsigned long nr_reclaimed, struct mem_cgroup *memcg)
{
	if (memcg_matches(memcg))
		__sync_fetch_and_add(&counts.memcg_reclaimed, nr_reclaimed);
	return 0;
}

SEC("tp_btf/mm_vmscan_kswapd_wake")
int BPF_PROG(kswapd_wake, int nid, int zid, int order)
{
	__sync_fetch_and_add(&counts.kswapd_wake, 1);
	return 0;
}

SEC("tp_btf/mm_vmscan_write_folio")
int BPF_PROG(write_folio, struct folio *folio)
{
	__sync_fetch_and_add(&counts.write_folio, 1);
	return 0;
}

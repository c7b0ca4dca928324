// SPDX-License-Identifier: GPL-2.0
/*
 * Example policy: named cgroups bypass the virtual swap layer.
 *
 * A cgroup whose id is in the pinned map vswap_direct_cgroups (and every
 * cgroup below it) swaps straight to physical swap devices, as a kernel
 * without vswap would: no virtual slot, no zswap, one swap entry per page
 * pointing at the disk. Everyone else gets the built-in default.
 *
 * Why: a workload that is known to be cold-and-large (a backup, a batch
 * import) gains nothing from zswap and would only push others' pages out
 * of the pool; one that must stay swappable while zswap is off for
 * everybody else. The default policy cannot express "no virtual slot" per
 * cgroup tree from a single entry; this one does.
 *
 *   bpftool struct_ops register vswap_direct.bpf.o /sys/fs/bpf
 *   bpftool map update pinned /sys/fs/bpf/vswap_direct_cgroups \
 *           key <cgroup id as 8 bytes> value 1 0 0 0
 */
#include "vmlinux.h"
#include "vswap.bpf.h"

char LICENSE[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u64);	/* cgroup id */
	__type(value, __u32);	/* non-zero: direct */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} vswap_direct_cgroups SEC(".maps");

__u64 nr_direct;

static bool is_direct(struct mem_cgroup *memcg)
{
	__u32 *on = vswap_cgroup_lookup(&vswap_direct_cgroups, memcg);

	return on && *on;
}

s32 BPF_VSWAP(direct_mode, struct mem_cgroup *memcg, u32 order)
{
	if (!is_direct(memcg))
		return VSWAP_MODE_DEFAULT;
	__sync_fetch_and_add(&nr_direct, 1);
	return VSWAP_MODE_DIRECT;
}

void BPF_VSWAP(direct_cgroup_exit, struct mem_cgroup *memcg)
{
	__u64 id = vswap_cgroup_id(memcg);

	bpf_map_delete_elem(&vswap_direct_cgroups, &id);
}

VSWAP_OPS_DEFINE(vswap_direct,
	.mode		= (void *)direct_mode,
	.cgroup_exit	= (void *)direct_cgroup_exit,
	.name		= "direct");

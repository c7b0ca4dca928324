// SPDX-License-Identifier: GPL-2.0
/*
 * A vswap policy in a plain struct_ops map (section ".struct_ops", no
 * link): registered by updating the map (bpftool struct_ops register
 * without a pin directory, or a skeleton), unregistered by deleting it
 * (bpftool struct_ops unregister). It sends the pages of one cgroup to
 * disk and ejects itself on request.
 */
#include "vmlinux.h"
#include "vswap.bpf.h"

char LICENSE[] SEC("license") = "GPL";

__u64 disk_cgid;
__u32 error_now;
__u64 nr_backend;

u32 BPF_VSWAP(plain_backend, struct mem_cgroup *memcg, u32 order)
{
	__sync_fetch_and_add(&nr_backend, 1);
	if (error_now) {
		bpf_vswap_error("plain policy: error requested");
		return VSWAP_WHERE_DEFAULT;
	}
	if (disk_cgid && vswap_cgroup_id(memcg) == disk_cgid)
		return VSWAP_WHERE_DISK;
	return VSWAP_WHERE_DEFAULT;
}

SEC(".struct_ops")
struct vswap_ops vswap_plain = {
	.backend	= (void *)plain_backend,
	.name		= "test_plain",
};

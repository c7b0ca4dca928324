// SPDX-License-Identifier: GPL-2.0
/*
 * A vswap policy for the selftests, steered through its global variables:
 * which cgroups go direct or virtual, to zswap, to disk or stay in memory,
 * garbage answers, an error exit on request (also from init()), fixed
 * demote answers, bpf_vswap_demote() calls of its own; and what it was
 * told (refaults by source, cgroup events, the exit reason).
 */
#include "vmlinux.h"
#include "vswap.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* memcg kfuncs of mm/bpf_memcontrol.c */
extern struct mem_cgroup *bpf_get_root_mem_cgroup(void) __ksym;
extern void bpf_put_mem_cgroup(struct mem_cgroup *memcg) __ksym;

/* Steering, set by the test */
__u64 direct_cgid, virtual_cgid, disk_cgid, memory_cgid, zswap_cgid, watch_cgid;
__s32 disk_type = -1;
__u32 bad_mode, bad_backend, error_now, init_error;
__u64 demote_answer;
/* demote(): bpf_vswap_demote() this many of the watched cgroup's pages */
__u64 demote_self;
/* demote(): bpf_vswap_demote() a page of the root cgroup instead */
__u32 demote_foreign;

/* What the policy saw */
__u64 nr_mode, nr_backend, nr_demote, nr_init, nr_exit;
__u64 refaults[VSWAP_SOURCE_NR];
__u64 cgroup_inits, cgroup_exits, watch_inits, watch_exits;
__u64 demote_zswap_pages;
__u32 exit_kind;
char exit_msg[VSWAP_EXIT_MSG_LEN];
/*
 * What bpf_vswap_demote() returned: the first call on another cgroup, the
 * first non-zero answer on its own (pages still in the swap cache, just
 * stored, cannot be written back yet: 0)
 */
__s64 self_ret, foreign_ret;
__u32 self_done, foreign_done;

s32 BPF_VSWAP(test_mode, struct mem_cgroup *memcg, u32 order)
{
	__u64 id = vswap_cgroup_id(memcg);

	__sync_fetch_and_add(&nr_mode, 1);
	if (error_now) {
		bpf_vswap_error("test policy: error requested");
		return VSWAP_MODE_DEFAULT;
	}
	if (bad_mode)
		return 77;
	if (id && id == direct_cgid)
		return VSWAP_MODE_DIRECT;
	if (id && id == virtual_cgid)
		return VSWAP_MODE_VIRTUAL;
	return VSWAP_MODE_DEFAULT;
}

u32 BPF_VSWAP(test_backend, struct mem_cgroup *memcg, u32 order)
{
	__u64 id = vswap_cgroup_id(memcg);

	__sync_fetch_and_add(&nr_backend, 1);
	if (bad_backend)
		return 0x7fff;
	if (id && id == disk_cgid)
		return disk_type >= 0 ? VSWAP_WHERE_DISK_ON(disk_type) : VSWAP_WHERE_DISK;
	if (id && id == memory_cgid)
		return VSWAP_WHERE_MEMORY;
	if (id && id == zswap_cgid)
		return VSWAP_WHERE_ZSWAP;
	return VSWAP_WHERE_DEFAULT;
}

u64 BPF_VSWAP_SLEEPABLE(test_demote, struct mem_cgroup *memcg,
	      const struct vswap_cgroup_stats *st)
{
	__u64 id = vswap_cgroup_id(memcg);

	if (!watch_cgid || id != watch_cgid)
		return 0;
	__sync_fetch_and_add(&nr_demote, 1);
	demote_zswap_pages = st->zswap_pages;
	if (demote_foreign && !foreign_done) {
		struct mem_cgroup *root = bpf_get_root_mem_cgroup();

		if (root) {
			foreign_ret = bpf_vswap_demote(root, 1);
			foreign_done = 1;
			bpf_put_mem_cgroup(root);
		}
	}
	/* Within the budget: what the cgroup has in zswap */
	if (demote_self && !self_done && st->zswap_pages) {
		self_ret = bpf_vswap_demote(memcg, demote_self < st->zswap_pages ?
						   demote_self : st->zswap_pages);
		self_done = self_ret != 0;
	}
	return demote_answer;
}

void BPF_VSWAP(test_refault, struct mem_cgroup *memcg, u32 source, u32 nr_pages)
{
	if (!watch_cgid || vswap_cgroup_id(memcg) != watch_cgid)
		return;
	if (source < VSWAP_SOURCE_NR)
		__sync_fetch_and_add(&refaults[source], nr_pages);
}

s32 BPF_VSWAP_SLEEPABLE(test_init)
{
	__sync_fetch_and_add(&nr_init, 1);
	if (init_error)
		bpf_vswap_error("test policy: error from init");
	return 0;
}

void BPF_VSWAP_SLEEPABLE(test_exit, struct vswap_exit_info *info)
{
	__sync_fetch_and_add(&nr_exit, 1);
	exit_kind = info->kind;
	bpf_probe_read_kernel_str(exit_msg, sizeof(exit_msg), info->msg);
}

void BPF_VSWAP(test_cgroup_init, struct mem_cgroup *memcg)
{
	__sync_fetch_and_add(&cgroup_inits, 1);
	if (watch_cgid && vswap_cgroup_id(memcg) == watch_cgid)
		__sync_fetch_and_add(&watch_inits, 1);
}

void BPF_VSWAP(test_cgroup_exit, struct mem_cgroup *memcg)
{
	__sync_fetch_and_add(&cgroup_exits, 1);
	if (watch_cgid && vswap_cgroup_id(memcg) == watch_cgid)
		__sync_fetch_and_add(&watch_exits, 1);
}

VSWAP_OPS_DEFINE(vswap_test_policy,
	.mode		= (void *)test_mode,
	.backend	= (void *)test_backend,
	.demote		= (void *)test_demote,
	.refault	= (void *)test_refault,
	.init		= (void *)test_init,
	.exit		= (void *)test_exit,
	.cgroup_init	= (void *)test_cgroup_init,
	.cgroup_exit	= (void *)test_cgroup_exit,
	.demote_interval_ms = 200,
	.name		= "test_policy");

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a vswap swap policy (struct vswap_ops, a BPF struct_ops) needs:
 * the definition macros, the kfuncs, and a helper or two. Include after
 * "vmlinux.h", which has struct vswap_ops, struct vswap_cgroup_stats and
 * the answer enums (VSWAP_MODE_*, VSWAP_WHERE_*, VSWAP_SOURCE_*).
 *
 * A policy:
 *
 *	#include "vmlinux.h"
 *	#include "vswap.bpf.h"
 *
 *	s32 BPF_VSWAP(my_mode, struct mem_cgroup *memcg, u32 order)
 *	{
 *		return VSWAP_MODE_DEFAULT;
 *	}
 *
 *	VSWAP_OPS_DEFINE(my_policy,
 *		.mode	= (void *)my_mode,
 *		.name	= "my_policy");
 *
 * Callbacks that may sleep (demote, init, exit) are declared with
 * BPF_VSWAP_SLEEPABLE. See Documentation/policy-guide.rst.
 */
#ifndef __VSWAP_BPF_H
#define __VSWAP_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

/* Kernel limits (include/linux/vswap_ops.h): macros are not in BTF */
#define VSWAP_OPS_NAME_LEN		32
#define VSWAP_EXIT_MSG_LEN		128
#define VSWAP_DEMOTE_MAX_PAGES		8192
#define VSWAP_DEMOTE_INTERVAL_MIN	100
#define VSWAP_DEMOTE_INTERVAL_MAX	60000

/* The policy itself: a struct_ops map that bpftool or a skeleton attaches */
#define VSWAP_OPS_DEFINE(__name, ...)					\
	SEC(".struct_ops.link")						\
	struct vswap_ops __name = {					\
		__VA_ARGS__,						\
	}

/* A callback that must not sleep: mode, backend, refault, cgroup_*. */
#define BPF_VSWAP(name, args...)					\
	SEC("struct_ops/" #name)					\
	BPF_PROG(name, ##args)

/* A callback that may sleep: demote, init, exit. */
#define BPF_VSWAP_SLEEPABLE(name, args...)				\
	SEC("struct_ops.s/" #name)					\
	BPF_PROG(name, ##args)

/* A disk answer for the backend callback, naming swap device @type */
#define VSWAP_WHERE_DISK_ON(type)					\
	(VSWAP_WHERE_DISK | (((type) + 1) << VSWAP_WHERE_DEVICE_SHIFT))

/* Eject the policy, with a reason shown in /sys/kernel/mm/vswap/policy/. */
extern void bpf_vswap_error(const char *msg__str) __ksym;

/* Fill @stats for @memcg (sizeof(*stats) as @stats__sz). */
extern int bpf_vswap_cgroup_stats(struct mem_cgroup *memcg,
				  struct vswap_cgroup_stats *stats,
				  __u32 stats__sz) __ksym;

/* Demote @nr of @memcg's coldest zswap pages now (demote callback only). */
extern __s64 bpf_vswap_demote(struct mem_cgroup *memcg, __u64 nr) __ksym;

/*
 * The cgroup id of @memcg, as in cgroupfs (name_to_handle_at, stat -c %i).
 * The callbacks' @memcg is a BTF pointer: the fields are read directly
 * (CO-RE relocated plain loads, a fault reads as 0), not through
 * bpf_probe_read_kernel(), a helper call per field that showed up as 2 %
 * of the kernel's time in `make bench`'s P5 profile.
 */
static __always_inline __u64 vswap_cgroup_id(struct mem_cgroup *memcg)
{
	return memcg->css.cgroup->kn->id;
}

/* The parent of @memcg, or NULL for the root (css is mem_cgroup's first member) */
static __always_inline struct mem_cgroup *vswap_cgroup_parent(struct mem_cgroup *memcg)
{
	return (struct mem_cgroup *)memcg->css.parent;
}

/* How far up vswap_cgroup_lookup() looks */
#define VSWAP_CGROUP_MAX_DEPTH	16

/*
 * The value for @memcg in @map, a hash map keyed by cgroup id, or for its
 * nearest ancestor that has one; NULL if none within
 * VSWAP_CGROUP_MAX_DEPTH levels has. Per-cgroup settings that subtrees
 * inherit.
 */
static __always_inline void *vswap_cgroup_lookup(void *map, struct mem_cgroup *memcg)
{
	void *val;
	__u64 id;
	int i;

	for (i = 0; i < VSWAP_CGROUP_MAX_DEPTH && memcg; i++) {
		id = vswap_cgroup_id(memcg);
		val = bpf_map_lookup_elem(map, &id);
		if (val)
			return val;
		memcg = vswap_cgroup_parent(memcg);
	}
	return NULL;
}

#endif /* __VSWAP_BPF_H */

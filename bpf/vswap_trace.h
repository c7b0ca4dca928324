/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The records vswap_trace.bpf.c sends to 'vswapctl trace' through its ring
 * buffer: one per vswap tracepoint hit that passes the filters.
 */
#ifndef __VSWAP_TRACE_H
#define __VSWAP_TRACE_H

enum vswap_trace_kind {
	VT_ALLOC,		/* vswap_alloc: virtual slots for a folio */
	VT_STORE,		/* vswap_store: the data went to a backend */
	VT_LOAD,		/* vswap_load: read back from a backend */
	VT_FREE,		/* vswap_free: slots freed */
	VT_REALLOC,		/* vswap_realloc: backend changed (demotion, ...) */
	VT_UNUSE,		/* vswap_unuse: swapoff moved slots off a device */
	VT_POLICY_ENABLE,	/* vswap_policy_enable */
	VT_POLICY_EJECT,	/* vswap_policy_eject */
	VT_POLICY_DISABLE,	/* vswap_policy_disable */
	VT_NR_KINDS,
};

/* The kernel's VSWAP_OPS_NAME_LEN and VSWAP_EXIT_MSG_LEN */
#define VT_STR_LEN	32
#define VT_MSG_LEN	128

struct vswap_trace_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns() */
	/*
	 * alloc: the folio's memcg (0: uncharged); store, load, free: the
	 * cgroup of the task that hit it; realloc, unuse, policy events: 0
	 * (they run in kernel workers or the loader, for no one cgroup)
	 */
	__u64 cgroup_id;
	__u64 offset;		/* virtual slot (policy events: enable_seq) */
	__u64 phys_offset;	/* realloc/unuse: the physical slot */
	__u32 kind;		/* enum vswap_trace_kind */
	__u32 pid;
	__u32 nr;		/* slots */
	__s32 source;		/* alloc/store: enum vswap_decision; policy exits: kind */
	__u32 phys_type;
	__u32 pad;
	char comm[16];
	char a[VT_STR_LEN];	/* backend; realloc: from; policy: name */
	char b[VT_STR_LEN];	/* realloc: to */
	char msg[VT_MSG_LEN];	/* policy exits: the reason */
};

#endif /* __VSWAP_TRACE_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * Stream the vswap tracepoints to user space ('vswapctl trace') through a
 * ring buffer, filtered here by event kind and cgroup so that a filtered
 * event costs a branch, not a record. Records that do not fit are counted
 * in nr_dropped.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "vswap_trace.h"

char LICENSE[] SEC("license") = "GPL";

/* Set before load: a bit per enum vswap_trace_kind; the one cgroup id, 0 all */
const volatile __u32 kind_mask = ~0u;
const volatile __u64 filter_cgroup_id;

__u64 nr_dropped;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);	/* about 30k events */
} events SEC(".maps");

/* A swap entry's value on x86-64: 5 type bits above 58 offset bits */
#define VT_OFFSET_BITS	58
#define vt_offset(val)	((val) & ((1ULL << VT_OFFSET_BITS) - 1))
#define vt_type(val)	((__u32)((val) >> VT_OFFSET_BITS))

/* How an event is attributed to a cgroup (vswap_trace.h: cgroup_id) */
enum vt_owner {
	VT_BY_FOLIO,	/* the cgroup id the event carries */
	VT_BY_TASK,	/* the current task's */
	VT_BY_NONE,	/* none: the cgroup filter lets it through */
};

static __always_inline struct vswap_trace_event *reserve(__u32 kind, enum vt_owner owner,
							 __u64 cgid)
{
	struct vswap_trace_event *ev;

	if (!(kind_mask & (1u << kind)))
		return NULL;
	if (owner == VT_BY_TASK)
		cgid = bpf_get_current_cgroup_id();
	else if (owner == VT_BY_NONE)
		cgid = 0;
	if (filter_cgroup_id && owner != VT_BY_NONE && cgid != filter_cgroup_id)
		return NULL;
	ev = bpf_ringbuf_reserve(&events, sizeof(*ev), 0);
	if (!ev) {
		__sync_fetch_and_add(&nr_dropped, 1);
		return NULL;
	}
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->ts_ns = bpf_ktime_get_ns();
	ev->kind = kind;
	ev->cgroup_id = cgid;
	ev->pid = bpf_get_current_pid_tgid() >> 32;
	bpf_get_current_comm(ev->comm, sizeof(ev->comm));
	return ev;
}

static __always_inline __u32 folio_nr(struct folio *folio)
{
	unsigned long flags = BPF_CORE_READ(folio, flags.f);

	if (!(flags & (1UL << bpf_core_enum_value(enum pageflags, PG_head))))
		return 1;
	return 1u << (BPF_CORE_READ(folio, _flags_1) & 0xff);
}

SEC("tp_btf/vswap_alloc")
int BPF_PROG(vt_alloc, struct folio *folio, __u64 memcg_id, int source)
{
	struct vswap_trace_event *ev = reserve(VT_ALLOC, VT_BY_FOLIO, memcg_id);

	if (!ev)
		return 0;
	ev->offset = vt_offset(BPF_CORE_READ(folio, swap.val));
	ev->nr = folio_nr(folio);
	ev->source = source;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/vswap_store")
int BPF_PROG2(vt_store, swp_entry_t, swp, unsigned int, nr, const char *, backend,
	      int, source)
{
	struct vswap_trace_event *ev = reserve(VT_STORE, VT_BY_TASK, 0);

	if (!ev)
		return 0;
	ev->offset = vt_offset(swp.val);
	ev->nr = nr;
	ev->source = source;
	bpf_probe_read_kernel_str(ev->a, sizeof(ev->a), backend);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/vswap_load")
int BPF_PROG2(vt_load, swp_entry_t, swp, unsigned int, nr, const char *, backend)
{
	struct vswap_trace_event *ev = reserve(VT_LOAD, VT_BY_TASK, 0);

	if (!ev)
		return 0;
	ev->offset = vt_offset(swp.val);
	ev->nr = nr;
	bpf_probe_read_kernel_str(ev->a, sizeof(ev->a), backend);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/vswap_free")
int BPF_PROG2(vt_free, swp_entry_t, swp, unsigned int, nr)
{
	struct vswap_trace_event *ev = reserve(VT_FREE, VT_BY_TASK, 0);

	if (!ev)
		return 0;
	ev->offset = vt_offset(swp.val);
	ev->nr = nr;
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/vswap_realloc")
int BPF_PROG2(vt_realloc, swp_entry_t, swp, unsigned int, nr, const char *, from,
	      const char *, to, swp_entry_t, phys)
{
	struct vswap_trace_event *ev = reserve(VT_REALLOC, VT_BY_NONE, 0);

	if (!ev)
		return 0;
	ev->offset = vt_offset(swp.val);
	ev->nr = nr;
	bpf_probe_read_kernel_str(ev->a, sizeof(ev->a), from);
	bpf_probe_read_kernel_str(ev->b, sizeof(ev->b), to);
	ev->phys_type = vt_type(phys.val);
	ev->phys_offset = vt_offset(phys.val);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/vswap_unuse")
int BPF_PROG2(vt_unuse, swp_entry_t, swp, unsigned int, nr, swp_entry_t, phys)
{
	struct vswap_trace_event *ev = reserve(VT_UNUSE, VT_BY_NONE, 0);

	if (!ev)
		return 0;
	ev->offset = vt_offset(swp.val);
	ev->nr = nr;
	ev->phys_type = vt_type(phys.val);
	ev->phys_offset = vt_offset(phys.val);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/vswap_policy_enable")
int BPF_PROG(vt_policy_enable, const char *name, __u64 seq)
{
	struct vswap_trace_event *ev = reserve(VT_POLICY_ENABLE, VT_BY_NONE, 0);

	if (!ev)
		return 0;
	ev->offset = seq;
	bpf_probe_read_kernel_str(ev->a, sizeof(ev->a), name);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

static __always_inline int policy_exit(__u32 kind, const char *name, int exit_kind,
				       const char *msg)
{
	struct vswap_trace_event *ev = reserve(kind, VT_BY_NONE, 0);

	if (!ev)
		return 0;
	ev->source = exit_kind;
	bpf_probe_read_kernel_str(ev->a, sizeof(ev->a), name);
	bpf_probe_read_kernel_str(ev->msg, sizeof(ev->msg), msg);
	bpf_ringbuf_submit(ev, 0);
	return 0;
}

SEC("tp_btf/vswap_policy_eject")
int BPF_PROG(vt_policy_eject, const char *name, int kind, const char *msg)
{
	return policy_exit(VT_POLICY_EJECT, name, kind, msg);
}

SEC("tp_btf/vswap_policy_disable")
int BPF_PROG(vt_policy_disable, const char *name, int kind, const char *msg)
{
	return policy_exit(VT_POLICY_DISABLE, name, kind, msg);
}

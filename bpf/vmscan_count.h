/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between vmscan_count.bpf.c and its userspace loaders. */
#ifndef VSWAP_VMSCAN_COUNT_H
#define VSWAP_VMSCAN_COUNT_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

struct vmscan_counts {
	__u64 direct_reclaim;	/* direct reclaim passes */
	__u64 direct_reclaimed;	/* pages reclaimed by them */
	__u64 memcg_reclaim;	/* memcg reclaim passes (memory.max, memory.reclaim) */
	__u64 memcg_reclaimed;	/* pages reclaimed by them */
	__u64 kswapd_wake;	/* kswapd wakeups */
	__u64 write_folio;	/* folios written out by reclaim */
};

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * A vswap policy the verifier must reject: its mode callback, which runs on
 * the swap-out path and must not sleep, calls the sleepable
 * bpf_vswap_demote().
 */
#include "vmlinux.h"
#include "vswap.bpf.h"

char LICENSE[] SEC("license") = "GPL";

s32 BPF_VSWAP(sleepy_mode, struct mem_cgroup *memcg, u32 order)
{
	bpf_vswap_demote(memcg, 1);
	return VSWAP_MODE_DEFAULT;
}

VSWAP_OPS_DEFINE(vswap_test_sleepy,
	.mode	= (void *)sleepy_mode,
	.name	= "test_sleepy");

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The guest runs the kernel we built: its release matches the build tree,
# its BTF is exported (BPF CO-RE needs it), the configuration carries
# the options the rest of the suite relies on, and every CPU scripts/vm
# gave the guest is online (a kernel that boots on one CPU never shows
# the suite two CPUs racing).
set -u
ksft_pass=0 ksft_fail=1 ksft_skip=4
. "$(dirname "$0")/lib/tap.sh"


echo "TAP version 13"
echo "1..5"

want=${VSWAP_KERNEL_RELEASE:-}
have=$(uname -r)
if [ -n "$want" ] && [ "$have" = "$want" ]; then
	ok "uname -r is the built release ($have)"
else
	echo "# uname -r: '$have', build tree says: '${want:-<VSWAP_KERNEL_RELEASE unset>}'"
	not_ok "uname -r is the built release"
fi

if [ -s /sys/kernel/btf/vmlinux ]; then
	ok "/sys/kernel/btf/vmlinux exists ($(stat -c %s /sys/kernel/btf/vmlinux) bytes)"
else
	not_ok "/sys/kernel/btf/vmlinux exists"
fi

missing=""
cfg=$(zcat /proc/config.gz 2>/dev/null || true)
for opt in CONFIG_SMP CONFIG_SWAP CONFIG_ZSWAP CONFIG_MEMCG CONFIG_TRANSPARENT_HUGEPAGE \
	   CONFIG_BPF_SYSCALL CONFIG_BPF_JIT CONFIG_DEBUG_INFO_BTF CONFIG_PSI; do
	grep -qx "$opt=y" <<<"$cfg" || missing="$missing $opt"
done
if [ -n "$cfg" ] && [ -z "$missing" ]; then
	ok "/proc/config.gz has the options the suite needs"
else
	echo "# missing from /proc/config.gz:${missing:- (no /proc/config.gz)}"
	not_ok "/proc/config.gz has the options the suite needs"
fi

if grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts && grep -qw memory /sys/fs/cgroup/cgroup.controllers; then
	ok "cgroup v2 is mounted with the memory controller"
else
	not_ok "cgroup v2 is mounted with the memory controller"
fi

want=${VSWAP_VM_CPUS:-}
have=$(nproc)
if [ -n "$want" ] && [ "$have" = "$want" ]; then
	ok "all $have CPUs given to the guest are online"
else
	echo "# online CPUs: $have ($(cat /sys/devices/system/cpu/online)), scripts/vm gave: ${want:-<VSWAP_VM_CPUS unset>}"
	dmesg | grep -E 'APIC disabled|No local APIC|SMP disabled|smp: Brought up' | sed 's/^/# dmesg: /' | head -n 5
	not_ok "all CPUs given to the guest are online"
fi

[ $failed -eq 0 ] && exit $ksft_pass
exit $ksft_fail

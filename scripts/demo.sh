#!/bin/bash
# The 'make run' demo, run inside the guest by scripts/vm.
#
# A cgroup whose memory.max (64M) is below its working set (256M) swaps
# through zswap in front of a swap partition on the guest's virtio disk;
# every page is verified on the way back.  Prints what moved where.
set -euo pipefail
top=${VSWAP_TOP:?}
memhog=$top/build/selftests/helpers/memhog
vswapctl=$top/build/vswapctl/vswapctl
cg=/sys/fs/cgroup/vswap-demo

section() { printf '\n=== %s\n' "$*"; }

section "kernel $(uname -r)"
if [ -b /dev/vda ]; then
	mkswap -q /dev/vda >/dev/null
	swapon /dev/vda
fi
echo Y > /sys/module/zswap/parameters/enabled
echo "+memory" > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg"
echo 64M > "$cg/memory.max"

section "before"
"$vswapctl" status

section "running a 256M working set in $cg (memory.max=64M)"
bash -c "echo \$\$ > $cg/cgroup.procs && exec $memhog -s 256M -p 2"

section "after: the cgroup"
"$vswapctl" cgroup vswap-demo

section "after: the system"
"$vswapctl" status
if [ -r /sys/kernel/debug/zswap/stored_pages ]; then
	echo "zswap pool: $(cat /sys/kernel/debug/zswap/stored_pages) pages stored in" \
		"$(( $(cat /sys/kernel/debug/zswap/pool_total_size) / 1024 )) kB"
fi
rmdir "$cg"
swapoff -a

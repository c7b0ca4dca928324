#!/bin/bash
# The 'make run' demo, run inside the guest by scripts/vm.
#
# zswap with no swap device at all: a cgroup whose memory.max (64M) is
# below its working set (256M) swaps into virtual swap slots backed by
# zswap. The demo shows the virtual device while the data is out, verifies
# every page on the way back, and shows that everything is released.
set -euo pipefail
top=${VSWAP_TOP:?}
memhog=$top/build/selftests/helpers/memhog
vswapctl=$top/build/vswapctl/vswapctl
cg=/sys/fs/cgroup/vswap-demo

section() { printf '\n=== %s\n' "$*"; }

section "kernel $(uname -r): no swap device, zswap on"
swapoff -a
echo Y > /sys/module/zswap/parameters/enabled
echo "+memory" > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p "$cg"
echo 64M > "$cg/memory.max"
cat /proc/swaps
grep -E '^Swap(Total|Free)' /proc/meminfo

section "before"
"$vswapctl" status

section "a 256M working set in $cg (memory.max=64M)"
bash -c "echo \$\$ > $cg/cgroup.procs && exec $memhog -s 256M -p 2 -w 3" &
hog=$!
# Look while the data is out
for _ in $(seq 1 600); do
	slots=$(awk '$1 == "slots" { print $2 }' /sys/kernel/mm/vswap/stat)
	[ "$slots" -gt 40000 ] && break
	kill -0 $hog 2>/dev/null || break
	sleep 0.2
done
section "while the data is out: the virtual device"
cat /sys/kernel/mm/vswap/stat
section "while the data is out: the cgroup"
"$vswapctl" cgroup show vswap-demo
wait $hog

section "after: the system"
"$vswapctl" status
rmdir "$cg"

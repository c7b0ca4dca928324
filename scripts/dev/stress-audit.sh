#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run in the guest (scripts/vm -d 64M -d 256M -- scripts/dev/stress-audit.sh):
# stress-ng (pageswap, madvise, vm with --verify, fork) for 80 s in a 192M
# cgroup with zswap and a 256M swap disk (/dev/vdb). The cgroup is frozen
# twice mid-run and the counters of /sys/kernel/mm/vswap/stat are audited
# against a walk of the clusters with the swapped state live; then again
# after the run and after swapoff. Exit status: that of the last audit.
top=$(cd "$(dirname "$0")/../.." && pwd)
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
echo Y > /sys/module/zswap/parameters/enabled
echo Y > /sys/module/zswap/parameters/shrinker_enabled
mkswap -q /dev/vdb >/dev/null && swapon /dev/vdb || { echo "no /dev/vdb to swap on"; exit 2; }
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/sng
echo 192M > /sys/fs/cgroup/sng/memory.max
cd /tmp
grep -E "^(pswpout|zswpout|pswpin|zswpin) " /proc/vmstat
( echo $BASHPID > /sys/fs/cgroup/sng/cgroup.procs;
  exec timeout -s INT 90 stress-ng --pageswap 2 --madvise 2 --vm 2 --vm-bytes 160M --verify --fork 2 -t 80 --metrics-brief ) > /tmp/sng.out 2>&1 &
for t in 30 60; do
  sleep 25
  echo 1 > /sys/fs/cgroup/sng/cgroup.freeze; sleep 3
  echo "frozen at ~${t}s: $(grep -E '^(slots|zswap|phys|zero|cached) ' /sys/kernel/mm/vswap/stat | tr '\n' ' ')"
  "$top"/build/selftests/helpers/vswap_audit; echo "audit rc=$?"
  echo 0 > /sys/fs/cgroup/sng/cgroup.freeze
done
wait
tail -6 /tmp/sng.out
grep -E "^(pswpout|zswpout|pswpin|zswpin) " /proc/vmstat
sleep 2
echo "stat after:"; cat /sys/kernel/mm/vswap/stat | head -7
echo "audit:"; cat /sys/kernel/debug/vswap/audit
"$top"/build/selftests/helpers/vswap_audit; echo "audit rc=$?"
swapoff /dev/vdb; echo "swapoff rc=$?"
"$top"/build/selftests/helpers/vswap_audit; rc=$?
echo "audit rc=$rc"
exit $rc

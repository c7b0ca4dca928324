#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Reclaim keeps working across swapoff/swapon cycles.
#
# A cgroup with memory.high=64M runs a 256M checksummed working set
# (helpers/churn: random verifies and rewrites, MADV_PAGEOUT, forked
# verifiers) with zswap and its shrinker on and a 1G swapfile that is
# swapped off and on again every few seconds. zswap writeback puts part of
# the set on the swapfile; each swapoff reads it back into the swap cache
# of its virtual slots, dirty and not mapped by anyone. Those folios must
# be reclaimable at once: the old series activated them forever (pageout()
# only writes anonymous or shmem folios), memory.current stayed at ~4x
# memory.high, reclaim stole ~1% of what it scanned and the workload
# stalled in memory.high throttling.
#
# Checks: after every swapoff memory.current comes back to within 25% of
# memory.high within 5 s; over the run reclaim steals at least half of
# what it scans; the working set verifies intact; the workload makes
# progress.
set -u
here=$(cd "$(dirname "$0")" && pwd)
churn=$here/helpers/churn
cg=/sys/fs/cgroup/vswap_test_swapoff_cycles
high=$((64 << 20))
secs=${VSWAP_CYCLES_SECS:-40}
cycles=3

. "$(dirname "$0")/lib/tap.sh"
stat()   { awk -v k="$1" '$1 == k { print $2 }' "$cg/memory.stat"; }

echo "TAP version 13"
echo "1..$((cycles + 3))"
[ -x "$churn" ] || { echo "# $churn is missing (make tools builds it)"; exit 1; }
[ -n "${VSWAP_SCRATCH:-}" ] || { echo "# needs the scratch disk for a swapfile"; exit 1; }

swapoff -a 2>/dev/null
# zswap and vswap as the test found them, put back on exit
zswap0=$(cat /sys/module/zswap/parameters/enabled)
vswap0=$(cat /sys/kernel/mm/vswap/enabled)
trap 'echo "$zswap0" > /sys/module/zswap/parameters/enabled; echo "$vswap0" > /sys/kernel/mm/vswap/enabled' EXIT
echo 1 > /sys/kernel/mm/vswap/enabled || exit 1
echo Y > /sys/module/zswap/parameters/enabled || exit 1
shrinker0=$(cat /sys/module/zswap/parameters/shrinker_enabled)
echo Y > /sys/module/zswap/parameters/shrinker_enabled || exit 1
swapfile=$VSWAP_SCRATCH/swapoff-cycles.swap
rm -f "$swapfile"
fallocate -l 1G "$swapfile" && chmod 600 "$swapfile" && mkswap -q "$swapfile" >/dev/null &&
	swapon "$swapfile" || { echo "# swapon $swapfile failed"; exit 1; }
grep -q memory /sys/fs/cgroup/cgroup.subtree_control ||
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
rmdir "$cg" 2>/dev/null
mkdir "$cg" && echo $high > "$cg/memory.high" || exit 1

log=$(mktemp)
( echo $BASHPID > "$cg/cgroup.procs" && exec taskset -c 0 "$churn" -s 256M -d "$secs" -f -q ) \
	> "$log" 2>&1 &
pid=$!
scan0=$(stat pgscan) steal0=$(stat pgsteal)

# Cycles every few seconds while the workload runs
gap=$(( secs / (cycles + 1) / 2 ))
[ $gap -lt 2 ] && gap=2
for i in $(seq 1 $cycles); do
	sleep $gap
	t0=$(date +%s.%N)
	swapoff "$swapfile"; rc=$?
	t1=$(date +%s.%N)
	# The lowest memory.current seen over 5 s after swapoff
	low=$(cat "$cg/memory.current")
	for _ in $(seq 1 10); do
		cur=$(cat "$cg/memory.current")
		[ "$cur" -lt "$low" ] && low=$cur
		sleep 0.5
	done
	echo "# cycle $i: swapoff rc=$rc in $(echo "$t1 - $t0" | bc) s, memory.current down to $((low >> 20))M; $(grep -E '^(cached|phys|zswap) ' /sys/kernel/mm/vswap/stat | xargs)"
	if [ $rc = 0 ] && [ "$low" -le $((high * 5 / 4)) ]; then
		ok "cycle $i: memory.current back within 25% of memory.high after swapoff ($((low >> 20))M)"
	else
		not_ok "cycle $i: memory.current back within 25% of memory.high after swapoff (swapoff $rc, $((low >> 20))M)"
	fi
	swapon "$swapfile" || { echo "# swapon failed"; failed=1; }
	sleep $gap
done

wait $pid; rc=$?
sed 's/^/# /' "$log"
scan=$(( $(stat pgscan) - scan0 )) steal=$(( $(stat pgsteal) - steal0 ))
echo "# reclaim: $steal of $scan scanned pages stolen"
[ $rc = 0 ] && ok "the working set reads back intact" || not_ok "the working set reads back intact (churn exit $rc)"
[ $scan -gt 0 ] && [ $((steal * 2)) -ge $scan ] &&
	ok "reclaim steals at least half of what it scans ($steal of $scan)" ||
	not_ok "reclaim steals at least half of what it scans ($steal of $scan)"
steps=$(sed -n 's/^churn: done: .* s, \([0-9]*\) steps.*/\1/p' "$log")
[ "${steps:-0}" -ge 4096 ] && ok "the workload makes progress ($steps steps)" ||
	not_ok "the workload makes progress (${steps:-no} steps; at least 4096)"

rm -f "$log"
swapoff "$swapfile" 2>/dev/null
rm -f "$swapfile"
rmdir "$cg" 2>/dev/null
echo "$shrinker0" > /sys/module/zswap/parameters/shrinker_enabled
exit $failed

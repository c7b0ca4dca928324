#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# boot-args: vswap.enabled=0
# Booted with vswap.enabled=0 on the kernel command line (make check reads
# the "boot-args:" line above): the switch reads 0 from boot, swap-outs go
# to the swapfile with no virtual slot, and turning it on at run time (with
# zswap) sends the next ones to virtual slots. Data intact either way.
set -u
. "$(dirname "$0")/lib/tap.sh"
stat_of() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/mm/vswap/stat; }
vmstat()  { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# wait_for_value WHAT WANT CMD...: run CMD (it prints a number) up to 20
# times, 250 ms apart, until it prints WANT; say after how many readings,
# or the last value. What an exited workload held is freed shortly after
# wait returns, not necessarily by then. Its status: 0 if a reading was
# WANT. $last: the last reading.
wait_for_value() {
	local what=$1 want=$2 i
	shift 2
	for i in $(seq 20); do
		last=$("$@")
		if [ "$last" = "$want" ]; then
			echo "# idle: $what $last (want $want) after $i reading$([ $i = 1 ] || echo s)"
			return 0
		fi
		[ $i = 20 ] || sleep 0.25
	done
	echo "# idle: $what still ${last:-unreadable} after 20 readings 250 ms apart, want $want"
	return 1
}
here=$(cd "$(dirname "$0")" && pwd)
pageout=$here/helpers/pageout
swap=${VSWAP_SCRATCH:-/tmp}/disabled.swap

echo "TAP version 13"
echo "1..5"
zswap0=$(cat /sys/module/zswap/parameters/enabled)
cleanup() {
	echo 0 > /sys/kernel/mm/vswap/enabled
	echo "$zswap0" > /sys/module/zswap/parameters/enabled
	swapoff "$swap" 2>/dev/null
	rm -f "$swap"
}
trap cleanup EXIT

check 'grep -qw "vswap.enabled=0" /proc/cmdline && [ "$(cat /sys/kernel/mm/vswap/enabled)" = 0 ]' \
	"booted with vswap.enabled=0: /sys/kernel/mm/vswap/enabled reads 0 ($(cat /sys/kernel/mm/vswap/enabled))"

[ -n "${VSWAP_SCRATCH:-}" ] || echo "# no scratch disk: the swapfile goes to /tmp"
fallocate -l 256M "$swap" && chmod 600 "$swap" && mkswap -q "$swap" > /dev/null && swapon "$swap" ||
	{ not_ok "swapon $swap"; exit 1; }
echo N > /sys/module/zswap/parameters/enabled

# With the switch off: every page to the swapfile, no virtual slot
slots0=$(stat_of slots) out0=$(vmstat pswpout)
"$pageout" -n 2048 > /dev/null
rc=$?
slots1=$(stat_of slots) out1=$(vmstat pswpout)
echo "# off: slots $slots0 -> $slots1, pswpout +$((out1 - out0)), pageout status $rc"
check '[ $rc = 0 ] && [ "$slots1" = "$slots0" ] && [ $((out1 - out0)) -ge 2048 ]' \
	"vswap off from boot: 2048 pages out to the swapfile (pswpout +$((out1 - out0))), no virtual slot, read back intact"

# Held out: /proc/swaps counts them on the swapfile
"$pageout" -n 1024 -w 3 > /tmp/disabled.held &
pid=$!
for i in $(seq 50); do grep -q held /tmp/disabled.held 2>/dev/null && break; sleep 0.2; done
used=$(awk -v f="$swap" '$1 == f { print $4 }' /proc/swaps)
wait $pid
rc=$?
check '[ $rc = 0 ] && [ "${used:-0}" -ge 4096 ]' \
	"held out: the swapfile holds them (${used:-?} KiB used), read back intact"

# Switched on at run time (with zswap, which the default sends virtual
# slots to): the next swap-outs are virtual
echo 1 > /sys/kernel/mm/vswap/enabled
echo Y > /sys/module/zswap/parameters/enabled
"$pageout" -n 1024 -w 3 > /tmp/disabled.held &
pid=$!
for i in $(seq 50); do grep -q held /tmp/disabled.held 2>/dev/null && break; sleep 0.2; done
held=$(stat_of slots)
wait $pid
rc=$?
echo "# on: slots while held $held"
check '[ "$(cat /sys/kernel/mm/vswap/enabled)" = 1 ] && [ "${held:-0}" -ge 1024 ] && [ $rc = 0 ]' \
	"switched on at run time: the next 1024 pages go to virtual slots ($held held), read back intact"
wait_for_value "vswap slots" 0 stat_of slots; freed=$?
check '[ $freed = 0 ]' "and their slots are freed on exit ($last left)"
exit $failed

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel tree's own tools/testing/selftests/mm/cow on the patched
# kernel. Its "swapped out" cases page memory out with MADV_PAGEOUT and
# check /proc/self/pagemap before they fork, pin and write.
#
# Run 1: vswap enabled, zswap on, no swap device: those pages go to
# virtual slots. Run 2: vswap.enabled=0 with a swapfile, the vanilla path.
# Each run must pass every case, with none skipped (the config has
# CONFIG_GUP_TEST for the pinning cases).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$here/upstream/cow

. "$here/lib/upstream.sh"
slots()  { awk '$1 == "slots" { print $2 }' /sys/kernel/mm/vswap/stat; }
vmstat() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }

echo "TAP version 13"
echo "1..4"

[ -x "$bin" ] || { echo "# $bin is missing (make tools builds it)"; exit 1; }
[ -n "${VSWAP_SCRATCH:-}" ] || { echo "# needs the scratch disk for a swapfile"; exit 1; }
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
[ -e /sys/kernel/debug/gup_test ] || { echo "# /sys/kernel/debug/gup_test missing: CONFIG_GUP_TEST off?"; exit 1; }
echo Y > /sys/module/zswap/parameters/enabled || exit 1

# run_cow LABEL: run cow, check its totals line, and that swapped-out cases ran.
run_cow() {
	local out totals
	out=$(cd /tmp && "$bin" 2>&1)
	echo "$out" | grep -E '^(not ok|# Totals|# \[INFO\])' | sed 's/^/#   /'
	totals=$(echo "$out" | grep '^# Totals:')
	echo "# $1: $totals"
	if [[ $totals =~ pass:([0-9]+)\ fail:0\ xfail:0\ xpass:0\ skip:0\ error:0 ]] &&
	   [ "${BASH_REMATCH[1]}" -gt 0 ]; then
		ok "$1: every cow case passes, none skipped (${BASH_REMATCH[1]})"
	else
		not_ok "$1: every cow case passes, none skipped"
	fi
}

swapoff -a 2>/dev/null
echo 1 > /sys/kernel/mm/vswap/enabled
zswpout0=$(vmstat zswpout)
run_cow "vswap, no swap device"
# With no swap device, every page cow paged out went through a virtual slot
zswpout1=$(vmstat zswpout)
[ "$zswpout1" -gt "$zswpout0" ] &&
	ok "vswap: swapped-out cases went to zswap through virtual slots ($((zswpout1 - zswpout0)) pages)" ||
	not_ok "vswap: zswpout grew ($zswpout0 -> $zswpout1)"

swapfile=$VSWAP_SCRATCH/upstream-cow.swap
rm -f "$swapfile"
fallocate -l 256M "$swapfile" && chmod 600 "$swapfile" &&
	mkswap -q "$swapfile" >/dev/null && swapon "$swapfile" || { echo "# swapon $swapfile failed"; exit 1; }
echo 0 > /sys/kernel/mm/vswap/enabled
# Other tasks' pages may sit in virtual slots; with vswap off none is added
slots0=$(slots)
run_cow "vswap off, swapfile"
[ "$(slots)" -le "$slots0" ] && ok "vswap off: no virtual slot was added ($slots0 -> $(slots))" ||
	not_ok "vswap off: no virtual slot was added ($slots0 -> $(slots))"
echo 1 > /sys/kernel/mm/vswap/enabled
swapoff "$swapfile"; rm -f "$swapfile"
exit $failed

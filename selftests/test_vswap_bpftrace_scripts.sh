#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bpftrace scripts of tools/bpftrace/ with Debian's bpftrace, each while
# a workload whose numbers are known runs: vswap-backends.bt must count the
# workload's pages per backend, vswap-swapin-latency.bt must show a latency
# histogram of its zswap swap-ins, vswap-demotions.bt must see the default
# policy load and the demotion (zswap -> phys) of a cgroup set to demote.
set -u
top=${VSWAP_TOP:?}
V=${VSWAPCTL:-$top/build/vswapctl/vswapctl}
bt=$top/tools/bpftrace
helper=$top/build/selftests/helpers/pageout
CG=/sys/fs/cgroup
N=1024
. "$(dirname "$0")/lib/tap.sh"
out=$(mktemp)
swap=${VSWAP_SCRATCH:-/tmp}/bt.swap
# zswap as the test found it, put back on exit
zswap0=$(cat /sys/module/zswap/parameters/enabled)
cleanup() {
	echo "$zswap0" > /sys/module/zswap/parameters/enabled
	[ -n "${bpid:-}" ] && kill -INT $bpid 2>/dev/null
	"$V" policy unload > /dev/null 2>&1
	echo $$ > $CG/cgroup.procs 2>/dev/null
	rmdir $CG/bt-demote 2>/dev/null
	swapoff "$swap" 2>/dev/null
	rm -f "$out" "$swap"
}
trap cleanup EXIT

echo "TAP version 13"
command -v bpftrace > /dev/null || { echo "1..1"; not_ok "bpftrace is installed"; exit 1; }
echo "1..7"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
swapoff -a 2>/dev/null
echo Y > /sys/module/zswap/parameters/enabled
echo 1 > /sys/kernel/mm/vswap/enabled
"$V" policy unload > /dev/null 2>&1
echo "+memory" > $CG/cgroup.subtree_control

# start SCRIPT: run it in the background into $out; wait until it prints its
# banner (bpftrace compiles first: slow under emulation)
start() {
	bpftrace "$1" > "$out" 2>&1 &
	bpid=$!
	for _ in $(seq 600); do
		grep -q "Ctrl-C ends" "$out" && return 0
		kill -0 $bpid 2>/dev/null || return 1
		sleep 0.2
	done
	return 1
}
stop() { kill -INT $bpid; wait $bpid; bpid=; sed 's/^/# bpftrace: /' "$out" | tail -n 25; }

# vswap-backends.bt: pageout stores N patterned and N zero pages and loads them
start "$bt/vswap-backends.bt"
check '[ $? = 0 ]' "vswap-backends.bt compiles and attaches"
"$helper" -n $N && "$helper" -n $N -z
sleep 6
stop
# This shell's cgroup id: the tasks that stored and loaded the pages
cgid=$(stat -c %i "$CG$(cut -d: -f3 /proc/self/cgroup)")
check 'grep -q "^@store_pages\[$cgid, zswap\]: $N$" "$out" && grep -q "^@store_pages\[$cgid, zero\]: $N$" "$out" && grep -q "^@load_pages\[$cgid, zswap\]: $N$" "$out"' \
	"vswap-backends.bt: $N pages stored to zswap, $N as zero, $N loaded from zswap"
check 'grep -Eq "^@alloc_pages\[[0-9]+\]: [0-9]+" "$out"' "vswap-backends.bt: virtual slots per cgroup id"

# vswap-swapin-latency.bt: the N zswap pages fault back in
start "$bt/vswap-swapin-latency.bt"
"$helper" -n $N
stop
check 'grep -q "^@usecs\[zswap\]:" "$out" && grep -Eq "^@faults\[zswap\]: [0-9]+" "$out" && [ "$(sed -n "s/^@faults\[zswap\]: //p" "$out")" -ge $((N / 2)) ]' \
	"vswap-swapin-latency.bt: a histogram for zswap, with at least $((N / 2)) faults (readahead may batch)"

# vswap-demotions.bt: the default policy demotes a cgroup's pages to disk
dd if=/dev/zero of="$swap" bs=1M count=64 status=none && chmod 600 "$swap" &&
	mkswap "$swap" > /dev/null && swapon "$swap"
mkdir -p $CG/bt-demote
start "$bt/vswap-demotions.bt"
check '[ $? = 0 ]' "vswap-demotions.bt compiles and attaches"
"$V" policy load default > /dev/null
"$V" cgroup set bt-demote demote-after=1s > /dev/null
echo $$ > $CG/bt-demote/cgroup.procs
"$helper" -n $N -w 8 > /dev/null
echo $$ > $CG/cgroup.procs
"$V" policy unload > /dev/null
# The disable event comes after the policy's exit, past an RCU grace period
for _ in $(seq 100); do grep -q "disabled" "$out" && break; sleep 0.2; done
stop
check 'grep -q "policy default enabled" "$out" && grep -q "policy default disabled" "$out"' \
	"vswap-demotions.bt: the policy's load and unload, by name"
check 'grep -Eq "^@realloc_pages\[zswap, phys\]: [0-9]+" "$out" && [ "$(sed -n "s/^@realloc_pages\[zswap, phys\]: //p" "$out" | tail -1)" -gt 0 ]' \
	"vswap-demotions.bt: pages demoted from zswap to phys"
exit $failed

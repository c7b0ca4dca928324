#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The vswap tracepoints, seen from bpftrace: a process in a child cgroup
# pages out N patterned and N zero pages and reads them back; the events
# must account for exactly those pages: N stored in zswap and N as zero,
# the same loaded back, allocations recorded with that cgroup's id (not the
# root's), and every slot freed.
#
# Then the disk path: a process in a second cgroup whose memory.zswap.max
# is 0 pages N pages out to a swapfile behind their virtual slots and holds
# them out while the swapfile is swapped off. The kernel moves each page
# none -> phys at swap-out (vswap_realloc, in the process's context:
# exactly N pages). Reclaim then drops the written pages from the swap
# cache, and swapoff brings back every virtual slot on the swapfile
# (vswap_unuse and vswap_realloc phys -> none, in swapoff's context: one
# each for every slot vswap/stat counts on disk, at least the N), reading
# from disk (vswap_load from phys) exactly those no longer in the swap
# cache. Nothing touches the pages meanwhile.
set -u
N=512
HOLD=20
. "$(dirname "$0")/lib/tap.sh"

echo "TAP version 13"
if ! command -v bpftrace >/dev/null; then
	echo "1..0 # SKIP bpftrace is not installed"
	exit 4
fi
echo "1..12"
top=${VSWAP_TOP:?}
helper=$top/build/selftests/helpers/pageout
cgz=/sys/fs/cgroup/vswap_test_trace
cgd=/sys/fs/cgroup/vswap_test_trace_disk
swapoff -a 2>/dev/null
# What this test changes, put back when it exits
zswap0=$(cat /sys/module/zswap/parameters/enabled) vswap0=$(cat /sys/kernel/mm/vswap/enabled)
restore() {
	echo "$zswap0" > /sys/module/zswap/parameters/enabled
	echo "$vswap0" > /sys/kernel/mm/vswap/enabled
	rmdir "$cgz" "$cgd" 2>/dev/null
}
trap restore EXIT
echo Y > /sys/module/zswap/parameters/enabled
echo 1 > /sys/kernel/mm/vswap/enabled
for ev in vswap_alloc vswap_store vswap_load vswap_free vswap_realloc vswap_unuse; do
	[ -d /sys/kernel/tracing/events/vswap/$ev ] || { echo "# no tracepoint vswap:$ev"; failed=1; }
done
grep -q memory /sys/fs/cgroup/cgroup.subtree_control ||
	echo +memory > /sys/fs/cgroup/cgroup.subtree_control
rmdir "$cgz" "$cgd" 2>/dev/null
mkdir "$cgz" "$cgd" && echo 0 > "$cgd/memory.zswap.max" || { echo "# cannot set up the cgroups"; exit 1; }
# A cgroup's id (the memcg_id of vswap_alloc) is its directory's inode number
idz=$(stat -c %i "$cgz") idd=$(stat -c %i "$cgd") idroot=$(stat -c %i /sys/fs/cgroup)
echo "# cgroup ids: ${cgz##*/} $idz, ${cgd##*/} $idd, root $idroot"

# A key of /sys/kernel/mm/vswap/stat
vstat() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/mm/vswap/stat; }
# Run COMMAND... in cgroup $1
in_cg() { local cg=$1; shift; ( echo $BASHPID > "$cg/cgroup.procs" && exec "$@" ); }

out=$(mktemp)
bpftrace -q -e '
BEGIN { printf("ready\n"); }
tracepoint:vswap:vswap_alloc /comm == "pageout"/ { @alloc[args->memcg_id] = sum(1 << args->order); }
tracepoint:vswap:vswap_store /comm == "pageout"/ { @store[str(args->backend)] = sum(args->nr); }
tracepoint:vswap:vswap_load { @load[comm, str(args->backend)] = sum(args->nr); }
tracepoint:vswap:vswap_free /comm == "pageout"/ { @free = sum(args->nr); }
tracepoint:vswap:vswap_realloc { @realloc[comm, str(args->from), str(args->to)] = sum(args->nr); }
tracepoint:vswap:vswap_unuse { @unuse[comm] = sum(args->nr); @unuse_events[comm] = count(); }
END { print(@alloc); print(@store); print(@load); print(@free); print(@realloc); print(@unuse); print(@unuse_events); }' > "$out" 2>&1 &
bt=$!
# bpftrace compiles its programs first: slow under emulation
for _ in $(seq 1 600); do
	grep -q '^ready' "$out" && break
	kill -0 $bt 2>/dev/null || break
	sleep 0.2
done

# zswap and zero pages, in a child cgroup
in_cg "$cgz" "$helper" -n $N; rc1=$?
in_cg "$cgz" "$helper" -n $N -z; rc2=$?

# Disk behind virtual slots, held out across a swapoff
rc3=- swapoff_rc=- phys0=0 cached0=0
swapfile=
if [ -n "${VSWAP_SCRATCH:-}" ]; then
	swapfile=$VSWAP_SCRATCH/trace.swap
	rm -f "$swapfile"
	if fallocate -l 64M "$swapfile" && chmod 600 "$swapfile" &&
	   mkswap -q "$swapfile" >/dev/null && swapon "$swapfile"; then
		held=$(mktemp)
		in_cg "$cgd" "$helper" -n $N -w $HOLD > "$held" 2>&1 &
		hp=$!
		for _ in $(seq 1 $((HOLD * 10))); do
			grep -q '^held' "$held" && break
			kill -0 $hp 2>/dev/null || break
			sleep 0.1
		done
		grep -q '^held' "$held" || echo "# the disk workload never said it held its pages out"
		# Written and clean: reclaim drops them from the swap cache, so
		# that swapoff has to read them from disk
		for _ in $(seq 1 50); do
			[ "$(vstat cached)" -gt 0 ] || break
			echo 2M > "$cgd/memory.reclaim" 2>/dev/null
			sleep 0.1
		done
		phys0=$(vstat phys) cached0=$(vstat cached)
		echo "# before swapoff: $(grep -E '^(slots|zswap|phys|cached) ' /sys/kernel/mm/vswap/stat | xargs)"
		t0=$(date +%s.%N)
		swapoff "$swapfile"; swapoff_rc=$?
		t1=$(date +%s.%N)
		echo "# swapoff rc=$swapoff_rc in $(echo "$t1 - $t0" | bc) s; after: $(grep -E '^(slots|zswap|phys|cached) ' /sys/kernel/mm/vswap/stat | xargs)"
		# swapoff must be done before the holder reads its pages back
		kill -0 $hp 2>/dev/null || echo "# the disk workload ended before swapoff returned: the counts below may be short"
		wait $hp; rc3=$?
		sed 's/^/# pageout: /' "$held"
		rm -f "$held"
	else
		echo "# cannot set up swapfile $swapfile"
	fi
fi
sleep 1
kill -INT $bt
wait $bt
sed 's/^/# bpftrace: /' "$out"

# The value of a map line "@NAME[KEYS]: VALUE" ("@NAME: VALUE" without keys)
val() { grep -F "@$1: " "$out" | head -1 | sed 's/.*: //'; }
# The sum of the values of the map lines that start "@$1" (a regex), as
# printed once (bpftrace prints the maps again when it exits)
msum() { grep "^@$1" "$out" | sort -u | sed 's/.*: //' | awk '{ s += $1 } END { print s + 0 }'; }
check '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]' "$N patterned and $N zero pages paged out and read back intact"
check '[ "$(val "store[zswap]")" = $N ]' "vswap_store: exactly $N pages to zswap"
check '[ "$(val "store[zero]")" = $N ]' "vswap_store: exactly $N pages as zero"
check '[ "$(val "load[pageout, zswap]")" = $N ] && [ "$(val "load[pageout, zero]")" = $N ]' \
	"vswap_load: the same pages back from each backend"
# Every page in the child cgroups got one slot, with the cgroup's id
az=$(val "alloc[$idz]") ad=$(val "alloc[$idd]") aall=$(msum "alloc\\[")
if [ -n "$swapfile" ]; then want_all=$((3 * N)); else want_all=$((2 * N)); fi
check '[ "$az" = $((2 * N)) ] && [ "$idz" != "$idroot" ] && [ "$aall" = $want_all ]' \
	"vswap_alloc: memcg_id is the child cgroup's id ($idz) for all $((2 * N)) pages (got ${az:-none}; $aall of $want_all slots in all)"
check '[ "$(val free)" -ge $want_all ] 2>/dev/null' "vswap_free released at least all $want_all slots"

if [ -z "$swapfile" ]; then
	for t in "disk workload" "vswap_alloc for the disk workload" "vswap_store to phys" \
		 "vswap_realloc none -> phys" "swapoff: vswap_unuse and vswap_realloc phys -> none" \
		 "swapoff: vswap_load from phys"; do
		skip "$t" "no scratch disk for a swapfile"
	done
	rm -f "$out"
	rmdir "$cgz" "$cgd" 2>/dev/null
	exit $failed
fi
check '[ "$rc3" = 0 ] && [ "$swapoff_rc" = 0 ]' \
	"$N pages on the swapfile behind virtual slots, swapped off while held out, read back intact (swapoff $swapoff_rc, pageout $rc3)"
check '[ "$ad" = $N ]' "vswap_alloc: memcg_id is the disk cgroup's id ($idd) for all $N pages (got ${ad:-none})"
check '[ "$(val "store[phys]")" = $N ]' "vswap_store: exactly $N pages to phys (got $(val "store[phys]"))"
# None of the pageout runs moves a backend but the disk one's none -> phys
rp=$(val "realloc[pageout, none, phys]") rpall=$(msum "realloc\\[pageout,")
check '[ "$rp" = $N ] && [ "$rpall" = $N ]' \
	"vswap_realloc: exactly $N pages none -> phys at swap-out (got ${rp:-none}; $rpall in all)"
# Swapoff brings back every virtual slot on the swapfile: the workload's N
# and any page of it that the reclaim above sent there. It reads from disk
# those whose folio was not in the swap cache any more. "cached" counts
# every virtual slot with a folio in the swap cache, zswap-backed ones of
# other cgroups too, so with cached0 > 0 the number read is only bounded
# by it; with cached0 = 0 it is exact.
un=$(val "unuse[swapoff]") une=$(val "unuse_events[swapoff]") rs=$(val "realloc[swapoff, phys, none]")
check '[ "$phys0" -ge $N ] && [ "$un" = "$phys0" ] && [ "$rs" = "$phys0" ]' \
	"swapoff: vswap_unuse and vswap_realloc phys -> none for all $phys0 (at least $N) slots on the swapfile (got ${un:-none} in ${une:-no} events, ${rs:-none})"
ls=$(val "load[swapoff, phys]") lp=$(val "load[pageout, phys]")
lo=$((phys0 - cached0))
[ $lo -ge 0 ] || lo=0
if [ "$cached0" -eq 0 ]; then want_ls="exactly $phys0"; else want_ls="$lo to $phys0 ($cached0 cached)"; fi
check '[ "${ls:-0}" -gt 0 ] && [ "${ls:-0}" -ge $lo ] && [ "${ls:-0}" -le "$phys0" ] && [ -z "$lp" ]' \
	"swapoff: vswap_load read from phys $want_ls slots not in the swap cache, the holder none (got ${ls:-none}, ${lp:-none})"
rm -f "$out" "$swapfile"
rmdir "$cgz" "$cgd" 2>/dev/null
exit $failed

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The vswap tracepoints, seen from bpftrace: a process pages out N
# patterned and N zero pages and reads them back; the events must account
# for exactly those pages: N stored in zswap and N as zero, the same
# loaded back, allocations with a cgroup id, and every slot freed.
set -u
N=512
n=0 failed=0
ok()     { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; failed=1; }
check()  { if eval "$1"; then ok "$2"; else not_ok "$2"; fi; }

echo "TAP version 13"
if ! command -v bpftrace >/dev/null; then
	echo "1..0 # SKIP bpftrace is not installed"
	exit 4
fi
echo "1..6"
top=${VSWAP_TOP:?}
helper=$top/build/selftests/helpers/pageout
swapoff -a 2>/dev/null
echo Y > /sys/module/zswap/parameters/enabled
echo 1 > /sys/kernel/mm/vswap/enabled
for ev in vswap_alloc vswap_store vswap_load vswap_free; do
	[ -d /sys/kernel/tracing/events/vswap/$ev ] || { echo "# no tracepoint vswap:$ev"; failed=1; }
done

out=$(mktemp)
bpftrace -q -e '
BEGIN { printf("ready\n"); }
tracepoint:vswap:vswap_alloc /comm == "pageout"/ { @alloc = count(); @alloc_cg = max(args->memcg_id); }
tracepoint:vswap:vswap_store /comm == "pageout"/ { @store[str(args->backend)] = sum(args->nr); }
tracepoint:vswap:vswap_load /comm == "pageout"/ { @load[str(args->backend)] = sum(args->nr); }
tracepoint:vswap:vswap_free /comm == "pageout"/ { @free = sum(args->nr); }
END { print(@alloc); print(@alloc_cg); print(@store); print(@load); print(@free); }' > "$out" 2>&1 &
bt=$!
# bpftrace compiles its programs first: slow under emulation
for _ in $(seq 1 600); do
	grep -q '^ready' "$out" && break
	kill -0 $bt 2>/dev/null || break
	sleep 0.2
done
"$helper" -n $N; rc1=$?
"$helper" -n $N -z; rc2=$?
sleep 1
kill -INT $bt
wait $bt
sed 's/^/# bpftrace: /' "$out"

val() { sed -n "s/^@$1: //p" "$out" | head -1; }
check '[ $rc1 -eq 0 ] && [ $rc2 -eq 0 ]' "$N patterned and $N zero pages paged out and read back intact"
check '[ "$(val "store\[zswap\]")" = $N ]' "vswap_store: exactly $N pages to zswap"
check '[ "$(val "store\[zero\]")" = $N ]' "vswap_store: exactly $N pages as zero"
check '[ "$(val "load\[zswap\]")" = $N ] && [ "$(val "load\[zero\]")" = $N ]' \
	"vswap_load: the same pages back from each backend"
check '[ "$(val alloc)" -ge 1 ] 2>/dev/null && [ "$(val alloc_cg)" -gt 0 ] 2>/dev/null' "vswap_alloc fired with a cgroup id"
check '[ "$(val free)" -ge $((2 * N)) ] 2>/dev/null' "vswap_free released at least all $((2 * N)) slots"
rm -f "$out"
exit $failed

#!/bin/bash
# The 'make run' demo, run inside the guest by scripts/vm (/dev/vda: a swap
# disk).
#
# vswapctl loads the default BPF swap policy and sets up two cgroups: an
# interactive one whose pages stay compressed in zswap, and a batch one
# whose pages are demoted to disk 3 s after they were swapped out. A
# workload in each holds a working set larger than its memory.max. While it
# runs the demo shows the state (vswapctl status, cgroup show), a trace
# excerpt, a demotion that leaves the page tables as they were (the swap
# entries in /proc/PID/pagemap do not change), and a swapoff that brings
# the disk pages back through the reverse map; then what moved where, and
# whether every page read back intact.
set -uo pipefail
top=${VSWAP_TOP:?}
memhog=$top/build/selftests/helpers/memhog
V=$top/build/vswapctl/vswapctl
CG=/sys/fs/cgroup
SIZE=96M MAX=32M HOLD=45

section() { printf '\n=== %s\n' "$*"; }
note() { printf -- '--- %s\n' "$*"; }
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
# cg_slots CGROUP BACKEND: the cgroup's slots in zswap or on disk, from vswapctl
cg_slots() {
	"$V" -j cgroup show "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)[0]['slots']['$2'])"
}
# swap_entries PID FILE: the swap entries of PID's largest anonymous mapping,
# from /proc/PID/pagemap (bit 62: swapped; bits 0-4 the type, 5-54 the
# offset), one "address entry" line per swapped-out page, into FILE
swap_entries() {
	python3 - "$1" > "$2" <<'EOF'
import struct, sys
pid = sys.argv[1]
best = (0, 0)
for line in open(f"/proc/{pid}/maps"):
    f = line.split()
    lo, hi = (int(x, 16) for x in f[0].split("-"))
    if len(f) == 5 and "rw" in f[1] and hi - lo > best[1] - best[0]:
        best = (lo, hi)
with open(f"/proc/{pid}/pagemap", "rb") as pm:
    pm.seek(best[0] // 4096 * 8)
    data = pm.read((best[1] - best[0]) // 4096 * 8)
for i, (v,) in enumerate(struct.iter_unpack("<Q", data)):
    if v >> 62 & 1:
        print(f"{best[0] + i * 4096:x} {v & ((1 << 55) - 1):x}")
EOF
}
# same_entries A B: "N M": N pages swapped out in both snapshots, M of them with the same entry
same_entries() {
	awk 'FNR == NR { a[$1] = $2; next } ($1 in a) { n++; if (a[$1] == $2) m++ } END { print n + 0, m + 0 }' "$1" "$2"
}

section "kernel $(uname -r): a 1 GiB swap disk, zswap on, vswap on"
swapoff -a 2>/dev/null
mkswap -f /dev/vda > /dev/null && swapon /dev/vda
echo Y > /sys/module/zswap/parameters/enabled
echo 1 > /sys/kernel/mm/vswap/enabled
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
echo "+memory" > $CG/cgroup.subtree_control
for c in interactive batch; do
	mkdir -p $CG/$c
	echo $MAX > $CG/$c/memory.max
done
cat /proc/swaps
out0=$(vm zswpout) wb0=$(vm zswpwb)

section "vswapctl policy load default; two cgroups"
"$V" policy load default
echo "\$ vswapctl cgroup set interactive backend=zswap     # stay compressed"
"$V" cgroup set interactive backend=zswap > /dev/null
echo "\$ vswapctl cgroup set batch demote-after=3s         # to disk after 3 s in zswap"
"$V" cgroup set batch demote-after=3s > /dev/null
"$V" policy show | sed -n '1,8p'

section "a $SIZE working set in each (memory.max=$MAX), held out for ${HOLD}s, then verified"
for c in interactive batch; do
	bash -c "echo \$\$ > $CG/$c/cgroup.procs && exec $memhog -s $SIZE -w $HOLD" > /tmp/demo-$c.log 2>&1 &
	eval "pid_$c=$!"
done
# Until both have written their working set
for _ in $(seq 600); do
	[ "$(grep -c wrote /tmp/demo-interactive.log /tmp/demo-batch.log | grep -c ':1')" = 2 ] && break
	sleep 0.2
done
swap_entries "$pid_batch" /tmp/demo-before
note "batch right after the write: $(wc -l < /tmp/demo-before) pages swapped out; their swap entries noted"

section "vswapctl trace -e store,realloc -d 6 (an excerpt)"
"$V" trace -e store,realloc -d 6 > /tmp/demo-trace.log 2>/dev/null
grep -m 3 "event=store" /tmp/demo-trace.log
grep -m 3 "event=realloc" /tmp/demo-trace.log
note "$(grep -c "event=realloc" /tmp/demo-trace.log) realloc events (zswap -> phys: a demotion) in 6 s"

section "while the data is out: vswapctl status"
"$V" status | sed -n '/^vswap:/,/^swap_devices:/p' | head -n -1

section "while the data is out: vswapctl cgroup show interactive / batch"
"$V" cgroup show interactive
"$V" cgroup show batch

section "a demotion does not touch the page tables"
swap_entries "$pid_batch" /tmp/demo-after
read -r both same < <(same_entries /tmp/demo-before /tmp/demo-after)
disk_batch=$(cg_slots batch disk)
note "batch: $disk_batch of its slots are on disk now (demoted from zswap);"
note "       of the $both pages swapped out at both looks, $same have the same swap entry"
demote_ok=$([ "$both" -gt 0 ] && [ "$both" = "$same" ] && echo yes || echo no)

section "swapoff /dev/vda: through the reverse map"
t0=$(date +%s.%N)
swapoff /dev/vda
t1=$(date +%s.%N)
swap_entries "$pid_batch" /tmp/demo-off
read -r both2 same2 < <(same_entries /tmp/demo-after /tmp/demo-off)
note "swapoff took $(python3 -c "print(f'{$t1 - $t0:.2f}')") s for $disk_batch disk pages; no page table was walked:"
note "batch now has $(cg_slots batch disk) slots on disk; of its $both2 pages swapped out before and after, $same2 kept their swap entry"

section "the workloads verify every page"
rc=0 data_ok=yes
for c in interactive batch; do
	wait "$(eval echo "\$pid_$c")" || data_ok=no
	sed "s/^/$c: /" /tmp/demo-$c.log
done

section "summary"
inter_disk=$(cg_slots interactive disk)
echo "- zswap took $(( $(vm zswpout) - out0 )) pages; $(( $(vm zswpwb) - wb0 )) of them were demoted to disk (written"
echo "  back) for batch (demote-after=3s); interactive, set to stay compressed, had $inter_disk on disk."
if [ "$demote_ok" = yes ]; then
	echo "- Demotion changed where the data was, not the page tables: all $both of batch's pages"
	echo "  swapped out at both looks kept their swap entry."
else
	echo "- PAGE TABLES CHANGED: $same of $both swap entries were the same after the demotions."
	rc=1
fi
echo "- swapoff brought $disk_batch disk pages back through the reverse map; $same2 of $both2"
echo "  swap entries stayed as they were."
"$V" policy unload > /dev/null
for c in interactive batch; do rmdir $CG/$c; done
exit $rc

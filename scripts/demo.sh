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
# swap_entries PID: the swap entries of PID's largest anonymous mapping, from
# /proc/PID/pagemap (bit 62: swapped; bits 0-4 the type, 5-54 the offset):
# "COUNT DIGEST", the digest of the sorted entries
swap_entries() {
	python3 - "$1" <<'EOF'
import hashlib, struct, sys
pid = sys.argv[1]
best = (0, 0)
for line in open(f"/proc/{pid}/maps"):
    f = line.split()
    lo, hi = (int(x, 16) for x in f[0].split("-"))
    if len(f) == 5 and "rw" in f[1] and hi - lo > best[1] - best[0]:
        best = (lo, hi)
entries = []
with open(f"/proc/{pid}/pagemap", "rb") as pm:
    pm.seek(best[0] // 4096 * 8)
    data = pm.read((best[1] - best[0]) // 4096 * 8)
for (v,) in struct.iter_unpack("<Q", data):
    if v >> 62 & 1:
        entries.append(v & ((1 << 55) - 1))
entries.sort()
print(len(entries), hashlib.sha1(str(entries).encode()).hexdigest()[:12])
EOF
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
before=$(swap_entries "$pid_batch")
note "batch's swap entries right after the write: ${before% *} pages swapped out"

section "vswapctl trace -e store,realloc -d 6 (an excerpt)"
"$V" trace -e store,realloc -d 6 > /tmp/demo-trace.log 2>/dev/null
grep -m 3 "event=store" /tmp/demo-trace.log
grep -m 3 "event=realloc" /tmp/demo-trace.log
note "$(grep -c "event=realloc" /tmp/demo-trace.log) realloc events (zswap -> phys: a demotion) in 6 s"

section "while the data is out: vswapctl status"
"$V" status | sed -n '/^vswap:/,/^swap_devices:/p' | head -n -1

section "while the data is out: vswapctl cgroup show interactive / batch"
"$V" cgroup show interactive | sed -n '1,9p'
"$V" cgroup show batch | sed -n '1,9p'

section "a demotion does not touch the page tables"
after=$(swap_entries "$pid_batch")
note "batch: ${before% *} pages swapped out before the demotions (entries ${before#* }),"
note "       ${after% *} after (entries ${after#* }): $( [ "$before" = "$after" ] && echo "the same swap entries" || echo "CHANGED")"
note "       while $(cg_slots batch disk) of its slots moved to disk"
disk_batch=$(cg_slots batch disk)

section "swapoff /dev/vda: through the reverse map"
t0=$(date +%s.%N)
swapoff /dev/vda
t1=$(date +%s.%N)
note "swapoff took $(python3 -c "print(f'{$t1 - $t0:.2f}')") s for $disk_batch disk pages; no page table was walked"
note "batch now: $(cg_slots batch disk) slots on disk, its swap entries: $(swap_entries "$pid_batch" | cut -d' ' -f2) (unchanged: ${after#* })"

section "the workloads verify every page"
rc=0
for c in interactive batch; do
	wait "$(eval echo "\$pid_$c")" || rc=1
	sed "s/^/$c: /" /tmp/demo-$c.log
done

section "summary"
echo "- zswap took $(( $(vm zswpout) - out0 )) pages; $(( $(vm zswpwb) - wb0 )) of them were demoted to disk (written back),"
echo "  all from batch (demote-after=3s); interactive's stayed compressed (backend=zswap)."
echo "- Demotion changed where the data was, not the page tables: batch's swap entries"
echo "  were the same before and after."
echo "- swapoff brought $disk_batch disk pages back through the reverse map in one pass."
if [ $rc = 0 ]; then
	echo "- Data verified: every page of both working sets read back intact."
else
	echo "- DATA CHECK FAILED: see the workload output above."
fi
"$V" policy unload > /dev/null
for c in interactive batch; do rmdir $CG/$c; done
exit $rc

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One boot's share of `make bench`, run inside the guest (scripts/vm).
#
#   guest.sh KERNEL ROUND OUT.csv [quick|full|smoke] [PARTS]
#
# KERNEL is "vanilla" or "vswap": which configurations this boot can run.
# Appends one line per measurement to OUT.csv:
#   round,kernel,config,metric,value
# PARTS (default "p1 p3 p4 p6"): which measurements (p2 and p5 run with p1).
# /dev/vda is the swap disk (a raw block device, the same on both kernels);
# the workloads are build/bench/bin/{usemem,sharer}.
set -u
kernel=$1 round=$2 out=$3 mode=${4:-quick} parts=${5:-p1 p3 p4 p6}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
bin=$top/build/bench/bin
bpftool=$top/build/tools/bpftool/bpftool
bpfdir=$top/build/bpf
cg=/sys/fs/cgroup/bench
dev=/dev/vda
zsw=/sys/module/zswap/parameters

case $mode in
full)	size=512M max=256M meta_pages=262144 share=64M passes=2 swapin=256M ;;
quick)	size=256M max=128M meta_pages=65536 share=32M passes=2 swapin=128M ;;
smoke)	size=32M max=16M meta_pages=4096 share=4M passes=1 swapin=8M ;;	# the harness itself
*)	echo "guest.sh: mode full, quick or smoke" >&2; exit 2 ;;
esac

log() { echo "bench[$kernel r$round]: $*" >&2; }
emit() { echo "$round,$kernel,$1,$2,$3" >> "$out"; }
vm() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
mi() { awk -v k="$1:" '$1 == k { print $2 * 1024 }' /proc/meminfo; }

# zswap on/off with the same compressor and pool settings on both kernels
zswap() {
	echo lz4 > $zsw/compressor
	echo 20 > $zsw/max_pool_percent
	echo "$1" > $zsw/enabled
}
vswap() { [ -w /sys/kernel/mm/vswap/enabled ] && echo "$1" > /sys/kernel/mm/vswap/enabled; true; }
swap_on() { mkswap -f $dev >/dev/null && swapon $dev; }
swap_off() { swapoff -a 2>/dev/null; true; }
settle() { sync; echo 3 > /proc/sys/vm/drop_caches; sleep 1; }

policy_load() {
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
	rm -f /sys/fs/bpf/vswap_default /sys/fs/bpf/vswap_cfg
	"$bpftool" struct_ops register "$bpfdir/vswap_default.bpf.o" /sys/fs/bpf >/dev/null
}
policy_unload() { rm -f /sys/fs/bpf/vswap_default /sys/fs/bpf/vswap_cfg; }

# Run "$@" in the bench cgroup; its stdout (one key=value line) to $tmp
in_cg() {
	bash -c 'echo $$ > '"$cg"'/cgroup.procs && exec "$@"' _ "$@"
}

# usemem under memory.max: seconds, GB/s and swap traffic of config $1
p1_run() {
	local cfg=$1 ratio=$2 tmpfs=${3:-} line rc i
	local -A before
	for k in pswpout pswpin zswpout zswpin zswpwb; do before[$k]=$(vm $k); done
	# zswap keeps pages it cannot compress as they are, charged to the
	# cgroup: without its shrinker, incompressible data under memory.max
	# ends in OOM on either kernel
	[ "$ratio" = 1 ] && echo Y > $zsw/shrinker_enabled
	line=$(in_cg "$bin/usemem" -s $size -c "$ratio" -p $passes ${tmpfs:+-t})
	rc=$?
	echo N > $zsw/shrinker_enabled
	[ -n "$tmpfs" ] && ratio=${ratio}_tmpfs
	if [ $rc -ne 0 ]; then
		log "$cfg ratio $ratio: usemem failed ($rc): $line"
		emit "$cfg" "fail_ratio$ratio" 1
		return
	fi
	for i in seconds gbps bad; do
		emit "$cfg" "${i}_ratio$ratio" "$(sed -n "s/.* $i=\([^ ]*\).*/\1/p" <<< "$line")"
	done
	for k in pswpout pswpin zswpout zswpin zswpwb; do
		emit "$cfg" "${k}_ratio$ratio" $(( $(vm $k) - ${before[$k]} ))
	done
	log "$cfg ratio $ratio: $line"
}

p1_config() {
	local cfg=$1 z=$2 v=$3 disk=$4 pol=$5
	swap_off
	zswap "$z"
	vswap "$v"
	[ "$disk" = 1 ] && swap_on
	[ "$pol" = 1 ] && policy_load
	settle
	p1_run "$cfg" 3
	# Incompressible pages need a disk (zswap cannot shrink them)
	[ "$disk" = 1 ] && { settle; p1_run "$cfg" 1; }
	# The same 3:1 data in a memfd (shmem)
	settle
	p1_run "$cfg" 3 tmpfs
	[ "$pol" = 1 ] && policy_unload
	swap_off
}

p1() {
	echo $max > $cg/memory.max
	echo max > $cg/memory.zswap.max
	if [ "$kernel" = vanilla ]; then
		p1_config zswap+disk Y - 1 0
		p1_config disk N - 1 0
	else
		# P1 and P5, interleaved in this boot
		p1_config vswap+zswap Y 1 0 0
		p1_config vswap+zswap+disk Y 1 1 0
		p1_config vswap+zswap+disk+policy Y 1 1 1
		# P2: compiled in, switched off
		p1_config off:zswap+disk Y 0 1 0
		p1_config off:disk N 0 1 0
	fi
	echo max > $cg/memory.max
}

# Where the kernel spends P1's time: kernel functions sampled by bpftrace
# at 997 Hz on every CPU while usemem (3:1) runs, vanilla zswap+disk and
# vswap+zswap+disk; the top functions go to prof-KERNEL.txt next to OUT.
prof() {
	local cfg=zswap+disk v=- dir txt pid
	[ "$kernel" = vswap ] && { cfg=vswap+zswap+disk; v=1; }
	dir=$(dirname "$out")
	txt=$dir/prof-$kernel.txt
	swap_off
	zswap Y
	vswap "$v"
	swap_on
	echo $max > $cg/memory.max
	settle
	bpftrace -e 'profile:hz:997 { @[kstack(1)] = count(); } END { print(@, 40); clear(@); }' \
		> "$txt.raw" 2>&1 &
	pid=$!
	sleep 3
	in_cg "$bin/usemem" -s $size -c 3 -p $passes > "$txt.run"
	kill -INT $pid
	wait $pid
	{
		echo "# $kernel $cfg: samples at 997 Hz on each CPU during usemem -s $size -c 3 -p $passes"
		echo "# $(cat "$txt.run")"
		echo "# samples  % of busy  function (idle excluded)"
		# bpftrace prints @[\n    func+off\n]: count: sum per function
		awk '/^@\[\]: / { sub(/^@\[\]: /, ""); n["(user space)"] += $0; next }
		     /^@\[$/ { getline f; gsub(/^ +|\+[0-9]+$/, "", f); getline l
				sub(/^\]: /, "", l); n[f] += l }
		     END { for (f in n) if (f !~ /halt|idle/) busy += n[f]
			   for (f in n) if (f !~ /halt|idle/) printf "%8d %6.1f%%  %s\n", n[f], 100 * n[f] / busy, f }' \
			"$txt.raw" | sort -rn | head -40
	} > "$txt"
	log "profile: $(sed -n 4p "$txt")"
	echo max > $cg/memory.max
	swap_off
}

# Swap metadata: the kernel's own memory per slot in use, less the zswap
# entries themselves; the static cost of the device. Kernel memory is
# every page not free (free lists and per-CPU lists, /proc/zoneinfo) and
# not one the workload accounts for: anonymous, file and swap cache pages,
# page tables, kernel stacks, the zswap pool (zsmalloc pages). What is left
# holds slab, vmalloc, per-CPU memory and pages such as swap tables, which
# come from the page allocator directly.
kmem() {
	awk '
	FILENAME == "/proc/zoneinfo" && $1 == "pages" && $2 == "free" { free += $3 }
	FILENAME == "/proc/zoneinfo" && $1 == "count:" { free += $2 }
	FILENAME == "/proc/vmstat" && ($1 == "nr_anon_pages" || $1 == "nr_file_pages" ||
		$1 == "nr_page_table_pages" || $1 == "nr_zspages") { user += $2 }
	FILENAME == "/proc/vmstat" && $1 == "nr_kernel_stack" { user += $2 / 4 }
	FILENAME == "/proc/meminfo" && $1 == "MemTotal:" { total = $2 / 4 }
	END { printf "%.0f\n", (total - free - user) * 4096 }
	' /proc/zoneinfo /proc/vmstat /proc/meminfo
}
# What zswap itself holds per stored page: its entries and zsmalloc's
# handles and zspage descriptors (separate caches under slab_nomerge)
zswap_slab() {
	awk '$1 == "zswap_entry" || $1 ~ /^zs_handle/ || $1 ~ /^zspage/ { b += $3 * $4 }
	     END { print b + 0 }' /proc/slabinfo
}

p3_config() {
	local cfg=$1 zmax=$2 disk=$3 k0 k1 k2 k3 z1 z2 z3 slots fifo pid line vmeta="" used stored
	swap_off
	zswap Y
	vswap 1
	settle
	k0=$(kmem)
	[ "$disk" = 1 ] && swap_on
	settle
	k1=$(kmem)
	z1=$(zswap_slab)
	echo "$zmax" > $cg/memory.zswap.max
	echo max > $cg/memory.max
	fifo=$(mktemp -u /tmp/bench.XXXX)
	mkfifo "$fifo"
	in_cg "$bin/usemem" -s $((meta_pages * 4096)) -c 3 -H < "$fifo" > /tmp/usemem.out &
	pid=$!
	exec 7> "$fifo"
	for _ in $(seq 600); do grep -q held /tmp/usemem.out && break; sleep 0.5; done
	# No drop_caches here: freeing dentries and inodes would count against
	# the swap metadata
	sync
	sleep 1
	k2=$(kmem)
	z2=$(zswap_slab)
	[ -r /sys/kernel/mm/vswap/stat ] &&
		vmeta=$(awk '$1 == "metadata_bytes" { print $2 }' /sys/kernel/mm/vswap/stat)
	used=$(awk 'NR > 1 { u += $4 } END { print u + 0 }' /proc/swaps)
	stored=$(cat /sys/kernel/debug/zswap/stored_pages 2>/dev/null)
	exec 7>&-
	wait $pid
	line=$(cat /tmp/usemem.out)
	rm -f "$fifo"
	# The same from the other side: what freeing the slots gave back,
	# measured in the warm state k2 was (no settle in between either)
	sync
	sleep 1
	k3=$(kmem)
	z3=$(zswap_slab)
	slots=$(sed -n 's/^usemem held swapped=\([0-9]*\).*/\1/p' /tmp/usemem.out)
	emit "$cfg" static_bytes $(( k1 - k0 ))
	emit "$cfg" swapped_pages "$slots"
	emit "$cfg" dynamic_bytes $(( k2 - k1 - (z2 - z1) ))
	emit "$cfg" zswap_slab_bytes $(( z2 - z1 ))
	emit "$cfg" disk_used_kib "$used"
	if [ -n "${slots:-}" ] && [ "$slots" -gt 0 ]; then
		per() { awk -v d="$1" -v s="$slots" 'BEGIN { printf "%.2f", d / s }'; }
		emit "$cfg" bytes_per_slot "$(per $(( k2 - k1 - (z2 - z1) )))"
		emit "$cfg" freed_per_slot "$(per $(( k2 - k3 - (z2 - z3) )))"
		# Cross-check: vswap's own metadata counter (its clusters and
		# vtables). Swap tables are whole pages on x86-64, not a slab
		# cache: only the page-level count sees them.
		[ -n "${vmeta:-}" ] && emit "$cfg" vswap_counter_per_slot "$(per "$vmeta")"
	fi
	log "$cfg: static $(( k1 - k0 )) B; for $slots slots: kernel memory +$(( k2 - k1 - (z2 - z1) )) B (-$(( k2 - k3 - (z2 - z3) )) B when freed), zswap entries +$(( z2 - z1 )) B, vswap metadata ${vmeta:--} B; disk used ${used} KiB, zswap stored ${stored:-?} pages"
	swap_off
	echo max > $cg/memory.zswap.max
}

p3() {
	if [ "$kernel" = vanilla ]; then
		p3_config zswap+disk max 1
		p3_config disk 0 1
	else
		# With nothing swapped: the virtual device's own cost
		settle
		emit vswap+zswap idle_metadata_bytes \
			"$(awk '$1 == "metadata_bytes" { print $2 }' /sys/kernel/mm/vswap/stat)"
		emit vswap+zswap idle_slots "$(awk '$1 == "slots" { print $2 }' /sys/kernel/mm/vswap/stat)"
		p3_config vswap+zswap max 0
		p3_config vswap+disk 0 1
	fi
}

# swapoff of pages on disk shared by 1, 8, 32 processes; swap-in from disk
p4() {
	local n line reads
	zswap Y
	vswap 1
	echo 0 > $cg/memory.zswap.max
	echo max > $cg/memory.max
	for n in 1 8 32; do
		swap_off
		swap_on
		settle
		reads=$(awk '{ print $1 }' /sys/block/${dev#/dev/}/stat)
		line=$(in_cg "$bin/sharer" -s $share -n $n -C $cg -S $dev)
		reads=$(( $(awk '{ print $1 }' /sys/block/${dev#/dev/}/stat) - reads ))
		log "swapoff, $n processes: $line; $reads read requests"
		emit disk "swapoff_read_requests_n$n" $reads
		emit disk "swapoff_s_n$n" "$(sed -n 's/.* seconds=\([^ ]*\).*/\1/p' <<< "$line")"
		emit disk "swapoff_bad_n$n" "$(sed -n 's/.* bad=\([^ ]*\).*/\1/p' <<< "$line")"
		emit disk "swapoff_swapped_n$n" "$(sed -n 's/.* swapped=\([^ ]*\).*/\1/p' <<< "$line")"
	done
	swap_off
	swap_on
	settle
	reads=$(awk '{ print $1 }' /sys/block/${dev#/dev/}/stat)
	line=$(in_cg "$bin/sharer" -s $swapin -C $cg -R)
	reads=$(( $(awk '{ print $1 }' /sys/block/${dev#/dev/}/stat) - reads ))
	log "swap-in: $line; $reads read requests on ${dev#/dev/}"
	emit disk swapin_read_requests $reads
	emit disk swapin_gbps "$(sed -n 's/.* gbps=\([^ ]*\).*/\1/p' <<< "$line")"
	emit disk swapin_bad "$(sed -n 's/.* bad=\([^ ]*\).*/\1/p' <<< "$line")"
	swap_off
	echo max > $cg/memory.zswap.max
}

# Capacity without a disk, the same pool limit: vswap+zswap (vswap
# kernel) versus zram (vanilla kernel, zswap off). The capacity run (up to
# 5 minutes) is skipped in quick mode.
p6() {
	local pct=10 limit line cfg
	limit=$(( $(mi MemTotal) * pct / 100 ))
	swap_off
	if [ "$kernel" = vanilla ]; then
		cfg=zram
		zswap N
		modprobe zram 2>/dev/null
		[ -e /sys/block/zram0 ] || { log "no zram"; return; }
		echo 1 > /sys/block/zram0/reset
		echo lz4 > /sys/block/zram0/comp_algorithm
		echo 4G > /sys/block/zram0/disksize
		echo $limit > /sys/block/zram0/mem_limit
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
	else
		cfg=vswap+zswap
		zswap Y
		echo $pct > $zsw/max_pool_percent
		vswap 1
	fi
	settle
	# Throughput within capacity, under memory.max
	echo $max > $cg/memory.max
	line=$(in_cg "$bin/usemem" -s $size -c 3 -p $passes)
	log "$cfg throughput: $line"
	emit "$cfg" p6_gbps "$(sed -n 's/.* gbps=\([^ ]*\).*/\1/p' <<< "$line")"
	emit "$cfg" p6_bad "$(sed -n 's/.* bad=\([^ ]*\).*/\1/p' <<< "$line")"
	echo max > $cg/memory.max
	if [ "$mode" = quick ]; then
		swap_off
		[ "$kernel" = vanilla ] && echo 1 > /sys/block/zram0/reset
		echo 20 > $zsw/max_pool_percent
		return
	fi
	settle
	# Capacity: write until the OOM killer stops the writer (it is the
	# likeliest victim; this shell is not a candidate)
	echo -1000 > /proc/self/oom_score_adj
	# usemem stops its writer itself after 300 s; should it not get to,
	# everything in the cgroup goes after 330 s
	line=$(timeout -k 5 330 bash -c 'echo $$ > '"$cg"'/cgroup.procs; echo 1000 > /proc/self/oom_score_adj; exec "$0" "$@"' \
		"$bin/usemem" -g -s 8G -c 3)
	[ -z "$line" ] && { echo 1 > $cg/cgroup.kill; sleep 1; line="usemem mode=grow bytes=0 seconds=330 end=timeout"; }
	log "$cfg capacity: $line"
	emit "$cfg" capacity_bytes "$(sed -n 's/.* bytes=\([^ ]*\).*/\1/p' <<< "$line")"
	# 1: the writer stalled (no progress for 20 s) or ran out of time (300 s)
	# instead of being OOM-killed
	emit "$cfg" capacity_stalled "$(grep -c 'end=stalled\|end=timeout' <<< "$line")"
	emit "$cfg" capacity_seconds "$(sed -n 's/.* seconds=\([^ ]*\).*/\1/p' <<< "$line")"
	emit "$cfg" pool_limit_bytes $limit
	swap_off
	[ "$kernel" = vanilla ] && echo 1 > /sys/block/zram0/reset
	echo 20 > $zsw/max_pool_percent
}

# Kernel messages on the serial console cost the guest dearly under TCG
# (zram at its limit logs each failed write): keep them in dmesg only
dmesg -n 1
mkdir -p $cg
echo "+memory" > /sys/fs/cgroup/cgroup.subtree_control
echo 0 > /proc/sys/kernel/randomize_va_space 2>/dev/null
for p in $parts; do
	log "$p"
	$p
done
rmdir $cg 2>/dev/null
exit 0

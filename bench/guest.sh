#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# One boot's share of `make bench`, run inside the guest (scripts/vm).
#
#   guest.sh KERNEL ROUND OUT.csv [quick|full|smoke] [PARTS]
#
# KERNEL is "vanilla" or "vswap": which configurations this boot can run.
# Appends one line per measurement to OUT.csv:
#   round,kernel,config,metric,value
# PARTS (default "p1 p3 p4 p6"): which measurements (p2 and p5 run with
# p1); also p6cap (capacity) and the profiles prof, prof1, proft, prof5,
# prof6, profin.
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

# Run "$@" in the bench cgroup, on CPU 1 only. Pinned, the workload's mm
# is never live on the other CPU, so reclaim's batched TLB flushes need no
# IPI: under TCG an IPI is slow enough that whether the scheduler had
# moved the workload decided up to 10 % of a run (the profiles showed
# smp_call_function_many_cond at 0 % in one run, 9 % in the next).
in_cg() {
	taskset -c 1 bash -c 'echo $$ > '"$cg"'/cgroup.procs && exec "$@"' _ "$@"
}

# usemem under memory.max: seconds, GB/s and swap traffic of config $1
p1_run() {
	local cfg=$1 ratio=$2 tmpfs=${3:-} line rc i
	local -A before
	for k in pswpout pswpin zswpout zswpin zswpwb; do before[$k]=$(vm $k); done
	# zswap keeps pages it cannot compress as they are, charged to the
	# cgroup: incompressible data under memory.max ends in OOM on either
	# kernel unless zswap may hold only part of it (a quarter of
	# memory.max) and its shrinker writes back
	if [ "$ratio" = 1 ]; then
		echo Y > $zsw/shrinker_enabled
		echo $(( $(numfmt --from=iec $max) / 4 )) > $cg/memory.zswap.max
	fi
	line=$(in_cg "$bin/usemem" -s $size -c "$ratio" -p $passes ${tmpfs:+-t})
	rc=$?
	echo N > $zsw/shrinker_enabled
	echo max > $cg/memory.zswap.max
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
	local -a cfgs
	if [ "$kernel" = vanilla ]; then
		cfgs=("zswap+disk Y - 1 0" "disk N - 1 0")
	else
		# P1 and P5, interleaved in this boot; P2: compiled in, off
		cfgs=("vswap+zswap Y 1 0 0" "vswap+zswap+disk Y 1 1 0"
		      "vswap+zswap+disk+policy Y 1 1 1"
		      "off:zswap+disk Y 0 1 0" "off:disk N 0 1 0")
	fi
	# A run's place in the boot matters (what earlier runs left in memory,
	# zsmalloc, the disk): even rounds run the configurations backwards,
	# so that each comparison sees both orders
	local i n=${#cfgs[@]}
	for ((i = 0; i < n; i++)); do
		if [ $((round % 2)) -eq 0 ]; then
			p1_config ${cfgs[n - 1 - i]}
		else
			p1_config ${cfgs[i]}
		fi
	done
	echo max > $cg/memory.max
}

# prof_sample TAG WHAT CMD...: sample kernel stacks (8 frames) with bpftrace
# at 997 Hz on every CPU while CMD runs in the bench cgroup; the report goes
# to prof-KERNEL[TAG].txt next to OUT: the leaf functions (self time) and the
# functions seen anywhere in the sampled frames (inclusive, within 8 frames),
# idle excluded. The caller sets the configuration up.
prof_sample() {
	local tag=$1 what=$2 dir txt pid k d=""
	local -A before
	shift 2
	dir=$(dirname "$out")
	txt=$dir/prof-$kernel$tag.txt
	for k in $prof_counters; do before[$k]=$(vm $k); done
	bpftrace -e 'profile:hz:997 { @[kstack(8)] = count(); } END { print(@); clear(@); }' \
		> "$txt.raw" 2>&1 &
	pid=$!
	sleep 3
	in_cg "$@" > "$txt.run"
	kill -INT $pid
	wait $pid
	for k in $prof_counters; do d="$d $k=$(( $(vm $k) - ${before[$k]} ))"; done
	{
		echo "# $kernel $what: kernel stacks sampled at 997 Hz on each CPU during ${*#$bin/}"
		echo "# $(cat "$txt.run")"
		echo "# /proc/vmstat deltas:$d"
		# bpftrace prints @[\n    f+off\n    ...\n]: count; @[]: count is user space
		awk -v top=40 '
		function fn(l) { gsub(/^ +|\+[0-9]+$/, "", l); return l }
		/^@\[\]: / { sub(/^@\[\]: /, ""); self["(user space)"] += $0; busy += $0; next }
		/^@\[$/ { n = 0; delete seen; next }
		/^ +[^ ]/ && !/^ +\]/ { st[++n] = fn($0); next }
		/^\]: / { c = $2; if (n == 0 || st[1] ~ /halt|idle|mwait/) next
			  busy += c; self[st[1]] += c
			  for (i = 1; i <= n; i++) if (!(st[i] in seen)) { seen[st[i]] = 1; incl[st[i]] += c }
			  for (i = 1; i <= n; i++) if (st[i] ~ /^bpf_prog_|^bpf_trampoline|^__bpf_prog_enter|^bpf__/) { bpf += c; break }
			  next }
		END {
			printf "# %d busy samples; %.1f%% with a BPF program or trampoline in the frames\n", busy, busy ? 100 * bpf / busy : 0
			printf "# self: samples  %% of busy  function\n"
			for (f in self) printf "S %8d %6.1f%%  %s\n", self[f], 100 * self[f] / busy, f
			for (f in incl) printf "I %8d %6.1f%%  %s\n", incl[f], 100 * incl[f] / busy, f
		}' "$txt.raw" > "$txt.tmp"
		sed -n 's/^# /# /p' "$txt.tmp" | head -2
		grep '^S ' "$txt.tmp" | sort -k2,2rn | head -40 | cut -c3-
		echo "# inclusive (in any of the 8 sampled frames): samples  % of busy  function"
		grep '^I ' "$txt.tmp" | sort -k2,2rn | head -60 | cut -c3-
	} > "$txt"
	rm -f "$txt.tmp"
	log "profile$tag: $(sed -n 2p "$txt"); $(sed -n 4p "$txt"); top: $(sed -n 6p "$txt")"
	log "profile$tag: $(sed -n 3p "$txt")"
}

# Counters whose change prof_sample reports with the profile
prof_counters="pgfault pgmajfault swap_ra swap_ra_hit thp_fault_alloc thp_split_page thp_swpout thp_swpout_fallback zswpout zswpin zswpwb pswpout pswpin"

# P1's configuration: vanilla zswap+disk, vswap+zswap+disk
prof_p1_setup() {
	swap_off
	zswap Y
	[ "$kernel" = vswap ] && vswap 1
	swap_on
	echo $max > $cg/memory.max
	settle
}

# Where the kernel spends P1's time: 3:1 anon (prof-KERNEL.txt),
# incompressible (-ratio1), 3:1 in tmpfs (-tmpfs)
prof_p1() {
	local tag=$1 ratio=$2 tmpfs=${3:-} cfg=zswap+disk
	[ "$kernel" = vswap ] && cfg=vswap+zswap+disk
	prof_p1_setup
	if [ "$ratio" = 1 ]; then	# as in p1_run
		echo Y > $zsw/shrinker_enabled
		echo $(( $(numfmt --from=iec $max) / 4 )) > $cg/memory.zswap.max
	fi
	prof_sample "$tag" "$cfg" "$bin/usemem" -s $size -c "$ratio" -p $passes ${tmpfs:+-t}
	echo N > $zsw/shrinker_enabled
	echo max > $cg/memory.zswap.max
	echo max > $cg/memory.max
	swap_off
}
prof() { prof_p1 "" 3; }
prof1() { prof_p1 -ratio1 1; }
proft() { prof_p1 -tmpfs 3 t; }

# P5: the same with the default BPF policy loaded (vswap kernel only)
prof5() {
	[ "$kernel" = vswap ] || return 0
	prof_p1_setup
	policy_load
	prof_sample -policy "vswap+zswap+disk+policy" "$bin/usemem" -s $size -c 3 -p $passes
	policy_unload
	echo max > $cg/memory.max
	swap_off
}

# P6: zram (vanilla) and vswap+zswap without a disk, same pool limit
prof6() {
	local cfg
	p6_setup
	cfg=$p6_cfg
	[ -n "$cfg" ] || return 0
	echo $max > $cg/memory.max
	settle
	prof_sample -p6 "$cfg, no disk" "$bin/usemem" -s $size -c 3 -p $passes
	echo max > $cg/memory.max
	p6_teardown
}

# P4's swap-in from disk
profin() {
	zswap Y
	[ "$kernel" = vswap ] && vswap 1
	echo 0 > $cg/memory.zswap.max
	echo max > $cg/memory.max
	swap_off
	swap_on
	settle
	prof_sample -swapin "swap-in from disk" "$bin/sharer" -s $swapin -C $cg -R
	swap_off
	echo max > $cg/memory.zswap.max
}

# Swap metadata: the kernel's own memory per slot in use, less the zswap
# entries themselves; the static cost of the device. Three views:
# - kmem: every page neither free (free lists and per-CPU lists,
#   /proc/zoneinfo) nor one the workload accounts for: pages on the LRU
#   lists (each user page is on exactly one, swap cache pages included;
#   nr_anon_pages + nr_file_pages would count a mapped swap cache page
#   twice), isolated pages, page tables, kernel stacks, the zswap pool
#   (zsmalloc pages). What is left is slab, vmalloc, per-CPU memory and
#   pages such as swap tables that come from the page allocator directly.
# - slab: the objects in use in every slab cache (slab_nomerge keeps caches
#   apart), less zswap's own; vmalloc and per-CPU from /proc/meminfo.
# - the rest of kmem, the direct pages, against the structure size: one
#   4 KiB swap table per cluster of 512 slots in use.
# Per-CPU folio batches are drained first (compact_memory does
# lru_add_drain_all()): a folio in one is on no list yet.
kmem() {
	echo 1 > /proc/sys/vm/compact_memory
	awk '
	FILENAME == "/proc/zoneinfo" && $1 == "pages" && $2 == "free" { free += $3 }
	FILENAME == "/proc/zoneinfo" && $1 == "count:" { free += $2 }
	FILENAME == "/proc/vmstat" && ($1 ~ /^nr_(in)?active_(anon|file)$/ || $1 == "nr_unevictable" ||
		$1 ~ /^nr_isolated_(anon|file)$/ ||
		$1 == "nr_page_table_pages" || $1 == "nr_zspages") { user += $2 }
	FILENAME == "/proc/vmstat" && $1 == "nr_kernel_stack" { user += $2 / 4 }
	FILENAME == "/proc/meminfo" && $1 == "MemTotal:" { total = $2 / 4 }
	END { printf "%.0f\n", (total - free - user) * 4096 }
	' /proc/zoneinfo /proc/vmstat /proc/meminfo
}
# The objects in use of every slab cache, in bytes, by cache ("name
# bytes"); zswap's own caches (its entries, zsmalloc's handles and zspage
# descriptors) are tagged. Objects, not slab pages: an object the previous
# run freed sits in a slab that is still there, and taking it again adds no
# page. (SLUB counts objects free in a per-CPU slab as in use: a few
# slabs' worth of error, at most.)
slab_snap() {
	awk 'NR > 2 { z = ($1 == "zswap_entry" || $1 ~ /^zs_handle/ || $1 ~ /^zspage/) ? "zswap:" : ""
		      print z $1, $2 * $4 }' /proc/slabinfo
}
# Slab bytes added between two slab_snap files, all caches but zswap's ($3: "zswap" for those)
slab_delta() {
	awk -v want="${3:-}" 'FNR == NR { a[$1] = $2; next }
		{ z = ($1 ~ /^zswap:/); if ((want == "zswap") == z) d += $2 - a[$1] }
		END { print d + 0 }' "$1" "$2"
}
# The slab caches that grew most between two snapshots, for the log
slab_top() {
	awk 'FNR == NR { a[$1] = $2; next } { d = $2 - a[$1]; if (d > 65536 || d < -65536) print d, $1 }' "$1" "$2" |
		sort -rn | head -6 | awk '{ printf "%s%s %+d KiB", (NR > 1 ? ", " : ""), $2, $1 / 1024 }'
}
vmalloc_b() { mi VmallocUsed; }
percpu_b() { mi Percpu; }
# zswap's caches only, as slab_snap counts them
zswap_slab() {
	slab_snap | awk '$1 ~ /^zswap:/ { b += $2 } END { print b + 0 }'
}

p3_config() {
	local cfg=$1 zmax=$2 disk=$3 k0 k1 k2 k3 z1 z2 z3 slots fifo pid line vmeta="" used stored
	local s1=/tmp/slab1 s2=/tmp/slab2 v1 v2 c1 c2 slab vmal pcpu direct clusters0=0 clusters=0 tables
	swap_off
	zswap Y
	vswap 1
	settle
	k0=$(kmem)
	[ "$disk" = 1 ] && swap_on
	settle
	k1=$(kmem)
	z1=$(zswap_slab)
	slab_snap > $s1
	v1=$(vmalloc_b) c1=$(percpu_b)
	[ -r /sys/kernel/mm/vswap/stat ] &&
		clusters0=$(awk '$1 == "clusters" { print $2 }' /sys/kernel/mm/vswap/stat)
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
	slab_snap > $s2
	v2=$(vmalloc_b) c2=$(percpu_b)
	[ -r /sys/kernel/mm/vswap/stat ] && {
		vmeta=$(awk '$1 == "metadata_bytes" { print $2 }' /sys/kernel/mm/vswap/stat)
		clusters=$(awk '$1 == "clusters" { print $2 }' /sys/kernel/mm/vswap/stat)
	}
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
	slab=$(slab_delta $s1 $s2)
	vmal=$(( v2 - v1 )) pcpu=$(( c2 - c1 ))
	direct=$(( k2 - k1 - (z2 - z1) - slab - vmal - pcpu ))
	# Swap tables by structure size: one page per cluster in use; the
	# disk's clusters (slots on disk / 512) plus the virtual device's
	tables=$(( (used / 4 + 511) / 512 + clusters - clusters0 ))
	emit "$cfg" static_bytes $(( k1 - k0 ))
	emit "$cfg" swapped_pages "$slots"
	emit "$cfg" dynamic_bytes $(( k2 - k1 - (z2 - z1) ))
	emit "$cfg" zswap_slab_bytes $(( z2 - z1 ))
	emit "$cfg" slab_bytes $slab
	emit "$cfg" vmalloc_bytes $vmal
	emit "$cfg" percpu_bytes $pcpu
	emit "$cfg" direct_bytes $direct
	emit "$cfg" swap_tables $tables
	emit "$cfg" disk_used_kib "$used"
	if [ -n "${slots:-}" ] && [ "$slots" -gt 0 ]; then
		per() { awk -v d="$1" -v s="$slots" 'BEGIN { printf "%.2f", d / s }'; }
		# The exact figure: slab, vmalloc and per-CPU deltas as the
		# kernel counts them, plus the swap tables by structure size
		emit "$cfg" exact_per_slot "$(per $(( slab + vmal + pcpu + tables * 4096 )))"
		emit "$cfg" bytes_per_slot "$(per $(( k2 - k1 - (z2 - z1) )))"
		emit "$cfg" slab_per_slot "$(per $slab)"
		emit "$cfg" direct_per_slot "$(per $direct)"
		emit "$cfg" tables_per_slot "$(per $(( tables * 4096 )))"
		emit "$cfg" freed_per_slot "$(per $(( k2 - k3 - (z2 - z3) )))"
		# Cross-check: vswap's own metadata counter (its clusters and
		# vtables)
		[ -n "${vmeta:-}" ] && emit "$cfg" vswap_counter_per_slot "$(per "$vmeta")"
	fi
	log "$cfg: static $(( k1 - k0 )) B; for $slots slots: kernel memory +$(( k2 - k1 - (z2 - z1) )) B (-$(( k2 - k3 - (z2 - z3) )) B when freed) = slab +$slab B, vmalloc +$vmal B, per-CPU +$pcpu B, direct pages +$direct B (swap tables by size: $tables x 4 KiB); zswap entries +$(( z2 - z1 )) B; vswap metadata ${vmeta:--} B; disk used ${used} KiB, zswap stored ${stored:-?} pages"
	log "$cfg: slab caches: $(slab_top $s1 $s2)"
	rm -f $s1 $s2
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

# Without a disk, the same pool limit: vswap+zswap (vswap kernel) versus
# zram (vanilla kernel, zswap off). p6: throughput under memory.max.
p6_setup() {
	local pct=10
	p6_limit=$(( $(mi MemTotal) * pct / 100 ))
	p6_cfg=
	swap_off
	if [ "$kernel" = vanilla ]; then
		zswap N
		modprobe zram 2>/dev/null
		[ -e /sys/block/zram0 ] || { log "no zram"; return 0; }
		echo 1 > /sys/block/zram0/reset
		echo lz4 > /sys/block/zram0/comp_algorithm
		echo 4G > /sys/block/zram0/disksize
		echo $p6_limit > /sys/block/zram0/mem_limit
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0
		p6_cfg=zram
	else
		zswap Y
		echo $pct > $zsw/max_pool_percent
		vswap 1
		p6_cfg=vswap+zswap
	fi
}

p6_teardown() {
	swap_off
	[ "$kernel" = vanilla ] && echo 1 > /sys/block/zram0/reset
	echo 20 > $zsw/max_pool_percent
}

p6() {
	local line cfg
	p6_setup
	cfg=$p6_cfg
	[ -n "$cfg" ] || return 0
	settle
	# Throughput within capacity, under memory.max
	echo $max > $cg/memory.max
	line=$(in_cg "$bin/usemem" -s $size -c 3 -p $passes)
	log "$cfg throughput: $line"
	emit "$cfg" p6_gbps "$(sed -n 's/.* gbps=\([^ ]*\).*/\1/p' <<< "$line")"
	emit "$cfg" p6_bad "$(sed -n 's/.* bad=\([^ ]*\).*/\1/p' <<< "$line")"
	echo max > $cg/memory.max
	p6_teardown
}

# P6 capacity: data held before the OOM killer stops the writer, up to 5
# minutes (bench.sh runs it once, in round 1 of the full mode)
p6cap() {
	local line cfg
	p6_setup
	cfg=$p6_cfg
	[ -n "$cfg" ] || return 0
	settle
	# Capacity: write until the OOM killer stops the writer (it is the
	# likeliest victim; this shell is not a candidate)
	echo -1000 > /proc/self/oom_score_adj
	# usemem stops its writer itself after 300 s; should it not get to,
	# everything in the cgroup goes after 330 s
	line=$(timeout -k 5 330 taskset -c 1 bash -c 'echo $$ > '"$cg"'/cgroup.procs; echo 1000 > /proc/self/oom_score_adj; exec "$0" "$@"' \
		"$bin/usemem" -g -s 8G -c 3)
	[ -z "$line" ] && { echo 1 > $cg/cgroup.kill; sleep 1; line="usemem mode=grow bytes=0 seconds=330 end=timeout"; }
	log "$cfg capacity: $line"
	emit "$cfg" capacity_bytes "$(sed -n 's/.* bytes=\([^ ]*\).*/\1/p' <<< "$line")"
	# 1: the writer stalled (no progress for 20 s) or ran out of time (300 s)
	# instead of being OOM-killed
	emit "$cfg" capacity_stalled "$(grep -c 'end=stalled\|end=timeout' <<< "$line")"
	emit "$cfg" capacity_seconds "$(sed -n 's/.* seconds=\([^ ]*\).*/\1/p' <<< "$line")"
	emit "$cfg" pool_limit_bytes $p6_limit
	p6_teardown
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

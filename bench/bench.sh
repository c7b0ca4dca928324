#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `make bench`: vanilla 7.3.4 versus vswap, side by side in one run.
#
#   bench/bench.sh [--quick] [--rounds N] [--parts "p1 p3 p4 p6"]
#
# Boots the vanilla kernel (build/kbuild-vanilla) and the patched one
# (build/kbuild-bench), built from the same base and configuration by
# scripts/bench-kernels.sh, in the same guest (memory, CPUs, disks, zswap
# settings), alternating which boots first, N rounds (5; --quick: 3 rounds
# of smaller runs, no P6 capacity). Each boot runs
# bench/guest.sh; bench/report.c turns the
# measurements into build/bench/results.md, results.csv and PNG plots.
# The metadata measurement (p3) is exact and runs in the first round only.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=$top/build/bench
mode=full rounds=5 parts="p1 p3 p4 p6"
while [ $# -gt 0 ]; do
	case $1 in
	--quick)  mode=quick; rounds=3; shift ;;
	--rounds) rounds=$2; shift 2 ;;
	--parts)  parts=$2; shift 2 ;;
	*) echo "usage: bench.sh [--quick] [--rounds N] [--parts \"p1 p3 p4 p6\"]" >&2; exit 2 ;;
	esac
done
[[ $rounds =~ ^[1-9][0-9]?$ ]] || { echo "bench: --rounds wants 1..99" >&2; exit 2; }

declare -A kimg=(
	[vanilla]=$top/build/kbuild-vanilla/arch/x86/boot/bzImage
	[vswap]=$top/build/kbuild-bench/arch/x86/boot/bzImage
)
for k in vanilla vswap; do
	[ -r "${kimg[$k]}" ] || { echo "bench: no $k kernel at ${kimg[$k]} (scripts/bench-kernels.sh)" >&2; exit 1; }
done

mkdir -p "$out/vm"
rm -f "$out"/vm/prof-* "$out"/prof-*
raw=$out/vm/raw.csv
[ -f "$raw" ] && mv -f "$raw" "$out/vm/raw.prev.csv"
: > "$raw"
start=$(date +%s)
failed=0
for r in $(seq "$rounds"); do
	order="vanilla vswap"
	[ $((r % 2)) -eq 0 ] && order="vswap vanilla"
	p=$parts
	# p3 is exact: round 1 only. Round 1 also profiles P1 (three
	# workloads), P5, P6 and
	# P4's swap-in (bench/guest.sh prof*) and, in the full mode, measures
	# P6's capacity (up to 5 minutes per kernel)
	if [ "$r" -eq 1 ]; then
		p="$p prof prof1 proft prof5 prof6 profin"
		[ "$mode" = full ] && [[ " $parts " = *" p6 "* ]] && p="$p p6cap"
	else
		p=${p//p3/}
	fi
	for k in $order; do
		echo "bench: round $r/$rounds, $k kernel: $p"
		if ! "$top/scripts/vm" --prealloc -k "${kimg[$k]}" -o "$out/vm" -m 2G -c 2 -d 4G -t 3600 \
			-a "slab_nomerge" -- "$top/bench/guest.sh" "$k" "$r" "$raw" "$mode" "$p" \
			> "$out/vm/r$r-$k.log" 2>&1; then
			echo "bench: round $r, $k: the guest failed; see build/bench/vm/r$r-$k.log" >&2
			failed=1
		fi
		grep '^bench\[' "$out/vm/r$r-$k.log" | sed 's/^/  /' || true
	done
done
secs=$(( $(date +%s) - start ))

# build/kbuild-X/arch/x86/boot/bzImage -> the release in build/kbuild-X
krel() { cat "${1%/arch/x86/boot/bzImage}/include/config/kernel.release" 2>/dev/null || echo "?"; }
accel=tcg
[ "$(cat "$top/build/vm/kvm-probe" 2>/dev/null)" = yes ] && accel=kvm
info="$(date -u '+%Y-%m-%d %H:%M UTC'); host: $(nproc) CPUs, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release; echo "$PRETTY_NAME"); guest: QEMU $accel, 2 vCPUs, 2 GiB, swap disk 4 GiB virtio (raw), zswap lz4/zsmalloc; kernels: $(krel "${kimg[vanilla]}") and $(krel "${kimg[vswap]}"); mode $mode; $secs s"
"$top/build/bench/bin/report" "$raw" "$out" "$info"
if command -v gnuplot >/dev/null; then
	(cd "$out" && gnuplot plots.gp) || echo "bench: gnuplot failed; the .dat files are in build/bench" >&2
else
	echo "bench: no gnuplot: no PNG plots ('make deps' installs gnuplot-nox)" >&2
fi
# The profiles of round 1: where each kernel spent its time
for f in "$out"/vm/prof-*.txt; do
	[ -s "$f" ] || continue
	cp "$f" "$out/"
	{
		echo
		echo "## Profile, round 1: build/bench/$(basename "$f") (top 12 leaf functions)"
		echo
		echo '```'
		head -17 "$f"
		echo '```'
	} >> "$out/results.md"
done
echo "bench: build/bench/results.md:"
cat "$out/results.md"
exit $failed

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
# of smaller runs, p6 once). Each boot runs
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
raw=$out/vm/raw.csv
[ -f "$raw" ] && mv -f "$raw" "$out/vm/raw.prev.csv"
: > "$raw"
start=$(date +%s)
failed=0
for r in $(seq "$rounds"); do
	order="vanilla vswap"
	[ $((r % 2)) -eq 0 ] && order="vswap vanilla"
	p=$parts
	# p3 is exact: round 1 only; so is p6 in quick mode. Round 1 also
	# profiles P1 (bench/guest.sh prof)
	[ "$r" -eq 1 ] && p="$p prof"
	[ "$r" -gt 1 ] && p=${p//p3/}
	[ "$r" -gt 1 ] && [ "$mode" = quick ] && p=${p//p6/}
	for k in $order; do
		echo "bench: round $r/$rounds, $k kernel: $p"
		if ! "$top/scripts/vm" -k "${kimg[$k]}" -o "$out/vm" -m 2G -c 2 -d 4G -t 3600 \
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
# The profiles of round 1: where each kernel spent P1's time
for k in vanilla vswap; do
	[ -s "$out/vm/prof-$k.txt" ] || continue
	cp "$out/vm/prof-$k.txt" "$out/"
	{
		echo
		echo "## Profile, round 1, $k kernel (top 15 of build/bench/prof-$k.txt)"
		echo
		echo '```'
		head -18 "$out/prof-$k.txt"
		echo '```'
	} >> "$out/results.md"
done
echo "bench: build/bench/results.md:"
cat "$out/results.md"
exit $failed

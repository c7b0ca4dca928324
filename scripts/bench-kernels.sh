#!/usr/bin/env bash
# Build the two kernels `make bench` compares, from the same pinned base
# and the same configuration (configs/base.config + vswap.config +
# bench.config, no debugging):
#   build/kbuild-bench    the patched tree, build/linux
#   build/kbuild-vanilla  the pinned base alone, a git worktree of
#                         build/linux at its tag "base" (build/linux-vanilla)
# Each .config must hold every option of the fragments (the last value
# wins), except that the vanilla kernel has no CONFIG_VSWAP*.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
frags=("$top/configs/base.config" "$top/configs/vswap.config" "$top/configs/bench.config")
jobs=${JOBS:-$(nproc)}
kcc=gcc
command -v ccache >/dev/null && kcc="ccache gcc"

"$top/scripts/vanilla-tree.sh"

config() {	# TREE OBJ VANILLA
	local tree=$1 obj=$2 vanilla=$3 bad=0 opt want have line
	mkdir -p "$obj"
	[ -f "$obj/.config" ] && cp -p "$obj/.config" "$obj/.config.prev"
	(cd "$tree" && ./scripts/kconfig/merge_config.sh -n -O "$obj" "${frags[@]}") >"$obj/merge_config.log" 2>&1 ||
		{ cat "$obj/merge_config.log" >&2; echo "bench-kernels: error: merge_config.sh failed in $obj" >&2; exit 1; }
	declare -A last=()
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=n)	last[${line%%=*}]="" ;;
		CONFIG_*=*)	last[${line%%=*}]=$line ;;
		esac
	done < <(cat "${frags[@]}")
	for opt in "${!last[@]}"; do
		want=${last[$opt]}
		[ "$vanilla" = 1 ] && [[ $opt == CONFIG_VSWAP* ]] && continue
		[ "$opt" = CONFIG_LOCALVERSION ] && [ "$vanilla" = 1 ] && continue
		have=$(grep -E "^$opt=" "$obj/.config" || true)
		if [ "$have" != "$want" ]; then
			echo "bench-kernels: error: $obj: $opt: requested '${want:-not set}', got '${have:-not set}'" >&2
			bad=1
		fi
	done
	[ "$vanilla" = 1 ] && sed -i 's/^CONFIG_LOCALVERSION=.*/CONFIG_LOCALVERSION="-vanilla"/' "$obj/.config"
	[ $bad -eq 0 ] || exit 1
	if [ -f "$obj/.config.prev" ] && cmp -s "$obj/.config" "$obj/.config.prev"; then
		mv -f "$obj/.config.prev" "$obj/.config"
	else
		rm -f "$obj/.config.prev"
	fi
}

build() {	# TREE OBJ NAME
	echo "bench-kernels: building $3 in ${2#$top/}"
	make -s -C "$1" O="$2" -j"$jobs" CC="$kcc" HOSTCC="$kcc" olddefconfig >/dev/null
	if ! make -s -C "$1" O="$2" -j"$jobs" CC="$kcc" HOSTCC="$kcc" bzImage >"$2/build.log" 2>&1; then
		tail -n 30 "$2/build.log" >&2
		echo "bench-kernels: error: $3 build failed; see ${2#$top/}/build.log" >&2
		exit 1
	fi
	echo "bench-kernels: $3 $(cat "$2/include/config/kernel.release") ready"
}

config "$b/linux" "$b/kbuild-bench" 0
config "$b/linux-vanilla" "$b/kbuild-vanilla" 1
build "$b/linux" "$b/kbuild-bench" "patched kernel"
build "$b/linux-vanilla" "$b/kbuild-vanilla" "vanilla kernel"

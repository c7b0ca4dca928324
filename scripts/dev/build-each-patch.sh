#!/usr/bin/env bash
# Build the kernel at every commit of the series (base..HEAD of build/linux)
# in a scratch worktree, to check that each patch builds on its own.
#
#   scripts/dev/build-each-patch.sh          bzImage at every commit
#   scripts/dev/build-each-patch.sh --mm     mm/ only at every commit (every
#                                            .c file the series changes is in
#                                            mm/), bzImage at the last one
#
# At every commit mm/ is also built with CONFIG_VSWAP=n (the 32-bit and
# !ZSWAP case), in build/bisect/kbuild-novswap: the stubs must keep up.
set -euo pipefail
mm_only=
[ "${1:-}" = --mm ] && mm_only=1
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$top/build/linux
wt=$top/build/bisect/linux
obj=$top/build/bisect/kbuild
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 KBUILD_BUILD_TIMESTAMP=2026-01-01
mkdir -p "$top/build/bisect"
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" base
novswap=$top/build/bisect/kbuild-novswap
mkdir -p "$obj" "$novswap"
cp "$top/build/kbuild/.config" "$obj/.config"
cp "$top/build/kbuild/.config" "$novswap/.config"
"$tree/scripts/config" --file "$novswap/.config" -d VSWAP
last=$(git -C "$tree" rev-parse HEAD)
for c in $(git -C "$tree" rev-list --reverse base..HEAD); do
	git -C "$wt" checkout -q --detach "$c"
	printf '%s %s: ' "$(git -C "$tree" log -1 --format=%h "$c")" "$(git -C "$tree" log -1 --format=%s "$c")"
	target=bzImage
	[ -n "$mm_only" ] && [ "$c" != "$last" ] && target=mm/
	if ! make -s -C "$wt" O="$obj" -j"$(nproc)" CC="ccache gcc" olddefconfig $target \
		> "$top/build/bisect/build-$c.log" 2>&1; then
		echo "FAILED (build/bisect/build-$c.log)"
		exit 1
	fi
	if ! make -s -C "$wt" O="$novswap" -j"$(nproc)" CC="ccache gcc" olddefconfig mm/ \
		> "$top/build/bisect/build-novswap-$c.log" 2>&1; then
		echo "FAILED with CONFIG_VSWAP=n (build/bisect/build-novswap-$c.log)"
		exit 1
	fi
	echo ok
done

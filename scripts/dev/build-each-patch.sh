#!/usr/bin/env bash
# Build the kernel at every commit of the series (base..HEAD of build/linux)
# in a scratch worktree, to check that each patch builds on its own.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tree=$top/build/linux
wt=$top/build/bisect/linux
obj=$top/build/bisect/kbuild
export CCACHE_BASEDIR=$top CCACHE_NOHASHDIR=1 KBUILD_BUILD_TIMESTAMP=2026-01-01
mkdir -p "$top/build/bisect"
[ -d "$wt" ] || git -C "$tree" worktree add -q --detach "$wt" base
mkdir -p "$obj"
cp "$top/build/kbuild/.config" "$obj/.config"
for c in $(git -C "$tree" rev-list --reverse base..HEAD); do
	git -C "$wt" checkout -q --detach "$c"
	printf '%s %s: ' "$(git -C "$tree" log -1 --format=%h "$c")" "$(git -C "$tree" log -1 --format=%s "$c")"
	if make -s -C "$wt" O="$obj" -j"$(nproc)" CC="ccache gcc" olddefconfig bzImage \
		> "$top/build/bisect/build-$c.log" 2>&1; then
		echo ok
	else
		echo "FAILED (build/bisect/build-$c.log)"
		exit 1
	fi
done

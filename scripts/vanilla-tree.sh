#!/usr/bin/env bash
# build/linux-vanilla: the pinned base alone, a git worktree of build/linux
# at its tag "base".  The vanilla kernels (make bench, and the upstream
# selftests' comparison in make check) are built from it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
[ -d "$b/linux/.git" ] || { echo "vanilla-tree: error: no build/linux (run 'make kernel-src')" >&2; exit 1; }
# A worktree left from an earlier build/linux is of no use
if [ -d "$b/linux-vanilla" ] && ! git -C "$b/linux-vanilla" rev-parse -q --verify HEAD >/dev/null 2>&1; then
	rm -rf "$b/linux-vanilla"
fi
if [ ! -d "$b/linux-vanilla" ]; then
	git -C "$b/linux" worktree prune
	git -C "$b/linux" worktree add -q --detach "$b/linux-vanilla" base
fi
base=$(git -C "$b/linux" rev-parse base)
[ "$(git -C "$b/linux-vanilla" rev-parse HEAD)" = "$base" ] || git -C "$b/linux-vanilla" checkout -q --detach base

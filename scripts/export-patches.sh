#!/usr/bin/env bash
# Write build/linux's base..HEAD back into kernel-patches/ as numbered
# git format-patch files plus a series file.  Output is stable: files whose
# content did not change are left alone, so re-exporting causes no churn.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
out=$top/kernel-patches

die() { echo "export-patches: error: $*" >&2; exit 1; }

[ -d "$tree/.git" ] || die "build/linux does not exist; run 'make kernel-src' first"
git -C "$tree" rev-parse -q --verify base >/dev/null || die "build/linux has no 'base' tag"
[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
	echo "export-patches: warning: build/linux has uncommitted changes; they are not exported" >&2
if git -C "$tree" rev-parse -q --verify REBASE_HEAD >/dev/null ||
   [ -d "$tree/.git/rebase-merge" ] || [ -d "$tree/.git/rebase-apply" ]; then
	die "build/linux is in the middle of a rebase or git am; finish it first"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$tree" format-patch -q --no-signature --zero-commit --full-index \
	--subject-prefix=PATCH -o "$tmp" base..HEAD

mkdir -p "$out"
changed=0
: > "$tmp/series.new"
for f in "$tmp"/*.patch; do
	[ -e "$f" ] || break
	name=$(basename "$f")
	echo "$name" >> "$tmp/series.new"
	if ! cmp -s "$f" "$out/$name"; then
		cp "$f" "$out/$name"
		echo "export-patches: wrote kernel-patches/$name"
		changed=$((changed + 1))
	fi
done
for f in "$out"/*.patch; do
	[ -e "$f" ] || break
	if ! grep -qxF "$(basename "$f")" "$tmp/series.new"; then
		rm -f "$f"
		echo "export-patches: removed kernel-patches/$(basename "$f")"
		changed=$((changed + 1))
	fi
done
if ! cmp -s "$tmp/series.new" "$out/series"; then
	cp "$tmp/series.new" "$out/series"
	changed=$((changed + 1))
fi
git -C "$tree" update-ref refs/vswap/synced HEAD
echo "export-patches: $(wc -l < "$out/series") patch(es) in kernel-patches/, $changed file(s) changed"

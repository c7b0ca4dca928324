#!/usr/bin/env bash
# Prepare build/linux: the pinned Linux 7.3.4 base as a git repository (one
# commit, tagged "base") with the patches of kernel-patches/series applied on
# top as commits.  Safe to re-run: it re-syncs the tree when the series
# changed and refuses to discard kernel work that was not exported.
#
# Environment:
#   KERNEL_TARBALL  path to linux-source-7.3.tar.xz (else build/'s copy, else
#                   ../shared/kernel/'s beside the checkout, else fetched from
#                   Debian, whose archive keeps only the newest backport)
#   FORCE=1         discard local commits/changes in build/linux when re-syncing
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/kernel-pin.sh"

build=$top/build
tree=$build/linux
patches=$top/kernel-patches
series=$patches/series

die() { echo "kernel-src: error: $*" >&2; exit 1; }
note() { echo "kernel-src: $*"; }

# ---------------------------------------------------------------- tarball
fetch_tarball() {
	# Download Debian's linux-source package with a private apt
	# configuration: the system's sources and state are not touched.
	local apt=$build/apt deb
	mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$apt/etc/preferences.d"
	cat > "$apt/etc/sources.list" <<EOS
deb $DEBIAN_MIRROR $DEBIAN_SUITE main
EOS
	touch "$apt/etc/preferences" "$apt/state/status"
	local -a opts=(
		-o "Dir::Etc::SourceList=$apt/etc/sources.list"
		-o "Dir::Etc::SourceParts=-"
		-o "Dir::Etc::Preferences=$apt/etc/preferences"
		-o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d"
		-o "Dir::State=$apt/state"
		-o "Dir::State::status=$apt/state/status"
		-o "Dir::Cache=$apt/cache"
		-o "Debug::NoLocking=1"
		-o "APT::Sandbox::User=root"
	)
	note "fetching $KERNEL_PKG=$KERNEL_PKG_VERSION from $DEBIAN_MIRROR $DEBIAN_SUITE" >&2
	apt-get "${opts[@]}" -q update >&2 ||
		die "apt-get update against $DEBIAN_SUITE failed; pass KERNEL_TARBALL=/path/to/linux-source-7.3.tar.xz"
	(cd "$apt/cache" && apt-get "${opts[@]}" -q download "$KERNEL_PKG=$KERNEL_PKG_VERSION" >&2) ||
		die "Debian's archive no longer has $KERNEL_PKG $KERNEL_PKG_VERSION (it keeps only the newest backport); pass KERNEL_TARBALL=/path/to/linux-source-7.3.tar.xz (sha256 $KERNEL_SHA256)"
	deb=$(ls "$apt/cache/${KERNEL_PKG}_"*.deb | head -n1)
	rm -rf "$apt/x"
	dpkg-deb -x "$deb" "$apt/x"
	[ -f "$apt/x/usr/src/$KERNEL_TARBALL_NAME" ] || die "$deb does not contain usr/src/$KERNEL_TARBALL_NAME"
	mv "$apt/x/usr/src/$KERNEL_TARBALL_NAME" "$build/$KERNEL_TARBALL_NAME"
	rm -rf "$apt/x"
	echo "$build/$KERNEL_TARBALL_NAME"
}

verify_tarball() {
	local sum
	[ -r "$1" ] || die "cannot read kernel tarball '$1'"
	sum=$(sha256sum "$1" | cut -d' ' -f1)
	[ "$sum" = "$KERNEL_SHA256" ] ||
		die "sha256 of '$1' is $sum, expected $KERNEL_SHA256 ($KERNEL_PKG $KERNEL_PKG_VERSION); pass KERNEL_TARBALL= pointing at that file"
}

# ---------------------------------------------------------------- patches
series_files() {
	[ -f "$series" ] || return 0
	sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' "$series"
}

# A patch's content without what changes on every export (commit id, dates).
strip_patch() {
	sed -e '/^From [0-9a-f]\{40\} /d' -e '/^Date: /d' -e '/^index [0-9a-f]/d' "$@"
}

series_digest() {
	local f
	{ while read -r f; do
		[ -f "$patches/$f" ] || die "series names $f but kernel-patches/$f does not exist"
		strip_patch "$patches/$f"
	done < <(series_files); } | sha256sum | cut -d' ' -f1
}

tree_digest() {
	local tmp
	tmp=$(mktemp -d)
	git -C "$tree" format-patch -q --no-signature --zero-commit --full-index -o "$tmp" base..HEAD >/dev/null
	if compgen -G "$tmp/*.patch" >/dev/null; then
		strip_patch "$tmp"/*.patch
	fi | sha256sum | cut -d' ' -f1
	rm -rf "$tmp"
}

apply_series() {
	local f n=0
	while read -r f; do
		git -C "$tree" am -q --keep-cr --whitespace=nowarn "$patches/$f" ||
			{ git -C "$tree" am --abort >/dev/null 2>&1 || true
			  die "patch kernel-patches/$f does not apply; fix the series"; }
		n=$((n + 1))
	done < <(series_files)
	git -C "$tree" update-ref refs/vswap/synced HEAD
	note "applied $n patch(es) on base"
}

# ---------------------------------------------------------------- main
if [ -d "$tree/.git" ] && git -C "$tree" rev-parse -q --verify base >/dev/null; then
	want=$(series_digest)
	have=$(tree_digest)
	if [ "$want" = "$have" ]; then
		git -C "$tree" update-ref refs/vswap/synced HEAD
		note "build/linux is in sync with kernel-patches/ ($(git -C "$tree" rev-list --count base..HEAD) patch(es))"
		exit 0
	fi
	if [ "${FORCE:-0}" != 1 ]; then
		[ -z "$(git -C "$tree" status --porcelain --untracked-files=no)" ] ||
			die "build/linux has uncommitted changes; commit them and run 'make export-patches', or re-run with FORCE=1 to discard them"
		[ "$(git -C "$tree" rev-parse HEAD)" = "$(git -C "$tree" rev-parse -q --verify refs/vswap/synced || true)" ] ||
			die "build/linux has commits that are not in kernel-patches/; run 'make export-patches' (and commit), or re-run with FORCE=1 to discard them"
	fi
	note "kernel-patches/ changed: re-syncing build/linux"
	git -C "$tree" am --abort >/dev/null 2>&1 || true
	git -C "$tree" checkout -q -f --detach base
	git -C "$tree" branch -q -f vswap base
	git -C "$tree" checkout -q vswap
	apply_series
	exit 0
fi

if [ -n "${KERNEL_TARBALL:-}" ]; then
	tarball=$KERNEL_TARBALL
elif [ -f "$build/$KERNEL_TARBALL_NAME" ]; then
	tarball=$build/$KERNEL_TARBALL_NAME
elif [ -f "$top/../shared/kernel/$KERNEL_TARBALL_NAME" ]; then
	tarball=$(cd "$top/../shared/kernel" && pwd)/$KERNEL_TARBALL_NAME
else
	tarball=$(fetch_tarball)
fi
verify_tarball "$tarball"

note "unpacking $tarball into build/linux"
rm -rf "$tree" "$tree.tmp"
mkdir -p "$tree.tmp"
tar -xJf "$tarball" -C "$tree.tmp" --strip-components=1
[ -f "$tree.tmp/Makefile" ] || die "'$tarball' does not look like a kernel source tarball"
git -C "$tree.tmp" init -q -b vswap
git -C "$tree.tmp" config user.name "vswap developers"
git -C "$tree.tmp" config user.email "vswap-devel@localhost"
git -C "$tree.tmp" config core.autocrlf false
git -C "$tree.tmp" config gc.auto 0
# Debian's .gitignore ignores every top-level path (for its packaging
# repository): drop that stanza, or new files would need 'git add -f'.
sed -i '/^# Debian packaging: ignore everything/,$d' "$tree.tmp/.gitignore"
git -C "$tree.tmp" add -A -f .
GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z" \
	git -C "$tree.tmp" commit -q -m "Linux $KERNEL_PKG $KERNEL_PKG_VERSION (base of the vswap series)"
git -C "$tree.tmp" tag base
mv "$tree.tmp" "$tree"
apply_series

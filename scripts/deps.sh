#!/usr/bin/env bash
# Install the Debian 12 packages the project needs.  A fast no-op when they
# are all present; a clear error naming the missing ones when it cannot
# install them.
set -euo pipefail

pkgs=(
	build-essential gcc make flex bison bc kmod cpio rsync xz-utils git
	libelf-dev libssl-dev zlib1g-dev libzstd-dev libcap-dev
	dwarves clang-19 llvm-19 lld-19 libclang-rt-19-dev
	qemu-system-x86 busybox-static ccache
	e2fsprogs util-linux procps python3 python3-ply python3-git
	bpftrace stress-ng libnuma-dev gnuplot-nox python3-docutils systemd man-db
)

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	[ "$st" = "install ok installed" ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "deps: all ${#pkgs[@]} packages present"; exit 0; }

echo "deps: installing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: error: not root; install these packages first: ${missing[*]}" >&2
	echo "deps:   sudo apt-get install ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}"; then
	apt-get update -q || true
	apt-get install -y -q --no-install-recommends "${missing[@]}" || {
		echo "deps: error: apt-get could not install: ${missing[*]}" >&2
		exit 1
	}
fi
echo "deps: done"

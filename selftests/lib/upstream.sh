# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest scripts that run the kernel tree's own selftests
# (test_upstream_*.sh): TAP helpers, and the zswap + swapfile set-up that
# test_zswap and test_memcontrol need.

. "$(dirname "${BASH_SOURCE[0]}")/tap.sh"
# zswap as the test found it, put back on exit
zswap0=$(cat /sys/module/zswap/parameters/enabled)
trap 'echo "$zswap0" > /sys/module/zswap/parameters/enabled' EXIT

# upstream_setup BIN NAME: check BIN is built and the scratch disk is there,
# turn zswap on and swap on a fresh 512M swapfile NAME.swap on the scratch
# disk, with no other swap device; sets $swapfile. Exits 1 on failure.
upstream_setup() {
	[ -x "$1" ] || { echo "# $1 is missing (make tools builds it)"; exit 1; }
	[ -n "${VSWAP_SCRATCH:-}" ] || { echo "# needs the scratch disk for a swapfile"; exit 1; }
	echo Y > /sys/module/zswap/parameters/enabled || exit 1
	swapoff -a 2>/dev/null
	swapfile=$VSWAP_SCRATCH/$2.swap
	rm -f "$swapfile"
	fallocate -l 512M "$swapfile" && chmod 600 "$swapfile" &&
		mkswap -q "$swapfile" >/dev/null && swapon "$swapfile" ||
		{ echo "# swapon $swapfile failed"; exit 1; }
}

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The selftest runner, run inside the guest by 'make check'.
#
#   run_guest.sh [-t TIMEOUT] [TEST ...]
#
# Runs every build/selftests/test_* but test_fresh_* (or the named ones) in
# order, each under
# a timeout, and prints TAP 13: one "ok"/"not ok" line per test, with the
# test's own output indented as "# " diagnostics.  Exit status 0 when all
# passed or skipped, 1 otherwise.  Before the tests, an empty virtio disk
# (/dev/vda), if present, becomes an ext4 scratch filesystem for swapfiles.
set -u
here=$(cd "$(dirname "$0")" && pwd)
timeout=${VSWAP_TEST_TIMEOUT:-900}
[ "${1:-}" = -t ] && { timeout=$2; shift 2; }

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		[ -x "$here/$t" ] && tests+=("$here/$t") || tests+=("$here/$t.sh")
	done
else
	# test_fresh_* need a boot of their own: 'make check' runs each alone
	mapfile -t tests < <(find "$here" -maxdepth 1 -name 'test_*' ! -name 'test_fresh_*' \
		-type f -perm -u+x | sort)
fi

export VSWAP_SCRATCH=
# The vswap audit after each test reads debugfs
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# Swap policies pin their links and maps in bpffs
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
if [ -b /dev/vda ]; then
	mkdir -p /tmp/scratch
	if mkfs.ext4 -q -F /dev/vda >/dev/null 2>&1 && mount /dev/vda /tmp/scratch; then
		VSWAP_SCRATCH=/tmp/scratch
	else
		echo "# runner: could not make a scratch filesystem on /dev/vda"
	fi
fi
export VSWAP_TOP=${VSWAP_TOP:-$(cd "$here/../.." && pwd)}
export VSWAP_KERNEL_RELEASE=${VSWAP_KERNEL_RELEASE:-$(cat "$VSWAP_TOP/build/kbuild/include/config/kernel.release" 2>/dev/null)}
export BPFTOOL=${BPFTOOL:-$VSWAP_TOP/build/tools/bpftool/bpftool}
export VSWAP_BPF_DIR=${VSWAP_BPF_DIR:-$VSWAP_TOP/build/bpf}
export VSWAPCTL=${VSWAPCTL:-$VSWAP_TOP/build/vswapctl/vswapctl}

echo "TAP version 13"
echo "1..${#tests[@]}"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=$(basename "$t")
	name=${name%.sh}
	start=$(date +%s)
	timeout --kill-after=10 "$timeout" "$t" 2>&1 < /dev/null | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(( $(date +%s) - start ))
	# Leave no swap behind for the next test.
	swapoff -a 2>/dev/null
	echo "# $name: exit status $rc after ${secs}s"
	# The statistics' counters must agree with a walk of the clusters
	# after every workload; a disagreement fails the test that ran.
	audit=$("$here/helpers/vswap_audit" 2>&1)
	arc=$?
	printf '%s\n' "$audit" | sed 's/^/# /'
	[ "$arc" -ne 0 ] && [ "$rc" -eq 0 ] && rc=1
	case $rc in
	0)   echo "ok $n $name" ;;
	4)   echo "ok $n $name # SKIP" ;;
	124|137) echo "not ok $n $name # TIMEOUT after ${timeout}s"; failed=1 ;;
	*)   echo "not ok $n $name # exit=$rc"; failed=1 ;;
	esac
done
[ -n "$VSWAP_SCRATCH" ] && umount /tmp/scratch 2>/dev/null
exit $failed

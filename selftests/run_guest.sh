#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The selftest runner, run inside the guest by 'make check'.
#
#   run_guest.sh [-t TIMEOUT] [--strict] [--reverse] [TEST ...]
#
# Runs the tests listed in build/selftests/TESTS (what this checkout's
# sources build; any other file there is stale and not run) but
# test_fresh_*, or the named ones, in order (--reverse: backwards), each
# under a timeout, and prints TAP 13: one "ok"/"not ok" line per test, with
# the test's own output indented as "# " diagnostics. Exit status 0 when all
# passed (or skipped, unless --strict), 1 otherwise.
#
# Before the tests, an empty virtio disk (/dev/vda), if present, becomes an
# ext4 scratch filesystem for swapfiles. Every test starts from the state
# the guest booted with (swap off, vswap enabled, zswap's and THP's
# settings, no swap policy, no test cgroup); what a test leaves changed is
# listed after it and put back.
#
# --strict (CI): a skipped test fails, and so does a scratch disk that
# cannot be made, and a test that leaves the guest changed; all are
# "not ok".
set -u
here=$(cd "$(dirname "$0")" && pwd)
timeout=${VSWAP_TEST_TIMEOUT:-900}
strict=0 reverse=0
while [ $# -gt 0 ]; do
	case $1 in
	-t)		timeout=$2; shift 2 ;;
	--strict)	strict=1; shift ;;
	--reverse)	reverse=1; shift ;;
	*)		break ;;
	esac
done

if [ $# -gt 0 ]; then
	tests=()
	for t in "$@"; do
		[ -x "$here/$t" ] && tests+=("$here/$t") || tests+=("$here/$t.sh")
	done
else
	# test_fresh_* need a boot of their own: 'make check' runs each alone.
	# VSWAP_EXCLUDE: glob patterns of tests not to run (make check-debug),
	# named in the output, neither passed nor skipped.
	tests=() excluded=() pats=()
	read -ra pats <<< "${VSWAP_EXCLUDE:-}"
	while read -r t; do
		case $t in test_fresh_*|"") continue ;; esac
		for pat in "${pats[@]}"; do
			# shellcheck disable=SC2053
			[[ $t == $pat ]] && { excluded+=("$t"); continue 2; }
		done
		tests+=("$here/$t")
	done < "$here/TESTS"
	[ ${#excluded[@]} -gt 0 ] && echo "# not run (VSWAP_EXCLUDE=$VSWAP_EXCLUDE): ${excluded[*]}"
fi
if [ $reverse = 1 ]; then
	for ((i = 0, j = ${#tests[@]} - 1; i < j; i++, j--)); do
		t=${tests[i]}; tests[i]=${tests[j]}; tests[j]=$t
	done
fi

export VSWAP_SCRATCH=
# The vswap audit after each test reads debugfs
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# Swap policies pin their links and maps in bpffs
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
scratch_err=
if [ -b /dev/vda ]; then
	mkdir -p /tmp/scratch
	if mkfs.ext4 -q -F /dev/vda >/dev/null 2>&1 && mount /dev/vda /tmp/scratch; then
		VSWAP_SCRATCH=/tmp/scratch
	else
		scratch_err="could not make a scratch filesystem on /dev/vda"
	fi
else
	scratch_err="no scratch disk (/dev/vda)"
fi
export VSWAP_TOP=${VSWAP_TOP:-$(cd "$here/../.." && pwd)}
export VSWAP_KERNEL_RELEASE=${VSWAP_KERNEL_RELEASE:-$(cat "$VSWAP_TOP/build/kbuild/include/config/kernel.release" 2>/dev/null)}
export BPFTOOL=${BPFTOOL:-$VSWAP_TOP/build/tools/bpftool/bpftool}
export VSWAP_BPF_DIR=${VSWAP_BPF_DIR:-$VSWAP_TOP/build/bpf}
export VSWAPCTL=${VSWAPCTL:-$VSWAP_TOP/build/vswapctl/vswapctl}

# The state every test starts from: as the guest booted
zsw=/sys/module/zswap/parameters
state_files=(/sys/kernel/mm/vswap/enabled $zsw/enabled $zsw/compressor $zsw/max_pool_percent
	     $zsw/accept_threshold_percent $zsw/shrinker_enabled
	     /sys/kernel/mm/transparent_hugepage/enabled /sys/kernel/mm/transparent_hugepage/defrag
	     /sys/kernel/mm/transparent_hugepage/hugepages-*/enabled
	     /proc/sys/vm/min_free_kbytes)
declare -A boot_state
for f in "${state_files[@]}"; do
	[ -r "$f" ] && boot_state[$f]=$(cat "$f")
done
# THP's files show every choice, the current one in brackets
chosen() { sed -n 's/.*\[\(.*\)\].*/\1/p; /\[/!p' <<< "$1"; }
# restore_state: put back what the last test changed; list it
restore_state() {
	local f now left=()
	swapoff -a 2>/dev/null
	if compgen -G '/sys/fs/bpf/vswap*' > /dev/null ||
	   [ "$(cat /sys/kernel/mm/vswap/policy/state 2>/dev/null)" = enabled ]; then
		"$VSWAPCTL" policy unload > /dev/null 2>&1
		# and what tests pinned with bpftool or libbpf
		rm -rf /sys/fs/bpf/vswap /sys/fs/bpf/vswap_*
		left+=("a swap policy")
	fi
	for f in "${!boot_state[@]}"; do
		now=$(cat "$f")
		[ "$now" = "${boot_state[$f]}" ] && continue
		left+=("${f#/sys/}=$(chosen "$now")")
		chosen "${boot_state[$f]}" > "$f" 2>/dev/null
	done
	# Cgroups a test created and left (its processes are gone by now)
	for f in $(find /sys/fs/cgroup -mindepth 1 -depth -type d 2>/dev/null); do
		case ${f#/sys/fs/cgroup/} in init.scope|*.slice|*.slice/*|*.scope|*.scope/*) continue ;; esac
		rmdir "$f" 2>/dev/null && left+=("cgroup ${f#/sys/fs/cgroup}")
	done
	[ ${#left[@]} -gt 0 ] || return 0
	echo "# runner: put back what the test left: ${left[*]}"
	return 1
}

echo "TAP version 13"
echo "1..$(( ${#tests[@]} + ${strict} ))"
n=0 failed=0
if [ $strict = 1 ]; then
	n=1
	if [ -n "$scratch_err" ]; then
		echo "not ok 1 runner: scratch filesystem for swapfiles: $scratch_err"
		failed=1
	else
		echo "ok 1 runner: scratch filesystem for swapfiles on /dev/vda"
	fi
elif [ -n "$scratch_err" ]; then
	echo "# runner: $scratch_err"
fi
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=$(basename "$t")
	name=${name%.sh}
	start=$(date +%s)
	if [ ! -x "$t" ]; then
		echo "not ok $n $name # not built (no $t)"
		failed=1
		continue
	fi
	timeout --kill-after=10 "$timeout" "$t" 2>&1 < /dev/null | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	secs=$(( $(date +%s) - start ))
	echo "# $name: exit status $rc after ${secs}s"
	# The next test starts from the boot state; under --strict a test
	# must leave it so itself
	restore_state
	left=$?
	# The statistics' counters must agree with a walk of the clusters
	# after every workload; a disagreement fails the test that ran.
	audit=$("$here/helpers/vswap_audit" 2>&1)
	arc=$?
	printf '%s\n' "$audit" | sed 's/^/# /'
	[ "$arc" -ne 0 ] && [ "$rc" -eq 0 ] && rc=1
	if [ $left -ne 0 ] && [ $strict = 1 ] && [ "$rc" -eq 0 ]; then
		echo "not ok $n $name # left the guest changed (above): a test restores what it changes"
		failed=1
		continue
	fi
	case $rc in
	0)   echo "ok $n $name" ;;
	4)   if [ $strict = 1 ]; then
		echo "not ok $n $name # SKIP: a skipped test fails under --strict (CI)"
		failed=1
	     else
		echo "ok $n $name # SKIP"
	     fi ;;
	124|137) echo "not ok $n $name # TIMEOUT after ${timeout}s"; failed=1 ;;
	*)   echo "not ok $n $name # exit=$rc"; failed=1 ;;
	esac
done
[ -n "$VSWAP_SCRATCH" ] && umount /tmp/scratch 2>/dev/null
exit $failed

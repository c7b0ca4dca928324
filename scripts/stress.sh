#!/usr/bin/env bash
# 'make stress': the checksummed stress (selftests/test_vswap_stress.c) in
# the guest for STRESS_SECS seconds (default 600), with the kernel's fault
# injection on in its middle third unless STRESS_INJECT=0.  The guest has
# a 2 GiB scratch disk (the swapfile) and a 64 MiB one (/dev/vdb, the
# small device that is swapped off and on).  Fails on a mismatched page, a
# counter that does not return to its start, or a kernel splat.
# VSWAP_KBUILD: run it on another kernel build (build/kbuild-debug);
# VSWAP_VM_APPEND: kernel command-line additions (pci=noacpi for that one).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
secs=${STRESS_SECS:-600}
inject=${STRESS_INJECT:-1}
kbuild=${VSWAP_KBUILD:-$top/build/kbuild}
out=${VSWAP_STRESS_OUT:-$top/build/vm/stress}
# the run, the final check of every page, and set-up; more on a debug kernel
tmo=$((secs * 2 + 1200))
[ "$kbuild" != "$top/build/kbuild" ] && tmo=$((secs * 4 + 3600))

echo "stress: ${secs}s, fault injection $([ "$inject" = 1 ] && echo "in the middle third" || echo off), kernel ${kbuild#$top/} (log: ${out#$top/})"
start=$(date +%s)
# a fresh checkout has no build/vm yet: the log goes beside the guest's directory
mkdir -p "$(dirname "$out")" || exit 1
append=()
[ -n "${VSWAP_VM_APPEND:-}" ] && append=(-a "$VSWAP_VM_APPEND")
"$top/scripts/vm" -k "$kbuild/arch/x86/boot/bzImage" "${append[@]}" -o "$out" -d 2G -d 64M -m 2G -c 2 -t $((tmo + 300)) -- \
	env VSWAP_STRESS_SECS="$secs" VSWAP_STRESS_INJECT="$inject" VSWAP_TEST_TIMEOUT="$tmo" \
	VSWAP_KBUILD="$kbuild" VSWAP_KERNEL_RELEASE="$(cat "$kbuild/include/config/kernel.release")" \
	"$top/build/selftests/run_guest.sh" --strict test_vswap_stress > "$out.log" 2>&1
rc=$?
took=$(( $(date +%s) - start ))
# the test's own report: its diagnostics and results
tr -d '\r' < "$out/output.log" | sed -n 's/^# \(# \)\{0,1\}//p' | grep -vE '^(TAP version|1\.\.)' | grep -v 'exit status' || true
case $rc in
0)	echo "stress: passed in ${took}s" ;;
124)	echo "stress: FAILED: the guest timed out after ${took}s (see ${out#$top/}/console.log)" ;;
126)	echo "stress: FAILED: the kernel log has a splat:"; sed 's/^/  /' "$out/splats.log" 2>/dev/null | head -40 ;;
*)	echo "stress: FAILED (exit $rc) after ${took}s; see ${out#$top/}/output.log and console.log" ;;
esac
exit $rc

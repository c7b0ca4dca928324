#!/usr/bin/env bash
# 'make check' after the build: checkpatch on every patch, host-side unit
# tests, then the selftests inside the guest.  Prints one TAP line per test
# and closes with "N passed, N failed" (", N skipped" when any were).
# Exit status 1 when anything failed or the guest did not run cleanly.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$top/build
out=${VSWAP_CHECK_OUT:-$build/vm/check}
VM_TIMEOUT=${VM_TIMEOUT:-3000}
# VSWAP_KBUILD: another kernel build directory (make check-debug)
kbuild=${VSWAP_KBUILD:-$build/kbuild}
vm_kernel=(-k "$kbuild/arch/x86/boot/bzImage")
# VSWAP_VM_APPEND: kernel command-line additions (make check-debug)
[ -n "${VSWAP_VM_APPEND:-}" ] && vm_kernel+=(-a "$VSWAP_VM_APPEND")
guest_env=(env VSWAP_KBUILD="$kbuild"
	VSWAP_KERNEL_RELEASE="$(cat "$kbuild/include/config/kernel.release" 2>/dev/null)")
# Passed on to the guest when set (make check-debug sets them; see
# selftests/run_guest.sh, selftests/lib/vswap_util.h, test_vswap_stress.c)
for v in VSWAP_TEST_TIMEOUT VSWAP_TIME_SCALE VSWAP_EXCLUDE VSWAP_STRESS_MIB; do
	[ -n "${!v:-}" ] && guest_env+=("$v=${!v}")
done

results=()	# "ok|not ok|skip<TAB>name"
add() { results+=("$1"$'\t'"$2"); }

# ------------------------------------------------------------- checkpatch
patches=()
while read -r p; do
	[ -n "$p" ] && patches+=("$top/kernel-patches/$p")
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$top/kernel-patches/series" 2>/dev/null)
if [ ${#patches[@]} -eq 0 ]; then
	echo "# checkpatch: the series has no patches yet"
else
	bad=0
	for p in "${patches[@]}"; do
		# /usr/bin first: checkpatch's SPDX check wants Debian's python3-ply.
		log=$(cd "$build/linux" && PATH=/usr/bin:$PATH ./scripts/checkpatch.pl --strict --terse "$p" 2>&1) || true
		if grep -q 'ERROR:' <<<"$log"; then
			echo "$log" | grep 'ERROR:' | sed "s|^|# $(basename "$p"): |"
			bad=1
		fi
	done
	if [ $bad = 0 ]; then
		add ok "checkpatch --strict: no errors in ${#patches[@]} patch(es)"
	else
		add "not ok" "checkpatch --strict: errors (above)"
	fi
fi

# ------------------------------------------------------------- host unit tests
for t in "$build"/vswapctl/tests/test_*; do
	[ -x "$t" ] || continue
	name="host: vswapctl/$(basename "$t")"
	if "$t" > "$build/vswapctl/tests/$(basename "$t").log" 2>&1; then
		add ok "$name ($(grep -c '^ok' "$build/vswapctl/tests/$(basename "$t").log") checks)"
	else
		grep -E '^(not ok|#)' "$build/vswapctl/tests/$(basename "$t").log" | sed 's/^/# /'
		add "not ok" "$name"
	fi
done

# make install, the systemd unit (systemd-analyze verify), the man page
log=$build/vswapctl/tests/test_install.log
if bash "$top/tools/systemd/test_install.sh" > "$log" 2>&1; then
	add ok "host: make install, vswap-policy.service, man page ($(grep -c '^ok' "$log") checks)"
else
	grep -E '^(not ok|#)' "$log" | sed 's/^/# /'
	add "not ok" "host: make install, vswap-policy.service, man page (log: ${log#$top/})"
fi

# ------------------------------------------------------------- guest selftests
# guest_run OUT TIMEOUT [TEST ...]: boot the guest, run the selftests (all
# but test_fresh_*, or the named ones), add their TAP lines to the results.
guest_run() {
	local out=$1 tmo=$2 vmrc planned seen line i
	shift 2
	"$top/scripts/vm" "${vm_kernel[@]}" ${guest_append:+"$guest_append" "$boot_args"} -o "$out" -d 2G -d 64M -m 2G -c 2 -t "$tmo" --no-splat-check -- \
		"${guest_env[@]}" "$build/selftests/run_guest.sh" "${runner_args[@]}" "$@"
	vmrc=$?

	planned=$(grep -m1 -E '^1\.\.[0-9]+' "$out/output.log" 2>/dev/null | cut -d. -f3)
	seen=0
	while IFS= read -r line; do
		case $line in
		"ok "*"# SKIP"*)
			if [ $strict = 1 ]; then
				add "not ok" "guest: $(sed -E 's/^ok [0-9]+ //; s/ # SKIP.*//' <<<"$line") (skipped: a failure under CI)"
			else
				add skip "guest: $(sed -E 's/^ok [0-9]+ //; s/ # SKIP.*//' <<<"$line")"
			fi ;;
		"ok "*)          add ok "guest: $(sed -E 's/^ok [0-9]+ //' <<<"$line")" ;;
		"not ok "*)      add "not ok" "guest: $(sed -E 's/^not ok [0-9]+ //' <<<"$line")" ;;
		*) continue ;;
		esac
		seen=$((seen + 1))
	done < <(tr -d '\r' < "$out/output.log" 2>/dev/null)
	if [ -z "$planned" ]; then
		add "not ok" "guest: the selftest runner did not start (vm exit $vmrc; see ${out#$top/}/console.log)"
	elif [ "$seen" -lt "$planned" ]; then
		for ((i = seen; i < planned; i++)); do
			add "not ok" "guest: test $((i + 1)) of $planned did not run (vm exit $vmrc: guest crashed or timed out)"
		done
	fi
	case $vmrc in
	124) add "not ok" "guest: finished within ${tmo}s (${out#$top/})" ;;
	125) add "not ok" "guest: booted and shut down cleanly (see ${out#$top/}/console.log)" ;;
	esac
	if [ -s "$out/splats.log" ]; then
		sed 's/^/# splat: /' "$out/splats.log"
		add "not ok" "guest kernel log has no BUG/WARNING/Oops/lockdep splat (${out#$top/})"
	elif [ -f "$out/dmesg.log" ]; then
		add ok "guest kernel log has no BUG/WARNING/Oops/lockdep splat (${out#$top/})"
	fi
}

# Under CI (CI=true) or VSWAP_STRICT=1 a skipped test, or a scratch disk
# that cannot be made, is a failure. VSWAP_REVERSE=1 runs the suite
# backwards (order must not matter).
runner_args=()
guest_append= boot_args=
strict=0
if [ "${CI:-}" = true ] || [ "${VSWAP_STRICT:-0}" = 1 ]; then
	strict=1
	runner_args+=(--strict)
fi
[ "${VSWAP_REVERSE:-0}" = 1 ] && runner_args+=(--reverse)

echo "check: running the selftests in the guest (console follows)"
if [ -n "${VSWAP_TESTS:-}" ]; then
	# shellcheck disable=SC2086
	guest_run "$out" "$VM_TIMEOUT" $VSWAP_TESTS
else
	guest_run "$out" "$VM_TIMEOUT"
	# Tests that need a guest of their own (nothing run before them)
	for name in $(grep '^test_fresh_' "$build/selftests/TESTS"); do
		echo "check: $name in a fresh guest"
		# A "# boot-args: ..." line of a shell test: its kernel command line
		boot_args=$(sed -n 's/^# boot-args: //p' "$build/selftests/$name" 2>/dev/null | head -1)
		guest_append=${boot_args:+-a}
		[ -n "$boot_args" ] && echo "check: $name boots with: $boot_args"
		guest_run "$out-${name#test_}" "${VSWAP_FRESH_TIMEOUT:-600}" "$name"
	done
fi

# ------------------------------------------------------------- upstream, vanilla vs vswap
# The kernel tree's swap-related selftests and stress-ng's swap stressors
# on the unpatched kernel (build/kbuild-vanilla-test) and on vswap with and
# without a swap disk; every case that passes on vanilla must pass on
# vswap (scripts/upstream-table.sh). Both guests get two NUMA nodes and
# 3 CPUs (mm/migration skips with fewer).
# VSWAP_UPSTREAM=0 (make check-debug, VSWAP_TESTS) leaves it out.
upstream_run() {	# KERNEL-BUILD OUT SETUP...
	local kb=$1 uout=$2 vmrc
	shift 2
	rm -rf "$uout/upstream"
	"$top/scripts/vm" -k "$kb/arch/x86/boot/bzImage" -o "$uout" -d 2G -m 2G -c 3 -a numa=fake=2 \
		-t 3000 --no-splat-check -- env VSWAP_UPSTREAM_BASELINE="$baseline" \
		"$build/selftests/lib/upstream_compare.sh" "$@"
	vmrc=$?
	[ $vmrc = 0 ] || add "not ok" "upstream selftests: the guest ran $* to the end (vm exit $vmrc; ${uout#$top/})"
	if [ -s "$uout/splats.log" ]; then
		sed 's/^/# splat: /' "$uout/splats.log"
		add "not ok" "upstream selftests ($*): kernel log has no BUG/WARNING/Oops/lockdep splat"
	fi
}
if [ -z "${VSWAP_TESTS:-}" ] && [ "${VSWAP_UPSTREAM:-1}" = 1 ]; then
	echo "check: upstream selftests on the vanilla kernel"
	baseline=
	upstream_run "$build/kbuild-vanilla-test" "$out-upstream-vanilla" vanilla
	# what passed on vanilla gets up to two more runs on vswap before it fails
	baseline=$out-upstream-vanilla/upstream/vanilla.tsv
	echo "check: upstream selftests on vswap, with and without a swap disk"
	upstream_run "$kbuild" "$out-upstream-vswap" vswap-disk vswap-nodisk
	table=$build/upstream-table.txt
	"$top/scripts/upstream-table.sh" "$out-upstream-vanilla/upstream/vanilla.tsv" \
		"$out-upstream-vswap/upstream/vswap-disk.tsv" "$out-upstream-vswap/upstream/vswap-nodisk.tsv" > "$table"
	echo "# upstream selftests, vanilla vs vswap (${table#$top/}):"
	grep -v '^RESULT' "$table" | sed 's/^/#   /'
	while IFS=$'\t' read -r _ st desc; do
		add "$st" "$desc"
	done < <(grep '^RESULT' "$table")
fi

# ------------------------------------------------------------- report
pass=0 fail=0 skip=0
echo
echo "TAP version 13"
echo "1..${#results[@]}"
i=0
for r in "${results[@]}"; do
	i=$((i + 1))
	st=${r%%$'\t'*}
	name=${r#*$'\t'}
	case $st in
	ok)     echo "ok $i $name"; pass=$((pass + 1)) ;;
	skip)   echo "ok $i $name # SKIP"; skip=$((skip + 1)) ;;
	*)      echo "not ok $i $name"; fail=$((fail + 1)) ;;
	esac
done
if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]

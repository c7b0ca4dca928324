#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The kernel tree's swap-related selftests and stress-ng's swap stressors,
# run in one guest under one or more set-ups, every case's result written
# to $VSWAP_OUT/upstream/SETUP.tsv ("program<TAB>case<TAB>result", result
# pass, fail, skip or xfail) for scripts/upstream-table.sh to compare
# across kernels.
#
#   upstream_compare.sh SETUP...
#
# VSWAP_UPSTREAM_BASELINE: the vanilla kernel's .tsv (see retry()).
#
# SETUP: vanilla       the unpatched kernel, zswap on, a 1 GiB swapfile
#        vswap-disk    vswap enabled, zswap on, a 1 GiB swapfile
#        vswap-nodisk  vswap enabled, zswap on, no swap device
# The guest should boot with numa=fake=2 and have 3 CPUs (migration needs
# two nodes, and CPUs - 2 >= 1 threads).
# /dev/vda becomes the scratch filesystem for the swapfile.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$here/upstream
out=${VSWAP_OUT:?}/upstream
tmo=${VSWAP_UPSTREAM_TIMEOUT:-300}
diffs=$here/../../selftests/upstream-differences.txt
[ -r "$diffs" ] || diffs=${VSWAP_TOP:-/nonexistent}/selftests/upstream-differences.txt
mkdir -p "$out"

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
scratch=/tmp/scratch
if ! mountpoint -q $scratch; then
	mkdir -p $scratch
	mkfs.ext4 -q -F /dev/vda > /dev/null 2>&1 && mount /dev/vda $scratch ||
		{ echo "upstream: no scratch filesystem on /dev/vda"; exit 1; }
fi

# result LINE: a kselftest TAP line's result word
tap_result() {
	case $1 in
	"not ok "*"# XFAIL"*|"not ok "*"# xfail"*) echo xfail ;;
	"not ok "*)	echo fail ;;
	*"# SKIP"*|*"# skip"*) echo skip ;;
	*"# XFAIL"*|*"# xfail"*) echo xfail ;;
	*)		echo pass ;;
	esac
}

# run_tap SETUP PROG [ARGS...]: a kselftest program; one row per TAP line,
# and one for its exit status
run_tap() {
	local setup=$1 prog=$2 name log rc line desc
	local -A seen=()
	shift 2
	name=$(basename "$prog")${1:+ $*}
	log=$out/$setup.$(basename "$prog").log
	(cd $scratch && timeout --kill-after=10 "$tmo" "$prog" "$@") > "$log" 2>&1 < /dev/null
	rc=$?
	while IFS= read -r line; do
		[[ $line =~ ^(not\ )?ok\ [0-9]+\ (.*)$ ]] || continue
		desc=${BASH_REMATCH[2]%% # *}
		desc=${desc%% }
		# the same description twice (a failure message): number them
		seen[$desc]=$(( ${seen[$desc]:-0} + 1 ))
		[ "${seen[$desc]}" -gt 1 ] && desc="$desc (${seen[$desc]})"
		printf '%s\t%s\t%s\n' "$name" "$desc" "$(tap_result "$line")"
	done < <(tr -d '\r' < "$log")
	case $rc in
	0)	printf '%s\t%s\t%s\n' "$name" "(exit status)" pass ;;
	4)	printf '%s\t%s\t%s\n' "$name" "(exit status)" skip ;;
	*)	printf '%s\t%s\t%s\n' "$name" "(exit status)" "fail"
		echo "# $setup: $name: exit status $rc" >&2 ;;
	esac
}

# run_khugepaged SETUP [ARGS...]: khugepaged prints "Run test: NAME" and
# colours each step's verdict (red fail, yellow skip)
run_khugepaged() {
	local setup=$1 name log rc
	shift
	name="khugepaged${1:+ $*}"
	log=$out/$setup.khugepaged.log
	(cd $scratch && timeout --kill-after=10 "$tmo" "$bin/khugepaged" "$@") > "$log" 2>&1 < /dev/null
	rc=$?
	awk -v name="$name" '
		function flush() { if (t != "") printf "%s\t%s\t%s\n", name, t, r }
		# a case is passed by a green verdict, failed by a red one; one
		# cut off (the program exited or was killed) stays failed
		/Run test: / { flush(); t = $0; sub(/.*Run test: /, "", t); r = "fail"; red = 0; next }
		/\033\[31m/ { r = "fail"; red = 1 }
		/\033\[33m/ { if (!red) r = "skip" }
		/\033\[32m/ { if (!red && r != "skip") r = "pass" }
		END { flush() }' "$log"
	case $rc in
	0)	printf '%s\t%s\t%s\n' "$name" "(exit status)" pass ;;
	4)	printf '%s\t%s\t%s\n' "$name" "(exit status)" skip ;;
	*)	printf '%s\t%s\t%s\n' "$name" "(exit status)" fail ;;
	esac
}

# run_stress_ng SETUP ARGS...: one stressor, verified, in a cgroup of
# memory.max 256M (so that it swaps); a row for it
sng_cg=/sys/fs/cgroup/upstream_stress_ng
run_stress_ng() {
	local setup=$1 name log rc
	shift
	name="stress-ng $1"
	log=$out/$setup.stress-ng${1}.log
	grep -qw memory /sys/fs/cgroup/cgroup.subtree_control || echo +memory > /sys/fs/cgroup/cgroup.subtree_control
	mkdir -p $sng_cg && echo 256M > $sng_cg/memory.max
	(echo $BASHPID > $sng_cg/cgroup.procs && cd $scratch &&
		exec timeout --kill-after=10 "$tmo" stress-ng "$@" --timeout 15s --verify \
		--metrics-brief) > "$log" 2>&1 < /dev/null
	rc=$?
	printf '%s\t%s\t%s\n' "stress-ng" "$name" "$([ $rc = 0 ] && echo pass || echo fail)"
	[ $rc = 0 ] || echo "# $setup: $name: exit status $rc" >&2
}

# documented SETUP PROGRAM CASE: selftests/upstream-differences.txt lists it
# as an intended difference (not as bound by timing, which a rerun may pass)
documented() {
	local set prog glob why
	[ -r "$diffs" ] || return 1
	while IFS=$'\t' read -r set prog glob why; do
		case $set in "#"*|"") continue ;; esac
		# shellcheck disable=SC2053
		[ "$set" = "$1" ] && [ "$prog" = "$2" ] && [[ $3 == $glob ]] &&
			[[ $why != timing:* ]] && return 0
	done < "$diffs"
	return 1
}

# retry FUNC SETUP ARGS...: run one program (FUNC: run_tap, run_khugepaged)
# and print its rows. With a baseline (VSWAP_UPSTREAM_BASELINE, the vanilla
# kernel's .tsv), a case that passed there and did not here is given up to
# two more runs of the program, and counts as passed if one passes; the
# row's fourth field says which run passed it. Only for the programs whose
# cases are bound by timing, which TCG makes flaky (test_memcontrol's
# memory.low/min and reclaim, test_zswap's kswapd-within-2-s and writeback,
# khugepaged's scans); the ones that check data (cow, uffd, guard-regions,
# migration, droppable, stress-ng --verify) get one run: a failure there is
# never retried away.
retry() {
	local fn=$1 setup=$2 try rows redo
	shift 2
	rows=$("$fn" "$setup" "$@")
	for try in 2 3; do
		[ -r "${VSWAP_UPSTREAM_BASELINE:-}" ] || break
		# cases of this program that passed on vanilla and did not pass, or
		# did not show up, here
		redo=$(awk -F'\t' -v prog="$(cut -f1 <<< "$rows" | head -1)" '
			NR == FNR { if ($1 == prog && $3 == "pass") base[$1 "\t" $2] = 1; next }
			$3 == "pass" { delete base[$1 "\t" $2] }
			END { for (k in base) { sub(/\t/, ": ", k); print k } }' \
			"$VSWAP_UPSTREAM_BASELINE" - <<< "$rows")
		# a documented difference is not run again
		redo=$(while IFS= read -r c; do
			documented "$setup" "${c%%: *}" "${c#*: }" || printf '%s\n' "$c"
		done <<< "$redo")
		[ -n "$redo" ] || break
		echo "# $setup: run $try of $(cut -f1 <<< "$rows" | head -1), for: $(tr '\n' ';' <<< "$redo")" >&2
		# a case passed by the rerun counts as passed; a case only the rerun
		# reported (a failure message as its name before) is added as it is
		rows=$(awk -F'\t' -v try=$try 'NR == FNR { k = $1 "\t" $2; again[k] = $0; pass[k] = $3 == "pass"; order[++n] = k; next }
			{ k = $1 "\t" $2; seen[k] = 1; if ($3 != "pass" && pass[k]) { $3 = "pass"; $4 = try } print }
			END { for (i = 1; i <= n; i++) if (!(order[i] in seen)) print again[order[i]] }' OFS='\t' \
			<("$fn" "$setup" "$@") - <<< "$rows")
	done
	printf '%s\n' "$rows"
}

set_up() {
	swapoff -a 2>/dev/null
	echo Y > /sys/module/zswap/parameters/enabled
	case $1 in
	vanilla|vswap-disk)
		rm -f $scratch/upstream.swap
		fallocate -l 1G $scratch/upstream.swap && chmod 600 $scratch/upstream.swap &&
			mkswap -q $scratch/upstream.swap > /dev/null && swapon $scratch/upstream.swap ||
			{ echo "upstream: swapon $scratch/upstream.swap failed"; return 1; } ;;
	esac
	case $1 in
	vswap-*) echo 1 > /sys/kernel/mm/vswap/enabled || return 1 ;;
	vanilla) [ ! -e /sys/kernel/mm/vswap ] || { echo "upstream: vanilla set-up on a vswap kernel"; return 1; } ;;
	*)	echo "upstream: unknown set-up $1"; return 1 ;;
	esac
}

rc=0
for setup in "$@"; do
	start=$(date +%s)
	echo "upstream: $setup: $(uname -r), $(ls -d /sys/devices/system/node/node* | wc -l) NUMA nodes"
	set_up "$setup" || { rc=1; continue; }
	{
		retry run_tap "$setup" "$bin/test_memcontrol"
		retry run_tap "$setup" "$bin/test_zswap"
		run_tap "$setup" "$bin/cow"
		retry run_khugepaged "$setup"
		run_tap "$setup" "$bin/uffd-unit-tests"
		run_tap "$setup" "$bin/uffd-wp-mremap"
		run_tap "$setup" "$bin/guard-regions"
		run_tap "$setup" "$bin/droppable"
		run_tap "$setup" "$bin/migration"
		run_stress_ng "$setup" --pageswap 2
		run_stress_ng "$setup" --madvise 2
		run_stress_ng "$setup" --swap 1
		run_stress_ng "$setup" --vm 2 --vm-bytes 384M
	} > "$out/$setup.tsv"
	swapoff -a 2>/dev/null
	rm -f $scratch/upstream.swap
	rmdir $sng_cg 2>/dev/null
	echo "upstream: $setup: $(wc -l < "$out/$setup.tsv") results in $(( $(date +%s) - start ))s:" \
		"$(cut -f3 "$out/$setup.tsv" | sort | uniq -c | tr -s ' ' | tr '\n' ',' | sed 's/,$//')"
done
exit $rc

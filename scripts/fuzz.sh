#!/usr/bin/env bash
# 'make fuzz': run the vswapctl fuzzer for FUZZ_SECS seconds (default 300)
# on the repository's seed corpus plus what earlier runs found
# (build/fuzz/corpus).  A crash, leak, sanitizer report or timeout fails,
# with the input kept in build/fuzz/ (crash-*, leak-*, timeout-*) and the
# command to reproduce it printed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$top/build/fuzz/fuzz_vswapctl}
secs=${FUZZ_SECS:-300}
out=$top/build/fuzz
seeds=$top/tools/vswapctl/fuzz/corpus
log=$out/fuzz.log

[ -x "$bin" ] || { echo "fuzz: error: no fuzzer at $bin (make fuzz-build)" >&2; exit 1; }
mkdir -p "$out/corpus"
rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*
echo "fuzz: $(basename "$bin") for ${secs}s on $(ls "$seeds" | wc -l) seeds + $(ls "$out/corpus" | wc -l) found earlier (log: ${log#$top/})"
start=$(date +%s)
# -timeout: one input taking 10 s is a hang; -rss_limit_mb: a leak or a
# runaway allocation fails instead of swapping the machine
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-close_fd_mask=3 \
	-artifact_prefix="$out/" "$out/corpus" "$seeds" > "$log" 2>&1
rc=$?
secs_run=$(( $(date +%s) - start ))
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)
units=$(ls "$out/corpus" | wc -l)
if [ $rc -ne 0 ] || compgen -G "$out/crash-*" > /dev/null || compgen -G "$out/leak-*" > /dev/null ||
   compgen -G "$out/timeout-*" > /dev/null; then
	grep -E 'ERROR|SUMMARY|runtime error|==[0-9]+==' "$log" | head -20 | sed 's/^/fuzz: /'
	for a in "$out"/crash-* "$out"/leak-* "$out"/timeout-*; do
		[ -e "$a" ] && echo "fuzz: reproduce with: $bin $a"
	done
	echo "fuzz: FAILED after ${secs_run}s (exit $rc; ${execs:-?} inputs run)"
	exit 1
fi
echo "fuzz: passed: ${execs:-?} inputs in ${secs_run}s, no crash, leak or hang; ${cov:-coverage unknown}; corpus $units inputs"

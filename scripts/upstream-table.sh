#!/usr/bin/env bash
# Compare the upstream selftests' results on vanilla with vswap's (the
# .tsv files selftests/lib/upstream_compare.sh writes): print the table,
# one row per case with its result under each set-up, and one summary line
# per vswap set-up:
#   RESULT<TAB>ok|not ok<TAB>description
# A case that passes on vanilla must pass on vswap, unless
# selftests/upstream-differences.txt lists it with a reason: an intended
# difference, or ("timing: ...") a case bound by timing that TCG fails on
# vanilla too, counted apart.
#
#   upstream-table.sh VANILLA.tsv VSWAP.tsv...
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
diffs=$top/selftests/upstream-differences.txt
van=$1
shift
[ -s "$van" ] || { printf 'RESULT\tnot ok\tupstream: no results from the vanilla kernel (%s)\n' "${van#$top/}"; exit 1; }
# A set-up with no results at all is a failure, not a missing column
files=()
for f in "$@"; do
	if [ -s "$f" ]; then
		files+=("$f")
	else
		printf 'RESULT\tnot ok\tupstream selftests on %s: no results (%s)\n' "$(basename "${f%.tsv}")" "${f#$top/}"
	fi
done
set -- "${files[@]}"
awk -F'\t' -v diffs="$diffs" -v nv=$# '
# the reason upstream-differences.txt gives for case CS of program PROG
# under set-up file F, or ""
function reason(f, prog, cs,   d, why) {
	why = ""
	for (d = 1; d <= nd; d++)
		if (dset[d] == setup[f] && dprog[d] == prog && cs ~ dcase[d]) why = dwhy[d]
	return why
}
function glob2re(g,   r) {
	r = g; gsub(/[].[()^$+{}|\\]/, "\\\\&", r); gsub(/\*/, ".*", r); gsub(/\?/, ".", r)
	return "^" r "$"
}
BEGIN {
	while ((getline l < diffs) > 0) {
		if (l ~ /^#/ || l == "") continue
		split(l, fl, "\t"); nd++; dset[nd] = fl[1]; dprog[nd] = fl[2]; dcase[nd] = glob2re(fl[3]); dwhy[nd] = fl[4]
	}
}
FNR == 1 { file++; setup[file] = FILENAME; sub(/.*\//, "", setup[file]); sub(/\.tsv$/, "", setup[file]) }
{
	key = $1 "\t" $2
	if (!(key in seen)) { seen[key] = 1; order[++n] = key }
	res[file, key] = $3
	# a fourth field: the run of the program that passed the case
	shown[file, key] = $3 ($4 != "" ? " (run " $4 ")" : "")
	if ($4 != "") retried[file]++
	count[file, $3]++
}
END {
	printf "%-24s %-52s", "program", "case"
	for (f = 1; f <= file; f++) printf " %-13s", setup[f]
	printf "\n"
	# a listed "(exit status)" row only excuses a program whose failing
	# cases are listed too, not a crash after its last case
	for (i = 1; i <= n; i++) {
		split(order[i], k, "\t")
		if (k[2] == "(exit status)" || res[1, order[i]] != "pass") continue
		for (f = 2; f <= file; f++)
			if (res[f, order[i]] != "pass" && reason(f, k[1], k[2]) != "") excused[f, k[1]] = 1
	}
	for (i = 1; i <= n; i++) {
		split(order[i], k, "\t")
		row = sprintf("%-24s %-52s", substr(k[1], 1, 24), substr(k[2], 1, 52))
		note = ""
		for (f = 1; f <= file; f++) {
			r = ((f, order[i]) in res) ? res[f, order[i]] : "-"
			row = row sprintf(" %-13s", ((f, order[i]) in res) ? shown[f, order[i]] : "-")
			if (f == 1 || res[1, order[i]] != "pass" || r == "pass") continue
			why = reason(f, k[1], k[2])
			if (k[2] == "(exit status)" && !((f, k[1]) in excused)) why = ""
			# "timing: ..." rows: cases the speed of TCG decides on either kernel
			if (why ~ /^timing: /) { timing[f]++; note = note " [" setup[f] ": " why "]" }
			else if (why != "") { expected[f]++; note = note " [" setup[f] ": " why "]" }
			else { regress[f]++; note = note " [" setup[f] ": REGRESSION]"; bad[f] = bad[f] "; " k[1] ": " k[2] " (" r ")" }
		}
		print row note
	}
	for (f = 1; f <= file; f++) {
		printf "%s: %d pass (%d of them on a second or third run), %d fail, %d skip, %d xfail\n", setup[f],
		       count[f, "pass"], retried[f], count[f, "fail"], count[f, "skip"], count[f, "xfail"]
	}
	# a program with no passing case on vanilla compares nothing
	for (i = 1; i <= n; i++) {
		split(order[i], k, "\t")
		progs[k[1]] = 1
		if (k[2] != "(exit status)" && res[1, order[i]] == "pass") vpass[k[1]]++
	}
	for (p in progs)
		if (!vpass[p])
			printf "RESULT\tnot ok\tupstream selftests: %s passed no case on vanilla, so it compares nothing (see its log)\n", p
	for (f = 2; f <= file; f++) {
		if (regress[f])
			printf "RESULT\tnot ok\tupstream selftests on %s: %d case(s) pass on vanilla and not here%s\n", setup[f], regress[f], bad[f]
		else
			printf "RESULT\tok\tupstream selftests on %s: of the %d cases that pass on vanilla, all pass here (%d on a rerun) except %d intended differences and %d bound by timing, listed in selftests/upstream-differences.txt\n",
			       setup[f], count[1, "pass"], retried[f] + 0, expected[f] + 0, timing[f] + 0
	}
}' "$van" "$@"

# SPDX-License-Identifier: GPL-2.0
# Sourced by the guest's shell tests: TAP result lines, numbered from 1.
# $failed is 1 once a check failed; a test ends with "exit $failed".

n=0 failed=0
ok()     { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n $1"; failed=1; }
# skip NAME WHY: counted as a skip by the runner (a failure under --strict)
skip()   { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
# check EXPR NAME: ok when the shell expression EXPR is true
check()  { if eval "$1"; then ok "$2"; else not_ok "$2"; fi; }

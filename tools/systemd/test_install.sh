#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Host test of `make install` (TAP), and of vswapctl on a kernel without
# vswap (the host's): every file lands where the unit and
# the documentation say, the unit passes `systemd-analyze verify` (and a
# unit with a missing binary does not), the shipped policy.conf is valid,
# the man page renders without warnings, and a second install keeps the
# administrator's policy.conf. Run from the top of the checkout.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d /tmp/vswap-install.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
n=0 failed=0
check() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; failed=$((failed + 1)); fi
}

echo "TAP version 13"
# Installed under $tmp as its prefix, so that the unit's paths exist here
args=(PREFIX="$tmp/usr" SYSCONFDIR="$tmp/etc" UNITDIR="$tmp/lib/systemd/system")
make -s -C "$top" install "${args[@]}" > "$tmp/install.log" 2>&1
check $? "make install PREFIX=... (log: $tmp/install.log)" || cat "$tmp/install.log"
for f in usr/sbin/vswapctl usr/lib/vswap/vswap_default.bpf.o usr/lib/vswap/vswap_direct.bpf.o \
	 usr/lib/vswap/vswap_tiered.bpf.o lib/systemd/system/vswap-policy.service \
	 etc/vswap/policy.conf usr/share/man/man8/vswapctl.8 \
	 usr/share/vswap/bpftrace/vswap-backends.bt usr/share/vswap/bpftrace/vswap-swapin-latency.bt \
	 usr/share/vswap/bpftrace/vswap-demotions.bt; do
	[ -s "$tmp/$f" ]
	check $? "installed $f"
done
[ -x "$tmp/usr/sbin/vswapctl" ] && [ "$(stat -c %a "$tmp/etc/vswap/policy.conf")" = 644 ]
check $? "modes: vswapctl executable, policy.conf 0644"

unit=$tmp/lib/systemd/system/vswap-policy.service
grep -q "^ExecStart=$tmp/usr/sbin/vswapctl policy load default$" "$unit" &&
	grep -q "^ExecStart=$tmp/usr/sbin/vswapctl config apply $tmp/etc/vswap/policy.conf$" "$unit" &&
	grep -q "^ExecStop=$tmp/usr/sbin/vswapctl policy unload$" "$unit" &&
	grep -q "^ConditionPathExists=/sys/kernel/mm/vswap" "$unit" &&
	grep -q "^Restart=on-failure" "$unit" && grep -q "^StartLimitBurst=" "$unit"
check $? "the unit: load, apply, unload; condition on vswap; restart with a limit"
out=$(systemd-analyze verify --man=no "$unit" 2>&1)
check $? "systemd-analyze verify vswap-policy.service${out:+: $out}"
sed "s|^ExecStart=$tmp/usr/sbin/|ExecStart=$tmp/nonexistent/|" "$unit" > "$tmp/broken.service"
systemd-analyze verify --man=no "$tmp/broken.service" > /dev/null 2>&1
[ $? -ne 0 ]
check $? "systemd-analyze verify fails for a unit whose binary is missing"

"$tmp/usr/sbin/vswapctl" config check "$tmp/etc/vswap/policy.conf" > /dev/null
check $? "vswapctl config check accepts the shipped policy.conf"
printf 'batch mode=virtual demote-after=30s\nweb backend=zswap zswap-cap=50%%\n' > "$tmp/ok.conf"
"$tmp/usr/sbin/vswapctl" -j config check "$tmp/ok.conf" 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d["valid"] is True else 1)'
check $? "vswapctl -j config check: valid, as JSON"
printf 'batch mode=virtual\nweb demote-after=soon\n' > "$tmp/bad.conf"
msg=$("$tmp/usr/sbin/vswapctl" config check "$tmp/bad.conf" 2>&1)
rc=$?
[ $rc = 2 ] && grep -q "bad.conf:2: bad value 'soon' for demote-after" <<< "$msg"
check $? "vswapctl config check names the file, line, key and value of an error (exit 2)"

# The host runs Debian's kernel: no vswap there
if [ ! -e /sys/kernel/mm/vswap ]; then
	msg=$("$tmp/usr/sbin/vswapctl" status 2>&1)
	rc=$?
	[ $rc = 3 ] && [ "$msg" = "vswapctl: this kernel has no vswap (/sys/kernel/mm/vswap: No such file or directory)" ]
	check $? "vswapctl status on a kernel without vswap: exit 3, one line naming /sys/kernel/mm/vswap"
	"$tmp/usr/sbin/vswapctl" policy load default > /dev/null 2>&1
	check $([ $? = 3 ]; echo $?) "vswapctl policy load on a kernel without vswap: exit 3"
else
	check 1 "the host kernel has no vswap (this test expects Debian's kernel on the host)"
fi

"$tmp/usr/sbin/vswapctl" -j version | python3 -c 'import json,sys; sys.exit(0 if isinstance(json.load(sys.stdin)["version"], str) else 1)' &&
	"$tmp/usr/sbin/vswapctl" version | grep -q "^version  *[0-9]" &&
	"$tmp/usr/sbin/vswapctl" version --help | grep -q "usage: vswapctl \[-j\] version"
check $? "vswapctl version: text, JSON, --help"

warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$top/build/man/vswapctl.8" 2>&1 >/dev/null)
[ -z "$warn" ] && man -l "$top/build/man/vswapctl.8" 2>/dev/null | grep -q "EXIT STATUS"
check $? "the man page renders without warnings${warn:+: $warn}"

echo "# edited by the administrator" >> "$tmp/etc/vswap/policy.conf"
make -s -C "$top" install "${args[@]}" > "$tmp/install2.log" 2>&1 &&
	tail -1 "$tmp/etc/vswap/policy.conf" | grep -q "edited by the administrator"
check $? "a second make install keeps an existing policy.conf"

echo "1..$n"
[ $failed = 0 ]

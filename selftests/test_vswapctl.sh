#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vswapctl in the guest, every command in text and JSON (JSON checked by
# Python's json module), and its errors: status, policy load/show/unload,
# cgroup set/show (own and inherited settings, slots of held-out pages),
# config check/apply, trace (events of a workload, filtered by cgroup and
# kind), the systemd unit's Exec lines, and an unprivileged user.
set -u
top=${VSWAP_TOP:?}
V=${VSWAPCTL:-$top/build/vswapctl/vswapctl}
helper=$top/build/selftests/helpers/pageout
CG=/sys/fs/cgroup
A=vswapctl-a B=vswapctl-b
. "$(dirname "$0")/lib/tap.sh"
# py EXPR: the JSON document on stdin parses, and EXPR (with d bound to it) holds
py() { python3 -c "import json,sys
d = json.load(sys.stdin)
sys.exit(0 if ($1) else 1)"; }
# pyl EXPR: every line on stdin is a JSON document; EXPR (with l, the list) holds
pyl() { python3 -c "import json,sys
l = [json.loads(x) for x in sys.stdin if x.strip()]
sys.exit(0 if ($1) else 1)"; }
# run CMD...: stdout to $out, stderr to $err, status to $rc
run() { "$@" > "$out" 2> "$err"; rc=$?; }
out=$(mktemp) err=$(mktemp)

# zswap as the test found it, put back on exit
zswap0=$(cat /sys/module/zswap/parameters/enabled)
cleanup() {
	echo "$zswap0" > /sys/module/zswap/parameters/enabled
	"$V" policy unload > /dev/null 2>&1
	for c in $B/child $B $A; do rmdir $CG/$c 2>/dev/null; done
	swapoff -a 2>/dev/null
	rm -f "$out" "$err"
}
trap cleanup EXIT

echo "TAP version 13"
echo "1..44"
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
swapoff -a 2>/dev/null
echo Y > /sys/module/zswap/parameters/enabled
echo 1 > /sys/kernel/mm/vswap/enabled
"$V" policy unload > /dev/null 2>&1
swap=${VSWAP_SCRATCH:-/tmp}/vswapctl.swap
dd if=/dev/zero of="$swap" bs=1M count=64 status=none && chmod 600 "$swap" &&
	mkswap "$swap" > /dev/null && swapon "$swap" || echo "# cannot set up $swap"
echo "+memory" > $CG/cgroup.subtree_control
for c in $A $B $B/child; do mkdir -p $CG/$c; done
echo "+memory" > $CG/$B/cgroup.subtree_control

# --- status
run "$V" status
check '[ $rc = 0 ] && grep -q "^vswap:" "$out" && grep -q "^  slots " "$out" && grep -q "^policy:" "$out" && grep -q "^swap_devices:" "$out"' \
	"status: text with vswap, policy and swap device sections"
run "$V" -j status
check '[ $rc = 0 ] && py "d[\"vswap\"][\"enabled\"] is True and isinstance(d[\"vswap\"][\"slots\"], int) and isinstance(d[\"vswap\"][\"metadata_bytes\"], int) and d[\"policy\"][\"state\"] in (\"none\", \"ejected\") and any(x[\"path\"] == \"$swap\" for x in d[\"swap_devices\"])" < "$out"' \
	"status -j: typed values (enabled a boolean, slots a number), no policy, the swap file listed"
run "$V" status --json
check '[ $rc = 0 ] && py "\"rejects\" in d[\"vswap\"] and \"alloc_reject\" in d[\"vswap\"][\"rejects\"]" < "$out"' \
	"--json after the object works too; rejects are reported"

# --- policy load / show
run "$V" -j policy load default
check '[ $rc = 0 ] && py "d[\"loaded\"] == \"default\"" < "$out" && [ "$(cat /sys/kernel/mm/vswap/policy/state)" = enabled ] && [ -e /sys/fs/bpf/vswap/link ] && [ -e /sys/fs/bpf/vswap/vswap_cfg ]' \
	"policy load default: enabled, link and settings map pinned under /sys/fs/bpf/vswap"
run "$V" policy load default
check '[ $rc = 5 ] && [ $(wc -l < "$err") = 1 ] && grep -q "already loaded: .default." "$err"' \
	"policy load while loaded: exit 5, one line naming the loaded policy"
run "$V" policy show
check '[ $rc = 0 ] && grep -q "name  *default" "$out" && grep -q "state  *enabled" "$out" && grep -q "pinned  */sys/fs/bpf/vswap/link" "$out"' \
	"policy show: name, state, pin"
run "$V" -j policy show
check '[ $rc = 0 ] && py "d[\"policy\"][\"name\"] == \"default\" and isinstance(d[\"policy\"][\"nr_rejected\"], int) and [s[\"name\"] for s in d[\"shipped\"]] == [\"default\", \"direct\", \"tiered\"]" < "$out"' \
	"policy show -j: the loaded policy and the shipped ones"

# --- cgroup set / show
run "$V" cgroup set $A backend=zswap
check '[ $rc = 0 ] && grep -q "backend  *zswap" "$out" && grep -q "from  *own" "$out"' \
	"cgroup set A backend=zswap: shows the cgroup with its own setting"
run "$V" -j cgroup set $B mode=virtual demote-after=2s zswap-cap=50%
check '[ $rc = 0 ] && py "d[0][\"settings\"][\"demote_after_s\"] == 2 and d[0][\"settings\"][\"zswap_cap_pct\"] == 50 and d[0][\"settings\"][\"mode\"] == \"virtual\"" < "$out"' \
	"cgroup set B (-j): demote-after=2s, zswap-cap=50%, mode=virtual, as numbers"
run "$V" -j cgroup set $B zswap-cap=0
check '[ $rc = 0 ] && py "d[0][\"settings\"][\"demote_after_s\"] == 2 and d[0][\"settings\"][\"zswap_cap_pct\"] == 0" < "$out"' \
	"cgroup set changes only the keys given"
run "$V" -j cgroup show $B/child
check '[ $rc = 0 ] && py "d[0][\"cgroup\"] == \"/$B/child\" and d[0][\"settings\"][\"from\"] == \"/$B\" and d[0][\"id\"] == $(stat -c %i $CG/$B/child)" < "$out"' \
	"cgroup show of a child: the parent's settings (from /B), id = the directory's inode"
run "$V" -j cgroup show
check '[ $rc = 0 ] && py "d[0][\"cgroup\"] == \"/\" and \"/$A\" in [x[\"cgroup\"] for x in d] and \"/$B/child\" in [x[\"cgroup\"] for x in d] and d[0][\"settings\"][\"from\"] == \"built-in default\"" < "$out"' \
	"cgroup show (no PATH): recursive from the root, the root on the built-in default"
run "$V" cgroup show $B
check '[ $rc = 0 ] && grep -q "^- cgroup  */$B$" "$out" && grep -q "^- cgroup  */$B/child$" "$out" && grep -q "demote_after_s  *2s" "$out"' \
	"cgroup show B (text): B and its child, durations for people"

run "$V" -j cgroup set $B/child backend=zswap
check '[ $rc = 0 ] && py "d[0][\"settings\"][\"from\"] == \"own\" and d[0][\"settings\"][\"backend\"] == \"zswap\" and d[0][\"settings\"][\"demote_after_s\"] == 2 and d[0][\"settings\"][\"mode\"] == \"virtual\"" < "$out"' \
	"cgroup set on a cgroup that inherits: the keys not given keep the inherited values"
run "$V" -j cgroup unset $B/child
check '[ $rc = 0 ] && py "d[0][\"settings\"][\"from\"] == \"/$B\"" < "$out"' \
	"cgroup unset: the child inherits again"

# Pages held out in A: slots by backend
echo $$ > $CG/$A/cgroup.procs
"$helper" -n 2048 -w 4 > "$out.held" &
hp=$!
echo $$ > $CG/cgroup.procs
for _ in $(seq 100); do grep -q held "$out.held" && break; sleep 0.1; done
run "$V" -j cgroup show $A
check '[ $rc = 0 ] && py "d[0][\"slots\"][\"zswap\"] + d[0][\"slots\"][\"zero\"] >= 2000 and d[0][\"zswap_compressed_bytes\"] > 0" < "$out"' \
	"cgroup show A while 2048 pages are held out: their slots in zswap, compressed bytes"
wait $hp
check '[ $? = 0 ]' "the held pages read back intact"
run "$V" -j cgroup show $A
check '[ $rc = 0 ] && py "d[0][\"refaults\"][\"zswap\"] >= 2000" < "$out"' \
	"cgroup show A after: the refaults from zswap are counted"

# --- bad input
run "$V" cgroup set $A colour=blue
check '[ $rc = 2 ] && [ $(wc -l < "$err") = 1 ] && grep -q "unknown key .colour." "$err"' \
	"cgroup set: an unknown key: exit 2, one line naming it"
run "$V" cgroup set $A demote-after=soon
check '[ $rc = 2 ] && grep -q "bad value .soon. for demote-after" "$err"' \
	"cgroup set: a bad value: exit 2, naming key and value"
run "$V" cgroup show no-such-cgroup
check '[ $rc = 2 ] && grep -q "no cgroup at /sys/fs/cgroup/no-such-cgroup" "$err"' \
	"cgroup show of an unknown cgroup: exit 2, naming the path"
run "$V" cgroup show /proc
check '[ $rc = 2 ] && grep -q "/proc is not a cgroup: not in a cgroup2 file system" "$err"' \
	"cgroup show of a path outside cgroup2: exit 2, says so"
run "$V" policy load no-such-policy
check '[ $rc = 2 ] && grep -q "no shipped policy .no-such-policy." "$err"' \
	"policy load of an unknown name: exit 2"
run "$V" frobnicate
check '[ $rc = 2 ] && grep -q "unknown object .frobnicate." "$err"' "an unknown object: exit 2"
run "$V" cgroup --help
check '[ $rc = 0 ] && grep -q "usage: vswapctl \[-j\] cgroup COMMAND" "$out"' "--help after an object"

# --- trace
# trace_wait: until the trace started in the background says it is attached
trace_wait() { for _ in $(seq 300); do grep -q "attached" "$err" && return; sleep 0.1; done; }
"$V" -j trace -d 8 -e alloc,store,load > "$out.trace" 2> "$err" &
tp=$!
trace_wait
echo $$ > $CG/$A/cgroup.procs
"$helper" -n 256
echo $$ > $CG/cgroup.procs
wait $tp
trc=$?
idA=$(stat -c %i $CG/$A)
check '[ $trc = 0 ] && pyl "any(e[\"event\"] == \"alloc\" and e[\"cgroup_id\"] == $idA for e in l) and sum(e[\"nr\"] for e in l if e[\"event\"] == \"store\" and e[\"backend\"] == \"zswap\" and e[\"source\"] == \"policy\" and e[\"comm\"] == \"pageout\") == 256 and sum(e[\"nr\"] for e in l if e[\"event\"] == \"load\" and e[\"comm\"] == \"pageout\") == 256 and not any(e[\"event\"] == \"free\" for e in l)" < "$out.trace"' \
	"trace -j -e alloc,store,load: JSON lines; 256 pages stored to zswap as the policy said, loaded back; allocs in A; no other kinds"
grep -q "^vswapctl: trace: [0-9]* events, 0 dropped" "$err"
check '[ $? = 0 ]' "trace reports its event count and no drops on stderr"
# (B has the memory controller on for its child: no process may live in B)
"$V" trace -d 8 -c $B/child -e store > "$out.trace" 2> "$err" &
tp=$!
trace_wait
echo $$ > $CG/$A/cgroup.procs
"$helper" -n 64
echo $$ > $CG/$B/child/cgroup.procs
"$helper" -n 32
echo $$ > $CG/cgroup.procs
wait $tp
trc=$?
idC=$(stat -c %i $CG/$B/child)
check '[ $trc = 0 ] && [ "$(grep -c "comm=pageout" "$out.trace")" -ge 1 ] && ! grep -v "cgroup_id=$idC " "$out.trace" | grep -q "event=store"' \
	"trace -c B/child: the workload there shows, the one in A does not"
"$V" trace -d 8 -e store > "$out.trace" 2> "$err" &
tp=$!
trace_wait
"$helper" -n 64
wait $tp
check 'grep -q "^ts_ns=[0-9]* event=store cgroup_id=[0-9]* pid=[0-9]* comm=pageout offset=[0-9]* nr=[0-9]* backend=zswap source=" "$out.trace"' \
	"trace (text): one event per line, key=value"
run "$V" trace -e nosuch
check '[ $rc = 2 ] && grep -q "unknown event .nosuch." "$err"' "trace with an unknown event: exit 2"

# --- config
cat > "$out.conf" <<EOF
# comment
$A backend=auto demote-after=5m
/$B/child mode=direct   # an absolute-looking path is relative to the root
not-created-yet backend=zswap
EOF
run "$V" -j config apply "$out.conf"
check '[ $rc = 0 ] && py "d[\"applied\"] == 2 and d[\"skipped\"] == 1" < "$out" && grep -q "skipped: no cgroup at /sys/fs/cgroup/not-created-yet" "$err"' \
	"config apply: 2 applied, a missing cgroup skipped and named"
run "$V" -j cgroup show $B/child
check 'py "d[0][\"settings\"][\"from\"] == \"own\" and d[0][\"settings\"][\"mode\"] == \"direct\" and d[0][\"settings\"][\"demote_after_s\"] == 0" < "$out"' \
	"config apply wrote the child's own settings: the line is all of them (demote-after not inherited)"
printf '%s mode=virtual\n%s backend=floppy\n/proc mode=direct\n' $A $B > "$out.conf"
run "$V" config apply "$out.conf"
run2=$("$V" -j cgroup show $A | py "d[0][\"settings\"][\"mode\"] == \"auto\"" && echo same)
check '[ $rc = 2 ] && grep -q "conf:2: bad value .floppy. for backend" "$err" && grep -q "conf:3: /proc is not a cgroup" "$err" && [ "$run2" = same ]' \
	"config apply with errors: exit 2, each file:line named, nothing written"

# --- unprivileged
run setpriv --reuid=65534 --regid=65534 --clear-groups "$V" cgroup set $A backend=disk
check '[ $rc = 4 ] && [ $(wc -l < "$err") = 1 ] && grep -q "Permission denied" "$err"' \
	"an unprivileged user cannot change settings: exit 4, one line"
run setpriv --reuid=65534 --regid=65534 --clear-groups "$V" policy unload
check '[ $rc = 4 ] && [ "$(cat /sys/kernel/mm/vswap/policy/state)" = enabled ]' \
	"an unprivileged user cannot unload the policy: exit 4, still loaded"

# --- unload
run "$V" policy unload
check '[ $rc = 0 ] && grep -q "unloaded  *default" "$out" && [ "$(cat /sys/kernel/mm/vswap/policy/state)" != enabled ] && [ ! -e /sys/fs/bpf/vswap ]' \
	"policy unload: the policy stops, the pins are gone"
run "$V" policy unload
check '[ $rc = 5 ] && grep -q "no swap policy is loaded" "$err"' "policy unload with none loaded: exit 5"
run "$V" cgroup set $A backend=zswap
check '[ $rc = 5 ] && grep -q "the default policy is not running" "$err"' \
	"cgroup set with no policy running: exit 5, says so"
run setpriv --reuid=65534 --regid=65534 --clear-groups "$V" policy load default
check '[ $rc = 4 ] && [ $(wc -l < "$err") = 1 ] && grep -q "needs root" "$err" && [ "$(cat /sys/kernel/mm/vswap/policy/state)" != enabled ]' \
	"an unprivileged user cannot load a policy: exit 4, one line"

# --- a policy from a file
run "$V" policy load "$top/build/bpf/vswap_tiered.bpf.o"
check '[ $rc = 0 ] && [ "$(cat /sys/kernel/mm/vswap/policy/name)" = tiered ]' "policy load FILE: a BPF object by path"
"$V" policy unload > /dev/null
run "$V" policy load "$top/build/bpf/vswap_test_plain.bpf.o"
check '[ $rc = 2 ] && grep -q "not in SEC(\".struct_ops.link\")" "$err" && [ ! -e /sys/fs/bpf/vswap ]' \
	"policy load of an object without a struct_ops link: exit 2, nothing left pinned"

# --- the systemd unit's Exec lines, as systemd would run them
etc=$(mktemp -d)
mkdir -p "$etc/vswap"
printf '%s backend=zswap\n%s demote-after=1m\n' $A $B > "$etc/vswap/policy.conf"
sed -e "s|@SBINDIR@|$(dirname "$V")|g" -e "s|@SYSCONFDIR@|$etc|g" \
	"$top/tools/systemd/vswap-policy.service.in" > "$etc/unit"
unit_run() {	# unit_run KEY: the unit's KEY= lines in order; a "-" prefix may fail
	local line cmd rc=0
	while IFS= read -r line; do
		cmd=${line#*=}
		if [ "${cmd:0:1}" = - ]; then
			${cmd:1} > /dev/null 2>&1
		else
			$cmd > /dev/null || rc=1
		fi
	done < <(grep "^$1=" "$etc/unit")
	return $rc
}
unit_run ExecStartPre && unit_run ExecStart
urc=$?
check '[ $urc = 0 ] && [ "$(cat /sys/kernel/mm/vswap/policy/state)" = enabled ] && "$V" -j cgroup show $B | py "d[0][\"settings\"][\"demote_after_s\"] == 60"' \
	"the unit's ExecStartPre/ExecStart lines: policy loaded, policy.conf applied"
unit_run ExecStartPre && unit_run ExecStart
check '[ $? = 0 ]' "the unit's start lines run again (a restart) and succeed"
unit_run ExecStop
check '[ $? = 0 ] && [ "$(cat /sys/kernel/mm/vswap/policy/state)" != enabled ] && [ ! -e /sys/fs/bpf/vswap ]' \
	"the unit's ExecStop line: policy unloaded"
rm -rf "$etc" "$out.held" "$out.trace" "$out.conf"
exit $failed

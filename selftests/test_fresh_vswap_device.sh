#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The virtual swap device: created at boot, described in
# /sys/kernel/mm/vswap/, invisible to /proc/swaps and to SwapTotal/SwapFree,
# costs no memory while it holds nothing, and leaves physical swap devices
# working as before.
set -u
. "$(dirname "$0")/lib/tap.sh"
stat_of() { awk -v k="$1" '$1 == k { print $2 }' /sys/kernel/mm/vswap/stat; }
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
nswaps()  { tail -n +2 /proc/swaps | wc -l; }

echo "TAP version 13"
echo "1..8"

if [ ! -r /sys/kernel/mm/vswap/stat ]; then
	echo "# /sys/kernel/mm/vswap/stat is missing: kernel without CONFIG_VSWAP?"
	exit 1
fi
sed 's/^/# stat: /' /sys/kernel/mm/vswap/stat

missing=""
for k in slots clusters alloc_reject metadata_bytes; do
	[ -n "$(stat_of $k)" ] || missing="$missing $k"
done
check '[ -z "$missing" ]' "stat has slots, clusters, alloc_reject, metadata_bytes${missing:+ (missing:$missing)}"

size=$(cat /sys/kernel/mm/vswap/size)
l1tf=$(cat /sys/devices/system/cpu/vulnerabilities/l1tf 2>/dev/null)
echo "# size: $size slots; l1tf: ${l1tf:-unknown}"
# 2^32 clusters of 512 slots. Only the L1TF mitigation, which caps swap
# offsets in page tables below MAX_PA/2, may bound the device lower.
if [ "$l1tf" = "Not affected" ]; then
	check '[ "$size" -ge $((1 << 41)) ] && [ $((size % 512)) -eq 0 ]' \
		"the device addresses >= 2^32 clusters (2^41 slots) ($size)"
else
	check '[ "$size" -ge $((1 << 31)) ] && [ $((size % 512)) -eq 0 ]' \
		"the device addresses what the L1TF-safe swap entry allows ($size)"
fi

swapoff -a 2>/dev/null
# A guest of its own (test_fresh_*): no earlier test or reclaim left pages
# of its processes in virtual slots, so an idle device is an empty one.
check '[ "$(nswaps)" -eq 0 ]' "/proc/swaps lists no device (the virtual one is hidden)"
check '[ "$(meminfo SwapTotal)" -eq 0 ] && [ "$(meminfo SwapFree)" -eq 0 ]' \
	"SwapTotal and SwapFree are 0 with no physical swap"
check '[ "$(stat_of slots)" -eq 0 ] && [ "$(stat_of clusters)" -eq 0 ] && [ "$(stat_of metadata_bytes)" -eq 0 ]' \
	"an idle virtual device holds no slots, clusters or metadata"

# A physical swapfile still works next to it.
if [ -z "${VSWAP_SCRATCH:-}" ]; then
	echo "# no scratch disk"
	exit 1
fi
f=$VSWAP_SCRATCH/vswap_device.swap
fallocate -l 64M "$f" && chmod 600 "$f" && mkswap -q "$f" >/dev/null && swapon "$f"
kb=$(awk 'NR == 2 { print $3 }' /proc/swaps)
echo "# /proc/swaps: $(tail -n +2 /proc/swaps | tr -s ' \t' ' ')"
check '[ "$(nswaps)" -eq 1 ] && [ "$(awk "NR == 2 { print \$1 }" /proc/swaps)" = "$f" ]' \
	"swapon of a swapfile: /proc/swaps lists it alone"
check '[ -n "$kb" ] && [ "$(meminfo SwapTotal)" -eq "$kb" ]' "SwapTotal equals the swapfile's size ($kb kB)"
swapoff "$f"
check '[ $? -eq 0 ] && [ "$(nswaps)" -eq 0 ] && [ "$(meminfo SwapTotal)" -eq 0 ]' "swapoff of the swapfile"
rm -f "$f"
exit $failed

#!/usr/bin/env bash
# Generate build/kbuild/.config: allnoconfig + configs/base.config +
# configs/vswap.config, merged by the kernel's merge_config.sh.  Fails when
# any requested option did not make it into the final configuration.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
tree=$top/build/linux
kbuild=$top/build/kbuild
frags=("$top/configs/base.config" "$top/configs/vswap.config")
log=$kbuild/merge_config.log

mkdir -p "$kbuild"
# Keep the old .config (and its mtime) when nothing changed, so that an
# unchanged configuration never causes a rebuild.
[ -f "$kbuild/.config" ] && cp -p "$kbuild/.config" "$kbuild/.config.prev"
# merge_config.sh runs make in the current directory: run it in the tree.
if ! (cd "$tree" && ./scripts/kconfig/merge_config.sh -n -O "$kbuild" "${frags[@]}") >"$log" 2>&1; then
	cat "$log" >&2
	echo "kconfig: error: merge_config.sh failed (log: $log)" >&2
	exit 1
fi

# Our own check, independent of merge_config.sh's wording: every option of
# the fragments must have exactly the requested value.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=n)	opt=${line%%=*}; want="" ;;
	CONFIG_*=*)	opt=${line%%=*}; want=$line ;;
	"# CONFIG_"*" is not set") opt=${line#\# }; opt=${opt%% *}; want="" ;;
	*) continue ;;
	esac
	have=$(grep -E "^$opt=" "$kbuild/.config" || true)
	if [ "$have" != "$want" ]; then
		echo "kconfig: error: $opt: requested '${want:-not set}', got '${have:-not set}'" >&2
		bad=1
	fi
done < <(cat "${frags[@]}")
if [ $bad -ne 0 ]; then
	echo "kconfig: error: the config fragments did not stick (missing dependency?); see $log" >&2
	rm -f "$kbuild/.config"
	exit 1
fi
if [ -f "$kbuild/.config.prev" ] && cmp -s "$kbuild/.config" "$kbuild/.config.prev"; then
	mv -f "$kbuild/.config.prev" "$kbuild/.config"
	echo "kconfig: build/kbuild/.config unchanged"
	exit 0
fi
rm -f "$kbuild/.config.prev"
echo "kconfig: build/kbuild/.config generated from ${#frags[@]} fragments, all options verified"

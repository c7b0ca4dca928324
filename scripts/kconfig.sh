#!/usr/bin/env bash
# Generate build/kbuild/.config: allnoconfig + configs/base.config +
# configs/vswap.config, merged by the kernel's merge_config.sh.  Fails when
# any requested option did not make it into the final configuration.
#
#   scripts/kconfig.sh [OBJDIR [EXTRA-FRAGMENT...]]
#
# OBJDIR (default build/kbuild) is the out-of-tree build directory; extra
# fragments are merged last (make check-debug: configs/debug.config into
# build/kbuild-debug).  KCONFIG_VANILLA=1: the configuration of the
# unpatched tree (build/linux-vanilla), which has no CONFIG_VSWAP*, with
# LOCALVERSION "-vanilla" (the kernel the upstream selftests compare with).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
vanilla=${KCONFIG_VANILLA:-0}
tree=$top/build/linux
[ "$vanilla" = 1 ] && tree=$top/build/linux-vanilla
kbuild=${1:-$top/build/kbuild}
[ $# -gt 0 ] && shift
frags=("$top/configs/base.config" "$top/configs/vswap.config" "$@")
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
	if [ "$vanilla" = 1 ]; then
		case $opt in CONFIG_VSWAP*|CONFIG_LOCALVERSION) continue ;; esac
	fi
	have=$(grep -E "^$opt=" "$kbuild/.config" || true)
	if [ "$have" != "$want" ]; then
		echo "kconfig: error: $opt: requested '${want:-not set}', got '${have:-not set}'" >&2
		bad=1
	fi
done < <(cat "${frags[@]}" | awk '
	# Only the last value of an option counts (a later fragment overrides).
	/^CONFIG_/ { o = $0; sub(/=.*/, "", o); v[o] = $0; if (!(o in seen)) { seen[o] = 1; order[n++] = o } ; next }
	/^# CONFIG_.* is not set/ { o = $2; v[o] = $0; if (!(o in seen)) { seen[o] = 1; order[n++] = o } }
	END { for (i = 0; i < n; i++) print v[order[i]] }')
if [ $bad -ne 0 ]; then
	echo "kconfig: error: the config fragments did not stick (missing dependency?); see $log" >&2
	rm -f "$kbuild/.config"
	exit 1
fi
[ "$vanilla" = 1 ] && sed -i 's/^CONFIG_LOCALVERSION=.*/CONFIG_LOCALVERSION="-vanilla"/' "$kbuild/.config"
if [ -f "$kbuild/.config.prev" ] && cmp -s "$kbuild/.config" "$kbuild/.config.prev"; then
	mv -f "$kbuild/.config.prev" "$kbuild/.config"
	echo "kconfig: ${kbuild#$top/}/.config unchanged"
	exit 0
fi
rm -f "$kbuild/.config.prev"
echo "kconfig: ${kbuild#$top/}/.config generated from ${#frags[@]} fragments, all options verified"

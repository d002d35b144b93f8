#!/usr/bin/env bash
# tests/qemu/kernel.sh - the Linux kernel the crash drill boots.
#
# By default: Debian's current cloud kernel, resolved at run time (no version
# pinned here): linux-image-cloud-amd64 -> its linux-image-*-cloud-amd64
# dependency -> `apt-get download` -> `dpkg-deb -x` into
# build/cache/kernel/PACKAGE_VERSION/ (reused when present).  --kernel PATH
# boots PATH instead; its config and modules are looked for beside it
# (PATH's dir/config-RELEASE, ../lib/modules/RELEASE, /lib/modules/RELEASE).
#
# It checks the kernel's config for what the drill needs (kexec, crash dump,
# sysrq, pagemap, devtmpfs, initrd) and, for each driver the disk needs
# (CONFIG_SYMBOL:module), accepts =y or collects the module and everything it
# depends on (read from the .ko's own "depends=" field, so no depmod/modinfo
# is needed on the host), decompressing .ko.xz/.ko.zst/.ko.gz.
#
# Two ways to use it:
#   source tests/qemu/kernel.sh; kernel_fetch [--kernel PATH] [--driver CONFIG_X:mod]...
#       sets KERNEL_IMAGE, KERNEL_RELEASE, KERNEL_CONFIG, KERNEL_MODULES (.ko
#       paths in load order, space separated; empty when all is built in),
#       and for a Debian package KERNEL_PACKAGE and KERNEL_VERSION (its
#       name and version: tests/qemu/debuginfo.sh fetches the -dbg of the
#       same version; both empty with --kernel)
#   tests/qemu/kernel.sh [--kernel PATH] [--driver CONFIG_X:mod]...
#       prints those six as KEY=VALUE lines (shell-quoted) on stdout
# Narration goes to stderr, prefixed "kernel: ".  Returns/exits non-zero,
# with one line saying why, when no usable kernel can be had.

KERNEL_SH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
KERNEL_CACHE=${KERNEL_CACHE:-$KERNEL_SH_ROOT/build/cache/kernel}
KERNEL_META_PACKAGE=${KERNEL_META_PACKAGE:-linux-image-cloud-amd64}

# What the drill needs built in, whatever the disk: name -> why.
KERNEL_REQUIRED_Y=(
	"CONFIG_KEXEC:kexec_load(2), used by crashcap load"
	"CONFIG_CRASH_DUMP:crashkernel= reservation and crash notes"
	"CONFIG_MAGIC_SYSRQ:echo c > /proc/sysrq-trigger"
	"CONFIG_PROC_PAGE_MONITOR:/proc/self/pagemap, used by patterns"
	"CONFIG_DEVTMPFS:/dev without udev"
	"CONFIG_BLK_DEV_INITRD:the initramfs"
	"CONFIG_RD_GZIP:the initramfs is gzip-compressed"
	"CONFIG_SERIAL_8250_CONSOLE:console=ttyS0"
)
# The virtio-blk disk's drivers (the drill passes its own list per --disk).
KERNEL_DEFAULT_DRIVERS=("CONFIG_VIRTIO_PCI:virtio_pci" "CONFIG_VIRTIO_BLK:virtio_blk")

kmsg() { echo "kernel: $*" >&2; }

# _kernel_resolve: sets _pkg and _ver, the image package the meta package
# depends on now.  Runs `apt-get update` once if the lists know nothing.
_kernel_resolve() {
	_pkg=$(apt-cache depends "$KERNEL_META_PACKAGE" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
	if [ -z "$_pkg" ]; then
		local sudo=()
		[ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
		kmsg "apt knows no $KERNEL_META_PACKAGE: running apt-get update once"
		"${sudo[@]}" apt-get update -qq >&2 || kmsg "apt-get update failed"
		_pkg=$(apt-cache depends "$KERNEL_META_PACKAGE" 2>/dev/null |
			sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1)
	fi
	[ -n "$_pkg" ] || return 1
	_ver=$(apt-cache show --no-all-versions "$_pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n1)
	[ -n "$_ver" ]
}

# _kernel_download PKG VER DIR: the package's files extracted into DIR.
_kernel_download() {
	local pkg=$1 ver=$2 dir=$3 tmp deb
	tmp=$(mktemp -d "$KERNEL_CACHE/.download.XXXXXX") || return 1
	kmsg "downloading $pkg $ver (apt-get download)"
	# apt's _apt user may not be able to write here; it then downloads as us.
	if ! (cd "$tmp" && apt-get download "$pkg=$ver" >/dev/null 2>"$tmp/apt.err"); then
		kmsg "apt-get download $pkg=$ver failed: $(grep -v '^W:' "$tmp/apt.err" | tail -n1)"
		rm -rf "$tmp"
		return 1
	fi
	deb=$(ls "$tmp"/*.deb 2>/dev/null | head -n1)
	if [ -z "$deb" ] || ! dpkg-deb -x "$deb" "$tmp/root"; then
		kmsg "could not extract $pkg's .deb"
		rm -rf "$tmp"
		return 1
	fi
	rm -rf "$dir"
	mv "$tmp/root" "$dir" && rm -rf "$tmp"
	touch "$dir/.complete"
}

# _kernel_config_value FILE SYMBOL: y, m, or nothing.
_kernel_config_value() {
	sed -n "s/^$2=\\(.*\\)$/\\1/p" "$1" | head -n1
}

# _kernel_find_ko MODDIR NAME: path of NAME's .ko[.xz|.zst|.gz]
# (module names treat - and _ alike).
_kernel_find_ko() {
	local pat=${2//[-_]/[-_]}
	find "$1" -type f \( -name "$pat.ko" -o -name "$pat.ko.xz" -o -name "$pat.ko.zst" \
		-o -name "$pat.ko.gz" \) 2>/dev/null | head -n1
}

# _kernel_plain_ko SRC OUTDIR: an uncompressed copy of SRC in OUTDIR; prints it.
_kernel_plain_ko() {
	local src=$1 out base
	base=$(basename "$src")
	base=${base%.xz}; base=${base%.zst}; base=${base%.gz}
	out=$2/$base
	if [ ! -s "$out" ] || [ "$src" -nt "$out" ]; then
		case $src in
		*.xz)  xz -dc "$src" >"$out.tmp" ;;
		*.zst) zstd -qdc "$src" >"$out.tmp" ;;
		*.gz)  gzip -dc "$src" >"$out.tmp" ;;
		*)     cp "$src" "$out.tmp" ;;
		esac || { kmsg "cannot decompress $src"; rm -f "$out.tmp"; return 1; }
		mv "$out.tmp" "$out"
	fi
	echo "$out"
}

# _kernel_add_module MODDIR OUTDIR NAME: appends NAME and its dependencies
# (first) to _mods, each once.
_kernel_add_module() {
	local moddir=$1 outdir=$2 name=${3//-/_} src ko deps d
	case " $_mod_names " in *" $name "*) return 0 ;; esac
	src=$(_kernel_find_ko "$moddir" "$name")
	if [ -z "$src" ]; then
		kmsg "module $name not found under $moddir"
		return 1
	fi
	ko=$(_kernel_plain_ko "$src" "$outdir") || return 1
	_mod_names="$_mod_names $name"
	deps=$(tr '\0' '\n' <"$ko" | sed -n 's/^depends=//p' | head -n1)
	for d in ${deps//,/ }; do
		_kernel_add_module "$moddir" "$outdir" "$d" || return 1
	done
	_mods="$_mods $ko"
}

# _kernel_bzimage_release FILE: the release of a bzImage, from its boot
# protocol header: "HdrS" at 0x202, and at 0x20e the offset (minus 0x200) of
# a NUL-terminated version string that starts with the release.
_kernel_bzimage_release() {
	local off
	[ "$(dd if="$1" bs=1 skip=$((0x202)) count=4 2>/dev/null)" = HdrS ] || return 0
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 0
	dd if="$1" bs=1 skip=$((off + 0x200)) count=128 2>/dev/null | tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

kernel_fetch() {
	local user_kernel="" drivers=() entry sym why val moddir="" dir
	while [ $# -gt 0 ]; do
		case $1 in
		--kernel) user_kernel=$2; shift 2 ;;
		--driver) drivers+=("$2"); shift 2 ;;
		*) kmsg "unknown option $1"; return 2 ;;
		esac
	done
	[ ${#drivers[@]} -gt 0 ] || drivers=("${KERNEL_DEFAULT_DRIVERS[@]}")
	KERNEL_IMAGE="" KERNEL_RELEASE="" KERNEL_CONFIG="" KERNEL_MODULES=""
	KERNEL_PACKAGE="" KERNEL_VERSION=""
	mkdir -p "$KERNEL_CACHE" || return 1

	if [ -n "$user_kernel" ]; then
		[ -r "$user_kernel" ] || { kmsg "--kernel $user_kernel: not readable"; return 1; }
		KERNEL_IMAGE=$(realpath "$user_kernel")
		KERNEL_RELEASE=$(_kernel_bzimage_release "$KERNEL_IMAGE")
		dir=$(dirname "$KERNEL_IMAGE")
		for c in "$dir/config-$KERNEL_RELEASE" "$dir/../boot/config-$KERNEL_RELEASE" \
			"/boot/config-$KERNEL_RELEASE"; do
			[ -n "$KERNEL_RELEASE" ] && [ -r "$c" ] && { KERNEL_CONFIG=$(realpath "$c"); break; }
		done
		for m in "$dir/../lib/modules/$KERNEL_RELEASE" "/lib/modules/$KERNEL_RELEASE"; do
			[ -n "$KERNEL_RELEASE" ] && [ -d "$m" ] && { moddir=$(realpath "$m"); break; }
		done
		kmsg "using --kernel $KERNEL_IMAGE (release ${KERNEL_RELEASE:-unknown})"
	else
		local _pkg _ver
		if _kernel_resolve; then
			dir=$KERNEL_CACHE/${_pkg}_${_ver}
			if [ -f "$dir/.complete" ]; then
				kmsg "$KERNEL_META_PACKAGE -> $_pkg $_ver (cached in ${dir#"$KERNEL_SH_ROOT"/})"
			else
				kmsg "$KERNEL_META_PACKAGE -> $_pkg $_ver"
				_kernel_download "$_pkg" "$_ver" "$dir" || return 1
			fi
		else
			# No apt lists and no way to get them: the newest cached kernel, if any.
			dir=$(ls -d "$KERNEL_CACHE"/linux-image-*/ 2>/dev/null | sort -V | tail -n1)
			dir=${dir%/}
			if [ -z "$dir" ] || [ ! -f "$dir/.complete" ]; then
				kmsg "cannot resolve $KERNEL_META_PACKAGE (apt-cache depends found nothing; run scripts/deps.sh or apt-get update) and no kernel is cached"
				return 1
			fi
			kmsg "cannot resolve $KERNEL_META_PACKAGE with apt; using the cached $(basename "$dir")"
			_pkg=$(basename "$dir") _ver=${_pkg#*_} _pkg=${_pkg%%_*}
		fi
		KERNEL_PACKAGE=$_pkg KERNEL_VERSION=$_ver
		KERNEL_IMAGE=$(ls "$dir"/boot/vmlinuz-* 2>/dev/null | head -n1)
		[ -n "$KERNEL_IMAGE" ] || { kmsg "no boot/vmlinuz-* in $dir"; return 1; }
		KERNEL_RELEASE=${KERNEL_IMAGE##*/vmlinuz-}
		KERNEL_CONFIG=$dir/boot/config-$KERNEL_RELEASE
		[ -r "$KERNEL_CONFIG" ] || KERNEL_CONFIG=""
		moddir=$dir/lib/modules/$KERNEL_RELEASE
		[ -d "$moddir" ] || moddir=""
		kmsg "image ${KERNEL_IMAGE#"$KERNEL_SH_ROOT"/}"
	fi

	if [ -z "$KERNEL_CONFIG" ]; then
		kmsg "no config-$KERNEL_RELEASE beside the kernel: cannot check it; assuming the drivers are built in"
		return 0
	fi
	local bad=0
	for entry in "${KERNEL_REQUIRED_Y[@]}"; do
		sym=${entry%%:*} why=${entry#*:}
		val=$(_kernel_config_value "$KERNEL_CONFIG" "$sym")
		if [ "$val" != y ]; then
			kmsg "$sym is '${val:-not set}', need y ($why)"
			bad=1
		fi
	done
	[ $bad -eq 0 ] || { kmsg "this kernel cannot run the drill"; return 1; }

	local _mods="" _mod_names="" builtin="" outdir=$KERNEL_CACHE/ko-$KERNEL_RELEASE
	for entry in "${drivers[@]}"; do
		sym=${entry%%:*}
		local mod=${entry#*:}
		val=$(_kernel_config_value "$KERNEL_CONFIG" "$sym")
		case $val in
		y) builtin="$builtin $mod" ;;
		m)
			[ -n "$moddir" ] || { kmsg "$sym=m but no lib/modules/$KERNEL_RELEASE found"; return 1; }
			mkdir -p "$outdir" || return 1
			_kernel_add_module "$moddir" "$outdir" "$mod" || return 1
			;;
		*) kmsg "$sym is '${val:-not set}': this kernel has no $mod driver"; return 1 ;;
		esac
	done
	KERNEL_MODULES=${_mods# }
	kmsg "checked ${KERNEL_CONFIG#"$KERNEL_SH_ROOT"/}: kexec, crash dump, sysrq, pagemap built in"
	[ -z "$builtin" ] || kmsg "built in:$builtin"
	if [ -n "$KERNEL_MODULES" ]; then
		local order="" k
		for k in $KERNEL_MODULES; do order="$order ${k##*/}"; done
		kmsg "modules for the initramfs, in load order:$order"
	fi
	return 0
}

# Called rather than sourced: print the result.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	kernel_fetch "$@" || exit 1
	# shell-quoted: eval "$(tests/qemu/kernel.sh)" works
	printf 'KERNEL_IMAGE=%q\n' "$KERNEL_IMAGE"
	printf 'KERNEL_RELEASE=%q\n' "$KERNEL_RELEASE"
	printf 'KERNEL_CONFIG=%q\n' "$KERNEL_CONFIG"
	printf 'KERNEL_MODULES=%q\n' "$KERNEL_MODULES"
	printf 'KERNEL_PACKAGE=%q\n' "$KERNEL_PACKAGE"
	printf 'KERNEL_VERSION=%q\n' "$KERNEL_VERSION"
fi

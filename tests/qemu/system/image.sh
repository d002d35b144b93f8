#!/usr/bin/env bash
# tests/qemu/system/image.sh - the Debian system the system drill boots: a
# root tree built with mmdebstrap from Debian's archive, cached under
# build/cache/system/KEY/root and reused.
#
#   source tests/qemu/system/image.sh; system_image   sets SYSTEM_ROOT (the cached tree)
#   tests/qemu/system/image.sh [--print-key]          builds it (or prints the key)
#
# KEY is the first 16 hex digits of the SHA-256 of everything that decides
# what gets built: the recipe (SYSTEM_RECIPE, mmdebstrap's options), the
# suite and the mirror.  The
# archive moving on (a newer kernel in a point release) does not change the
# key: a cached image is used until the recipe changes or the cache is
# removed (rm -rf build/cache/system).
#
# The image is as small as a system that shows the service working can be:
# Debian's "essential" set plus systemd as init, udev (for /dev/disk/by-id),
# kexec-tools (vmcore-dmesg, for the kernel log beside the vmcore) and
# Debian's cloud kernel with an initramfs that holds only the virtio disk
# drivers.  No recommends, no documentation, no network, no apt.  Needs
# root (mmdebstrap --mode=root) and network access to the mirror.

SYSTEM_SH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
SYSTEM_CACHE=${SYSTEM_CACHE:-$SYSTEM_SH_ROOT/build/cache/system}
SYSTEM_SUITE=${SYSTEM_SUITE:-bookworm}
SYSTEM_MIRROR=${SYSTEM_MIRROR:-http://deb.debian.org/debian}
SYSTEM_PACKAGES=systemd-sysv,udev,kexec-tools,linux-image-cloud-amd64,initramfs-tools
# The recipe: mmdebstrap's options.  essential-hook: runs before the kernel
# is installed, so its initramfs is built once, small (the virtio disk
# drivers; ext4 is built in) and gzip-compressed (the kernel has RD_GZIP;
# zstd is not installed).  customize-hook: kexec-tools must not take over
# reboots; a host name; the kernel and initramfs the drill boots exist.
SYSTEM_RECIPE=(
	--mode=root --variant=essential --include="$SYSTEM_PACKAGES"
	--dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*'
	--dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*'
	--dpkgopt='path-exclude=/usr/share/info/*'
	--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"'
	--essential-hook='printf "MODULES=list\nCOMPRESS=gzip\n" > "$1/etc/initramfs-tools/conf.d/crashcap-drill"'
	--essential-hook='printf "virtio_pci\nvirtio_blk\n" > "$1/usr/share/initramfs-tools/modules.d/crashcap-drill"'
	--customize-hook='if [ -f "$1/etc/default/kexec" ]; then sed -i "s/^LOAD_KEXEC=.*/LOAD_KEXEC=false/" "$1/etc/default/kexec"; fi'
	--customize-hook='echo crashcap-drill > "$1/etc/hostname"'
	--customize-hook='ls "$1"/boot/vmlinuz-* "$1"/boot/initrd.img-* >/dev/null'
)

imsg() { echo "image: $*" >&2; }

system_image_key() {
	printf '%s\n' "${SYSTEM_RECIPE[@]}" "$SYSTEM_SUITE" "$SYSTEM_MIRROR" |
		sha256sum | cut -c1-16
}

# system_image: SYSTEM_ROOT = the cached root tree, built first if missing.
system_image() {
	local key dir tmp t0 rc
	key=$(system_image_key)
	dir=$SYSTEM_CACHE/$key
	SYSTEM_ROOT=$dir/root
	SYSTEM_BUILD_SECONDS=""
	if [ -f "$dir/.complete" ]; then
		imsg "cached: ${dir#"$SYSTEM_SH_ROOT"/} (key $key; $(cat "$dir/.complete"))"
		return 0
	fi
	[ "$(id -u)" -eq 0 ] || { imsg "building the image needs root (mmdebstrap --mode=root)"; return 1; }
	command -v mmdebstrap >/dev/null || { imsg "no mmdebstrap (scripts/deps.sh installs it)"; return 1; }
	mkdir -p "$SYSTEM_CACHE" || return 1
	rm -rf "$dir"
	tmp=$SYSTEM_CACHE/.build-$key
	rm -rf "$tmp"
	mkdir -p "$tmp"
	imsg "building $SYSTEM_SUITE with mmdebstrap from $SYSTEM_MIRROR into ${dir#"$SYSTEM_SH_ROOT"/} (key $key): $SYSTEM_PACKAGES"
	t0=$SECONDS
	mmdebstrap "${SYSTEM_RECIPE[@]}" \
		"$SYSTEM_SUITE" "$tmp/root" "$SYSTEM_MIRROR" >"$tmp/mmdebstrap.log" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		imsg "mmdebstrap failed (exit $rc); last lines of ${tmp#"$SYSTEM_SH_ROOT"/}/mmdebstrap.log:"
		tail -n 15 "$tmp/mmdebstrap.log" | sed 's/^/image:   | /' >&2
		return 1
	fi
	SYSTEM_BUILD_SECONDS=$((SECONDS - t0))
	mv "$tmp" "$dir" || return 1
	echo "built in ${SYSTEM_BUILD_SECONDS}s on $(date -u +%Y-%m-%d), $(du -sm "$dir/root" | cut -f1) MiB" >"$dir/.complete"
	imsg "built in ${SYSTEM_BUILD_SECONDS}s: $(cat "$dir/.complete")"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	if [ "${1:-}" = --print-key ]; then system_image_key; exit 0; fi
	system_image || exit 1
	echo "$SYSTEM_ROOT"
fi

#!/usr/bin/env bash
# scripts/deps.sh - install what building, testing and the crash drill need,
# from Debian's archive.  Says what it installs; uses sudo when not root.
# Run by tests/run and tests/qemu/drill before anything else.
set -euo pipefail

# package : a file it provides (checked before asking apt)
PACKAGES=(
	"make:/usr/bin/make"
	"gcc:/usr/bin/gcc"
	"libc6-dev:/usr/lib/x86_64-linux-gnu/libc.a"
	"binutils:/usr/bin/readelf"
	"nasm:/usr/bin/nasm"
	"qemu-system-x86:/usr/bin/qemu-system-x86_64"
	"qemu-utils:/usr/bin/qemu-img"
	"liblz4-dev:/usr/include/lz4.h"
	"gnu-efi:/usr/include/efi/efi.h"
	"busybox-static:/bin/busybox"
	"kexec-tools:/usr/sbin/vmcore-dmesg"
	"makedumpfile:/usr/bin/makedumpfile"
	"cpio:/usr/bin/cpio"
	"xz-utils:/usr/bin/xz"
	"zstd:/usr/bin/zstd"
	"ovmf:/usr/share/ovmf/OVMF.fd"
	"gdisk:/usr/sbin/sgdisk"
	"fdisk:/usr/sbin/sfdisk"
	"python3:/usr/bin/python3"
)

missing=()
for entry in "${PACKAGES[@]}"; do
	pkg=${entry%%:*}
	file=${entry#*:}
	[ -e "$file" ] || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null; then
	SUDO=(sudo)
else
	echo "deps: missing packages ${missing[*]}, and not root and no sudo to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for entry in "${PACKAGES[@]}"; do
	file=${entry#*:}
	[ -e "$file" ] || { echo "deps: ${entry%%:*} installed but $file is still missing" >&2; exit 1; }
done
echo "deps: done"

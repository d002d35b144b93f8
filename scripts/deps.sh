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
	"lz4:/usr/bin/lz4"
	"zlib1g-dev:/usr/lib/x86_64-linux-gnu/libz.a"
	"libxxhash-dev:/usr/include/xxhash.h"
	"dpkg-dev:/usr/bin/dpkg-source"
	"gnu-efi:/usr/include/efi/efi.h"
	# hangcap's QEMU check makes its ESP images without loop mounts
	"mtools:/usr/bin/mformat"
	# crashcap hangcap install makes the SysPrep option with it (and its
	# QEMU check runs it in the guest)
	"efibootmgr:/bin/efibootmgr"
	"busybox-static:/bin/busybox"
	"kexec-tools:/usr/sbin/vmcore-dmesg"
	"makedumpfile:/usr/bin/makedumpfile"
	"cpio:/usr/bin/cpio"
	"xz-utils:/usr/bin/xz"
	"zstd:/usr/bin/zstd"
	"ovmf:/usr/share/ovmf/OVMF.fd"
	# the drill's secure-boot scenario (tests/qemu/secboot.sh): Secure Boot
	# firmware and snakeoil key (ovmf), signing (sbsigntool and openssl,
	# below), a unified image, an ESP
	"ovmf:/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"
	"systemd-boot-efi:/usr/lib/systemd/boot/efi/linuxx64.efi.stub"
	"dosfstools:/usr/sbin/mkfs.vfat"
	"mtools:/usr/bin/mcopy"
	"gdisk:/usr/sbin/sgdisk"
	"fdisk:/usr/sbin/sfdisk"
	"python3:/usr/bin/python3"
	# the drill opens its vmcore in crash and drgn (with the kernel's debug vmlinux)
	"crash:/usr/bin/crash"
	"python3-drgn:/usr/lib/python3/dist-packages/drgn/__init__.py"
	"gdb:/usr/bin/gdb"
	"mmdebstrap:/usr/bin/mmdebstrap"
	"e2fsprogs:/usr/sbin/mke2fs"
	# capture.efi: tests sign it with a throwaway key and verify it
	# (tests/host/efi_image_test.sh, the drill's secure-boot scenario)
	"sbsigntool:/usr/bin/sbsign"
	"openssl:/usr/bin/openssl"
)

# The payload builds lz4's own lz4.c from Debian's source package
# (scripts/lz4-source.sh, run by the Makefile), which needs deb-src lines.
DEB_SRC_FILE=/etc/apt/sources.list.d/crashcap-deb-src.sources

has_deb_src() {
	grep -qsE '^[[:space:]]*(deb-src[[:space:]]|Types:.*deb-src)' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources
}

# Print a deb-src twin of every "deb" entry the machine already has:
# deb822 stanzas (*.sources) with Types replaced, one-line entries rewritten
# to deb822 (same URI, suite and components).
deb_src_entries() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -e "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			deb = 0; out = ""
			for (i = 1; i <= NF; i++) {
				l = $i
				if (l ~ /^Types:/) {
					n = split(l, w, /[ \t]+/)
					for (j = 2; j <= n; j++) if (w[j] == "deb") deb = 1
					l = "Types: deb-src"
				}
				out = out l "\n"
			}
			if (deb) printf "%s\n", out
		}' "$f"
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -e "$f" ] || continue
		awk '$1 == "deb" && $2 !~ /^\[/ && NF >= 4 {
			printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents:", $2, $3
			for (i = 4; i <= NF; i++) printf " %s", $i
			printf "\n\n"
		}' "$f"
	done
}

missing=()
for entry in "${PACKAGES[@]}"; do
	pkg=${entry%%:*}
	file=${entry#*:}
	[ -e "$file" ] || missing+=("$pkg")
done
need_src=0
has_deb_src || need_src=1
[ ${#missing[@]} -eq 0 ] && [ $need_src -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
	SUDO=()
elif command -v sudo >/dev/null; then
	SUDO=(sudo)
else
	echo "deps: missing packages (${missing[*]}) or deb-src entries, and not root and no sudo to add them" >&2
	exit 1
fi
if [ $need_src -eq 1 ]; then
	entries=$(deb_src_entries)
	if [ -z "$entries" ]; then
		echo "deps: no deb-src entry and no Debian 'deb' entry to derive one from (apt sources)" >&2
		exit 1
	fi
	echo "deps: adding deb-src entries in $DEB_SRC_FILE (for apt-get source lz4)"
	printf '%s\n' "$entries" | "${SUDO[@]}" tee "$DEB_SRC_FILE" >/dev/null
	[ ${#missing[@]} -eq 0 ] && { "${SUDO[@]}" apt-get update -qq; echo "deps: done"; exit 0; }
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

#!/usr/bin/env bash
# tests/qemu/initramfs.sh - build the crash drill's initramfs (cpio, gzip).
#
#   tests/qemu/initramfs.sh [--out FILE] [--modules "A.ko B.ko ..."]
#                           [--crashcap PATH] [--patterns PATH] [--hdrtool PATH]
#                           [--init PATH] [--file SRC:/PATH]... [--bin SRC:NAME]...
#
# Contents: /init (tests/qemu/init), busybox-static with a link per applet,
# /bin/crashcap (build/crashcap), /bin/patterns (build/qemu/patterns),
# /bin/hdrtool (build/qemu/hdrtool, the wrong-disk scenario's) and
# /bin/workload (build/qemu/workload) with /bin/used-guest
# (tests/qemu/used-guest), the used guest's (each left out when it is not
# built), each --file SRC at /PATH (mode 0644), each --bin SRC as /bin/NAME
# (mode 0755, with its libraries: efibootmgr for hangcap's install), the given kernel modules under /lib/modules/drill/
# plus an "order" file (load order = the order given; tests/qemu/kernel.sh
# computes it), and /dev/console.  A dynamically linked binary gets its
# libraries from the host (ldd).  No root needed: /dev/console is written as
# a raw cpio entry.  Default output: build/qemu/initramfs.cpio.gz.  Says
# what it put in.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$ROOT/build/qemu/initramfs.cpio.gz
MODULES=""
CRASHCAP=$ROOT/build/crashcap
PATTERNS=$ROOT/build/qemu/patterns
HDRTOOL=$ROOT/build/qemu/hdrtool
WORKLOAD=$ROOT/build/qemu/workload
INIT=$ROOT/tests/qemu/init
FILES=()
BINS=()
BUSYBOX=/bin/busybox

say() { echo "initramfs: $*" >&2; }
die() { say "$*"; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--out) OUT=$2; shift 2 ;;
	--modules) MODULES=$2; shift 2 ;;
	--crashcap) CRASHCAP=$2; shift 2 ;;
	--patterns) PATTERNS=$2; shift 2 ;;
	--hdrtool) HDRTOOL=$2; shift 2 ;;
	--init) INIT=$2; shift 2 ;;
	--file) FILES+=("$2"); shift 2 ;;
	--bin) BINS+=("$2"); shift 2 ;;
	-h|--help) sed -n '2,18s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) die "unknown option $1 (--help)" ;;
	esac
done

for f in "$BUSYBOX" "$CRASHCAP" "$PATTERNS" "$INIT"; do
	[ -r "$f" ] || die "$f is missing (busybox: scripts/deps.sh installs busybox-static; the rest: make)"
done
# dynamic ELF FILE: true if FILE asks for a program interpreter (ld.so).
dynamic() { readelf -lW "$1" 2>/dev/null | grep -q 'Requesting program interpreter'; }
! dynamic "$BUSYBOX" || die "$BUSYBOX is not statically linked: install busybox-static"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,dev,proc,sys,tmp,lib/modules/drill,etc}

# add_binary SRC NAME: SRC as /bin/NAME, with its shared libraries if any.
add_binary() {
	install -m 0755 "$1" "$STAGE/bin/$2"
	if dynamic "$1"; then
		local lib
		for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
			mkdir -p "$STAGE$(dirname "$lib")"
			cp -L "$lib" "$STAGE$lib"
		done
		say "$2 is dynamically linked: copied its libraries from the host"
	fi
}

install -m 0755 "$INIT" "$STAGE/init"
cp "$BUSYBOX" "$STAGE/bin/busybox"
for applet in $("$BUSYBOX" --list); do
	[ -e "$STAGE/bin/$applet" ] || ln -s busybox "$STAGE/bin/$applet"
done
add_binary "$CRASHCAP" crashcap
add_binary "$PATTERNS" patterns
# hdrtool only for the drill's wrong-disk scenario (the drill checks it is built)
if [ -r "$HDRTOOL" ]; then add_binary "$HDRTOOL" hdrtool; else HDRTOOL=""; fi
# workload only for the used guest (drill --workload used, bench's used guests)
if [ -r "$WORKLOAD" ]; then
	add_binary "$WORKLOAD" workload
	install -m 0755 "$ROOT/tests/qemu/used-guest" "$STAGE/bin/used-guest"
else
	WORKLOAD=""
fi

for f in "${BINS[@]}"; do
	src=${f%%:*} dst=${f#*:}
	[ "$src" != "$f" ] && [ -n "$dst" ] && [[ $dst != */* ]] || die "--bin $f: want SRC:NAME"
	[ -r "$src" ] || die "--bin $f: $src is missing"
	add_binary "$src" "$dst"
done
for f in "${FILES[@]}"; do
	src=${f%%:*} dst=${f#*:}
	[ "$src" != "$f" ] && [[ $dst == /* ]] || die "--file $f: want SRC:/PATH"
	[ -r "$src" ] || die "--file $f: $src is missing"
	install -D -m 0644 "$src" "$STAGE$dst"
done
: >"$STAGE/lib/modules/drill/order"
for ko in $MODULES; do
	[ -r "$ko" ] || die "module $ko is missing"
	case $ko in *.ko) ;; *) die "module $ko is not an uncompressed .ko" ;; esac
	cp "$ko" "$STAGE/lib/modules/drill/"
	basename "$ko" >>"$STAGE/lib/modules/drill/order"
done

# newc_entry NAME MODE RDEV_MAJOR RDEV_MINOR: one empty cpio "newc" entry.
newc_entry() {
	local name=$1 namesize=$((${#1} + 1))
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s\0' \
		0 "$2" 0 0 1 0 0 0 0 "$3" "$4" "$namesize" 0 "$name"
	# header (110 bytes) + name + NUL, padded to a multiple of 4
	local pad=$(( (4 - (110 + namesize) % 4) % 4 ))
	[ $pad -eq 0 ] || printf '%*s' $pad '' | tr ' ' '\0'
}

mkdir -p "$(dirname "$OUT")"
{
	# The kernel opens /dev/console for init before anything is mounted.
	newc_entry dev $((8#040755)) 0 0
	newc_entry dev/console $((8#020600)) 5 1
	newc_entry 'TRAILER!!!' 0 0 0
	(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet)
} | gzip -n -6 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"

say "$(du -k "$OUT" | cut -f1) KiB ${OUT#"$ROOT"/}: busybox $("$BUSYBOX" | head -n1 | awk '{print $2}'), crashcap, patterns${HDRTOOL:+, hdrtool}${WORKLOAD:+, workload}${FILES[*]:+, files ${FILES[*]##*:}}${BINS[*]:+, binaries ${BINS[*]##*:}}${MODULES:+, modules $(tr '\n' ' ' <"$STAGE/lib/modules/drill/order")}"

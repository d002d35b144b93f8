#!/bin/bash
# tests/fuzz/mkcorpus.sh - (re)make the seed corpus in tests/fuzz/corpus/
# from build/mktarget and build/mkpages (make host first).  The corpus is
# kept in the tree so tests/run replays the same inputs everywhere; run this
# only to change it, and commit the result.
#   corpus/pagestream/NAME  a data area (the bytes from CC_DATA_OFFSET on)
#   corpus/header/NAME      a header (128 bytes) followed by a data area
set -eu
cd "$(dirname "$0")/../.."
C=tests/fuzz/corpus T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
rm -rf "$C" && mkdir -p "$C/pagestream" "$C/header"

pages() { # pages NAME MKPAGES-ARGS...: a filtered target, both ways
	local name=$1; shift
	build/mkpages "$T/$name.img" "$@" >/dev/null
	tail -c +65537 "$T/$name.img" | head -c "$(od -An -tu8 -j 48 -N8 "$T/$name.img")" >"$C/pagestream/$name"
	{ head -c 128 "$T/$name.img"; cat "$C/pagestream/$name"; } >"$C/header/pages-$name"
}
pages small --range 0x0:0x8000 --chunk-pages 3 --exclude 0x4000:3 --exclude-zero
pages two --range 0x100000:0x10000 --range 0x200000:0x4000:0xffffffff81000000 --chunk-pages 4 --exclude 0x104000:2 --exclude-zero
pages alias --range 0x80000:0x8000:0xffffffff81000000 --range 0x0:0x100000 --chunk-pages 64 --exclude 0x0:120 --exclude 0x90000:112 --exclude-zero --alias
pages cut --range 0x0:0x10000 --chunk-pages 4 --cut 3000
pages tiny --range 0x0:0x1000
pages level1 --range 0x0:0x8000 --level 1
# "two" with a byte flipped in chunk 2's frame: in its first block (badblock:
# the block checksum fails) and in its content checksum (badsum): every
# walk, on threads or not, hands on chunks 0 and 1 and stops
read -r f2 l2 < <(build/mkpages "$T/two.img" --range 0x100000:0x10000 --range 0x200000:0x4000:0xffffffff81000000 \
	--chunk-pages 4 --exclude 0x104000:2 --exclude-zero --map | awk '$1 == "chunk" && $2 == 2 { print $4, $5 }')
flipped() { # flipped NAME BYTE: "two" with BYTE of the data area inverted
	cp "$C/pagestream/two" "$C/pagestream/$1"
	local b; b=$(od -An -tu1 -j "$2" -N1 "$C/pagestream/$1")
	printf "$(printf '\\%03o' $((b ^ 0xff)))" | dd of="$C/pagestream/$1" bs=1 seek="$2" conv=notrunc status=none
}
flipped badblock $((f2 + 40))
flipped badsum $((f2 + l2 - 2))

elf() { # elf NAME MKTARGET-ARGS...: a raw ELF target: header, then its data
	local name=$1; shift
	build/mktarget "$T/$name.img" "$@"
	local n; n=$(od -An -tu8 -j 48 -N8 "$T/$name.img")
	{ head -c 128 "$T/$name.img"; tail -c +65537 "$T/$name.img" | head -c "$n"; } >"$C/header/elf-$name"
}
elf complete --state complete --written 8192
elf incomplete --state incomplete --written 4096 --total 12288
elf saved --state saved --written 8192
elf empty --state empty
elf inprogress --state in-progress
elf io --state incomplete --written 200 --total 8192 --status 2
# a header alone, and one byte short of one
head -c 128 "$C/header/elf-complete" >"$C/header/hdr-only"
head -c 127 "$C/header/elf-complete" >"$C/header/hdr-short"
ls "$C"/* | wc -l

#!/bin/bash
# tests/host/save_pages_test.sh - `crashcap save` of filtered, LZ4-framed
# dumps (CC_ENC_PAGES) made by build/mkpages with liblz4's frame API.  The
# saved ELF is read back through its PT_LOADs (mkpages --check): every
# kept page equals the source page at its address, every excluded page
# reads as zero.  Exact layouts with readelf.  Bad streams are refused with
# the data byte and chunk named, or saved with --force up to the last
# complete chunk.  No root, no devices.
set -u

. "$(dirname "$0")/lib.sh"
VMCORE_PROBE=$ROOT/build/vmcore-probe
need_built "$MKPAGES"
DATA_OFFSET=65536  # CC_DATA_OFFSET

no_output_left() { [ ! -e "$1" ] && [ ! -e "$1.tmp" ]; }
state_of() { "$CRASHCAP" status "$1" 2>/dev/null | sed -n 's/^state *//p'; }
# loads CORE: "offset vaddr paddr filesz memsz" of each PT_LOAD, from readelf
loads() { readelf -lW "$1" | awk '$1 == "LOAD" { print $2, $3, $4, $5, $6 }'; }
eflags() { readelf -hW "$1" | sed -n 's/^ *Flags: *//p'; }
# poke FILE DATA_BYTE HEX: write bytes (hex pairs) at a data-area offset
poke() { printf "$(echo "$3" | sed 's/../\\x&/g')" | dd of="$1" bs=1 seek=$((DATA_OFFSET + $2)) conv=notrunc status=none; }
flip() { # flip FILE DATA_BYTE: invert one byte
	local b; b=$(od -An -tx1 -j $((DATA_OFFSET + $2)) -N1 "$1" | tr -d ' ')
	poke "$1" "$2" "$(printf %02x $((0x$b ^ 0xff)))"
}
map_field() { awk -v k="$2" -v s="$3" -v f="$4" '$1 == k && (s == "" || $2 == s) { print $f }' "$1"; }

# --- the split rule and exact bytes ---------------------------------------------
# Range 0: 8 MiB at 1 MiB: a 255-page excluded run at 2 MiB (a hole), a
# 256-page one at 4 MiB (a split).  Range 1: 16 MiB at 16 MiB, whose first
# 256 pages are excluded (a PT_LOAD with p_filesz 0) and whose last 300 are
# (a zero tail).  Zero pages (every 7th) are excluded too: 1-page holes.
SRC=(--range 0x100000:0x800000 --range 0x1000000:0x1000000
	--exclude 0x200000:255 --exclude 0x400000:256
	--exclude 0x1000000:256 --exclude $((0x2000000 - 300 * 4096)):300 --exclude-zero)
"$MKPAGES" split.img "${SRC[@]}" >split.map || exit 1
run "$CRASHCAP" save split.img -o split.core
check "complete stream saves: exit 0" [ "$rc" -eq 0 ]
check "save says how many pages" grep -q '^saved [0-9]* pages (6 chunks' out
run "$MKPAGES" --check split.core "${SRC[@]}"
pages=$(( (0x800000 + 0x1000000) / 4096 ))
check "every kept page equals its source, every excluded page is zero ($(cat out))" \
	eval '[ "$rc" -eq 0 ] && read -r _ k _ e _ a _ w <out && [ $a -eq 0 ] && [ $w -eq 0 ] && [ $((k + e)) -eq '$pages' ]'
# offset vaddr paddr filesz memsz
cat >split.want <<'EOF'
0x001000 0x0000000000000000 0x0000000000100000 0x300000 0x400000
0x301000 0x0000000000000000 0x0000000000500000 0x400000 0x400000
0x701000 0x0000000000000000 0x0000000001000000 0x000000 0x100000
0x701000 0x0000000000000000 0x0000000001100000 0xdd4000 0xf00000
EOF
loads split.core >split.got
check "PT_LOADs: 255-page run a hole, 256-page run a split, leading run filesz 0 at the running offset, trailing run a tail" \
	cmp -s split.want split.got
check "e_flags 0 for a whole dump" [ "$(eflags split.core)" = 0x0 ]
check "saved file is mode 0600" [ "$(stat -c %a split.core)" = 600 ]
check "no FILE.tmp left behind" [ ! -e split.core.tmp ]
check "header state becomes saved" [ "$(state_of split.img)" = saved ]
read -r blocks bsize size < <(stat -c '%b %B %s' split.core)
check "excluded pages take no disk space ($((blocks * bsize)) of $size bytes)" \
	[ $((blocks * bsize)) -le $((size * 85 / 100)) ]
run "$CRASHCAP" status split.img
check "status shows the pages by reason" \
	grep -q "^pages *[0-9]* kept, [0-9]* excluded (zero [0-9]*, cache 0, cache private 0, user 0, free 1067, poison 0), 0 kept unsure$" out
run "$CRASHCAP" save split.img -o split.core
check "existing FILE refused without --force" failed_one_line

# Zero pages kept (no --exclude-zero): they are holes in the file, and read as zero.
"$MKPAGES" zk.img --range 0x0:0x400000 --chunk-pages 100 >/dev/null || exit 1
run "$CRASHCAP" save zk.img -o zk.core
run "$MKPAGES" --check zk.core --range 0x0:0x400000
check "kept zero pages read back: 1024 kept, none wrong" grep -q '^kept 1024 excluded 0 absent 0 wrong 0$' out
check "one PT_LOAD, whole" [ "$(loads zk.core)" = "0x001000 0x0000000000000000 0x0000000000000000 0x400000 0x400000" ]

# A kernel-image range (vaddr in the kernel map) and an overlapping RAM range.
KSRC=(--range 0x1000000:0x200000:0xffffffff81000000 --range 0x0:0x2000000 --exclude 0x0:0x1000 --exclude-zero)
"$MKPAGES" kern.img "${KSRC[@]}" >/dev/null || exit 1
run "$CRASHCAP" save kern.img -o kern.core
run "$MKPAGES" --check kern.core "${KSRC[@]}"
check "kernel-image range read back by vaddr ($(cat out))" grep -q ' absent 0 wrong 0$' out
check "kernel-image PT_LOAD keeps its vaddr" \
	eval 'loads kern.core | head -1 | grep -q "^0x001000 0xffffffff81000000 0x0000000001000000 "'

# The kernel-image range as the payload writes it: an alias (p_filesz 0 in
# the HEAD, no chunks), filled by save from the RAM range that holds it.
"$MKPAGES" alias.img "${KSRC[@]}" --alias --map >alias.map || exit 1
check "alias: no chunk for the kernel-image range (8 chunks of range 1 only)" \
	[ "$(grep -c '^chunk' alias.map)" = 8 ]
run "$CRASHCAP" save alias.img -o alias.core
check "alias: saved" [ "$rc" -eq 0 ]
run "$MKPAGES" --check alias.core "${KSRC[@]}"
check "alias: kernel-image range read back by vaddr, every page right ($(cat out))" grep -q '^kept 3950 excluded 4754 absent 0 wrong 0$' out
check "alias: the kernel-image PT_LOAD comes last, whole" \
	eval 'loads alias.core | tail -1 | grep -q "^0x1001000 0xffffffff81000000 0x0000000001000000 0x200000 0x200000$"'
check "alias: its bytes are the RAM view's (paddr 0x1000000)" \
	cmp -s <(dd if=alias.core bs=4096 skip=$((0x1001000 / 4096)) count=512 status=none) \
	       <(dd if=alias.core bs=4096 skip=$(((0x001000 + 0x1000000) / 4096)) count=512 status=none)
# An excluded run of 256 pages inside the kernel image splits the RAM view:
# the next file part follows in the file across the gap in memory, and the
# kernel-image view, placed by paddr, must still get each page at its place.
KSRC2=(--range 0x1000000:0x200000:0xffffffff81000000 --range 0x0:0x2000000 --exclude 0x1080000:256 --exclude-zero)
"$MKPAGES" alias2.img "${KSRC2[@]}" --alias >/dev/null || exit 1
run "$CRASHCAP" save alias2.img -o alias2.core
run "$MKPAGES" --check alias2.core "${KSRC2[@]}"
check "alias across a split: every page right ($(cat out))" grep -q ' absent 0 wrong 0$' out
run "$VMCORE_PROBE" alias2.core --check-views
check "alias across a split: the views agree ($(cat out))" grep -q '^views 512 pages same 0 differ 0 uncovered$' out
# Cut before the RAM range holding the kernel image is whole: the alias is missing.
c4=$(map_field alias.map chunk 4 3) # chunk 4 of range 1 starts at paddr 16 MiB
"$MKPAGES" aliascut.img "${KSRC[@]}" --alias --cut "$c4" >/dev/null || exit 1
run "$CRASHCAP" save aliascut.img -o aliascut.core --force
check "alias cut: saved with --force" [ "$rc" -eq 0 ]
check "alias cut: the kernel-image view is named missing" \
	err_has "missing from the file: range 0, paddr 0x1000000-0x1200000 (2097152 bytes), the kernel image"
check "alias cut: no kernel-image PT_LOAD" eval '! loads aliascut.core | grep -q 0xffffffff81000000'

# --- a stream cut short ------------------------------------------------------------
# chunks of 64 pages; cut in the middle of chunk 5's frame
CSRC=(--range 0x100000:0x100000 --range 0x400000:0x100000 --exclude-zero)
"$MKPAGES" cut.img "${CSRC[@]}" --chunk-pages 64 --map >cut.map || exit 1
f5=$(map_field cut.map chunk 5 4) l5=$(map_field cut.map chunk 5 5)
"$MKPAGES" cut.img "${CSRC[@]}" --chunk-pages 64 --cut $((f5 + l5 / 2)) >/dev/null || exit 1
run "$CRASHCAP" save cut.img -o cut.core
check "cut stream refused without --force: one line" failed_one_line
check "cut stream refused: no output" no_output_left cut.core
run "$CRASHCAP" save cut.img -o cut.core --force
check "cut stream saved with --force" [ "$rc" -eq 0 ]
check "--force names the cut: chunk 5's frame, where the stream ends" \
	err_has "chunk 5 LZ4 frame is cut off: the stream ends at byte $((f5 + l5 / 2))"
check "--force names what is missing: range 1 from paddr 0x440000" \
	err_has "missing from the file: range 1, paddr 0x440000-0x500000 (786432 bytes)"
check "--force sums what is missing" err_has "786432 bytes (0 MiB) of memory are missing"
run "$MKPAGES" --check cut.core "${CSRC[@]}"
check "cut: pages up to the last complete chunk are right, the rest absent ($(cat out))" \
	grep -q ' absent 192 wrong 0$' out
check "cut: e_flags 1 (incomplete)" [ "$(eflags cut.core)" = 0x1 ]
check "cut: state saved, still incomplete" [ "$(state_of cut.img)" = "saved (dump incomplete)" ]

# Cut exactly before the END record: every chunk is there, the END is not.
e=$(map_field cut.map end "" 2)
"$MKPAGES" cut.img "${CSRC[@]}" --chunk-pages 64 --cut "$e" >/dev/null || exit 1
run "$CRASHCAP" save cut.img -o noend.core --force
check "missing END: saved with --force, says so" err_has "before the END record, after the last chunk"
run "$MKPAGES" --check noend.core "${CSRC[@]}"
check "missing END: all pages right, none absent" grep -q ' absent 0 wrong 0$' out
check "missing END: e_flags 1" [ "$(eflags noend.core)" = 0x1 ]

# Bytes after the END record (data_written past it, and so past data_total):
# the header contradicts itself, refused before the stream is read, even
# with --force (issue 10: it was decoded, and status showed 100+%).
t=$(map_field cut.map total "" 2)
"$MKPAGES" cut.img "${CSRC[@]}" --chunk-pages 64 --cut $((t + 100)) >/dev/null || exit 1
run "$CRASHCAP" save cut.img -o after.core --force
check "data_written past data_total (bytes after the END record): refused in one line" \
	eval 'failed_one_line && err_has "header inconsistent: data_written $((t + 100)) is more than data_total $t"'

# --- corrupted frames -------------------------------------------------------------
"$MKPAGES" good.img "${CSRC[@]}" --chunk-pages 64 >/dev/null || exit 1
f3=$(map_field cut.map chunk 3 4) l3=$(map_field cut.map chunk 3 5)
cp good.img bad.img && flip bad.img $((f3 + 200))
run "$CRASHCAP" save bad.img -o bad.core
check "flipped frame byte refused: one line" failed_one_line
check "flipped frame byte: chunk 3's frame, a block checksum" \
	eval 'err_has "chunk 3 LZ4 frame (starts at byte $f3)" && err_has "blockChecksum_invalid"'
at=$(sed -n 's/.*data byte \([0-9]*\):.*/\1/p' err)
check "flipped frame byte: the byte named ($at) starts the block that holds it" \
	eval '[ -n "$at" ] && [ "$at" -le $((f3 + 200)) ] && [ "$at" -gt $((f3 + 200 - 65536 - 8)) ]'
check "flipped frame byte: no output" no_output_left bad.core
run "$CRASHCAP" save bad.img -o bad.core --force
run "$MKPAGES" --check bad.core "${CSRC[@]}"
check "flipped frame byte, --force: chunks 0-2 saved, the rest absent ($(cat out))" \
	grep -q ' absent 320 wrong 0$' out
cp good.img bad2.img && flip bad2.img $((f3 + l3 - 2))
run "$CRASHCAP" save bad2.img -o bad2.core
check "flipped content checksum refused, named" \
	eval 'failed_one_line && err_has "chunk 3 LZ4 frame" && err_has "contentChecksum_invalid"'
cp good.img bad3.img && flip bad3.img $f3
run "$CRASHCAP" save bad3.img -o bad3.core
check "frame magic refused, with its byte" err_has "data byte $f3: chunk 3 LZ4 frame: bad magic"
# the first block's size (after the 15-byte frame header) 128 KiB: the
# first reading, which skims the frames, refuses it before a byte is written
cp good.img bad4.img && poke bad4.img $((f3 + 15)) 00000200
run "$CRASHCAP" save bad4.img -o bad4.core
check "block larger than 64 KiB refused by the first reading, with its byte" \
	eval 'failed_one_line && err_has "data byte $((f3 + 15)): chunk 3 LZ4 frame (starts at byte $f3), the block here: 131072 bytes, more than a block of 65536 can be"'
check "block larger than 64 KiB: no output" no_output_left bad4.core

"$MKPAGES" extra.img "${CSRC[@]}" --chunk-pages 64 --extra-page 2 >/dev/null || exit 1
run "$CRASHCAP" save extra.img -o extra.core
check "frame with a page more than the chunk keeps refused" \
	eval 'failed_one_line && err_has "chunk 2 LZ4 frame: content size is not the chunk.s kept pages"'

# --- the target changed between the two readings ------------------------------------
# The first reading lays the file out from the chunk records (the frames
# skimmed, not decoded); the second decodes and writes.  A record changed
# in between (here: kept bits of pages 15 and 16 swapped, the count the
# same, both places inside one PT_LOAD: written unchecked, page 15's bytes
# would land at page 16) is refused, and nothing is left.  The change
# is made while save is stopped after the first reading (--test-stop checked).
"$MKPAGES" chg.img --range 0x0:0x100000 --exclude 0x10000:1 --chunk-pages 64 --map >chg.map || exit 1
r0=$(map_field chg.map chunk 0 3)
"$CRASHCAP" save chg.img -o chg.core --test-stop checked >out 2>err &
S=$!
if stopped $S; then
	poke chg.img $((r0 + 40 + 1)) 7fff   # kept: byte 1 0xff -> 0x7f, byte 2 0xfe -> 0xff
	kill -CONT $S
else
	fail "save did not stop at --test-stop checked ($(cat err))"
fi
wait $S; rc=$?
check "record changed between the readings: refused in one line ($(cat err))" \
	eval 'failed_one_line && err_has "a chunk record is not the one the first reading had"'
check "record changed between the readings: no output" no_output_left chg.core
check "record changed between the readings: the target stays unsaved" [ "$(state_of chg.img)" != saved ]

# --- the second reading on its threads stops without hanging -------------------------
# The second reading runs a reader, decoders and the writer (loader/pagepipe.c).
# When the writer stops, every thread must end, whatever it waits for: the
# waits below are bounded (30 s), a thread left waiting would hang save.
# bounded_wait PID: wait for it (rc), or fail and kill it after 30 s
bounded_wait() {
	for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$1" 2>/dev/null; then
		fail "save still runs after 30 s (a thread left waiting?)"
		kill -KILL "$1"
	fi
	wait "$1"; rc=$?
}
# 64 MiB, every page kept: 16 chunks of 1024 pages
"$MKPAGES" int.img --range 0x0:0x4000000 --level 0 --map >int.map || exit 1
# A bad block in chunk 10: the reader is chunks ahead, waiting for a slot,
# when the writer stops there.
f10=$(map_field int.map chunk 10 4)
cp int.img bad10.img && flip bad10.img $((f10 + 40))
"$CRASHCAP" save bad10.img -o bad10.core >out 2>err &
bounded_wait $!
check "a bad frame found by the threads (chunk 10): refused in one line ($(cat err))" \
	eval 'failed_one_line && err_has "chunk 10 LZ4 frame" && err_has "nothing saved"'
check "a bad frame found by the threads: no output" no_output_left bad10.core
# SIGTERM reaches save stopped after the first reading; when it goes on, the
# writer stops at the first chunk and says so.
"$CRASHCAP" save int.img -o int.core --test-stop checked >out 2>err &
S=$!
if stopped $S; then
	kill -TERM $S
	kill -CONT $S
else
	fail "save did not stop at --test-stop checked ($(cat err))"
fi
bounded_wait $S
check "interrupted during the second reading: one line ($(cat err))" \
	eval 'failed_one_line && err_has "int.core: interrupted"'
check "interrupted during the second reading: no output" no_output_left int.core
check "interrupted during the second reading: the target stays unsaved" [ "$(state_of int.img)" != saved ]

# --- bad record fields ----------------------------------------------------------------
r2=$(map_field cut.map chunk 2 3)
# chunk body: type +8, range +12, paddr +16, npages +24, nkept +28, seq +32, kept +40
badfield() { # badfield NAME DATA_BYTE HEX EXPECTED-WORDS
	rm -f field.core; cp good.img field.img && poke field.img "$2" "$3"
	run "$CRASHCAP" save field.img -o field.core
	want=$4
	check "bad $1 refused: one line, names it" eval 'failed_one_line && err_has "$want"'
	check "bad $1: no output" no_output_left field.core
}
badfield "record magic" "$r2" 00 "data byte $r2: record after chunk 1: bad magic"
badfield "chunk paddr" $((r2 + 18)) 20 "chunk 2 record: chunk outside its place"
badfield "chunk range" $((r2 + 12)) 01 "chunk 2 record: chunk outside its place: range 1"
badfield "chunk npages" $((r2 + 24)) 00000000 "chunk 2 record: 0 pages, outside its range"
badfield "chunk npages past its range" $((r2 + 24)) 00010000 "chunk 2 record: 256 pages, outside its range"
badfield "chunk nkept" $((r2 + 28)) 01 "chunk 2 record: nkept 1, but the bitmap keeps"
badfield "chunk seq" $((r2 + 32)) 09 "chunk 2 record: sequence number 9"
badfield "record size" $((r2 + 4)) ff "chunk 2 record: 511 bytes, expected 288"
badfield "chunk zero bits" $((r2 + 8 + 0xa0)) ff "chunk 2 record: [0-9]* pages marked both kept and zero"
badfield "HEAD version" 12 02 "data byte 0: HEAD record: format version 2"
badfield "HEAD length" 16 ffffff "HEAD record: .* bytes with an ELF head of"
badfield "ELF head machine" $((24 + 18)) 03 "HEAD record: ELF head is not an x86-64 ELF64 core header"
badfield "END count" $((e + 8 + 24)) 00 "END record counts"
badfield "END type" $((e + 8)) 00 "type 0x21444e00, expected a chunk or END"

# --- a real kernel's vmcore (kept by `tests/qemu/drill --keep`), when there is one --------
real=$(ls -t "$ROOT"/build/drill-*/vmcore 2>/dev/null | head -1)
if [ -n "$real" ] && command -v makedumpfile >/dev/null; then
	RSRC=(--elf "$real" --exclude-zero --alias) # the kernel-image view as the payload writes it
	"$MKPAGES" real.img "${RSRC[@]}" >/dev/null || exit 1
	run "$CRASHCAP" save real.img -o real.core
	check "real vmcore: saved" [ "$rc" -eq 0 ]
	run "$MKPAGES" --check real.core "${RSRC[@]}"
	check "real vmcore: every page right ($(cat out))" grep -q ' absent 0 wrong 0$' out
	check "real vmcore: readelf reads the PT_LOADs" eval '[ "$(loads real.core | wc -l)" -gt 1 ]'
	makedumpfile --dump-dmesg real.core real.dmesg >/dev/null 2>&1
	check "real vmcore: makedumpfile --dump-dmesg gives the drill's dmesg" \
		cmp -s real.dmesg "$(dirname "$real")/dmesg.makedumpfile"
else
	echo "skip - no build/drill-*/vmcore (tests/qemu/drill --keep makes one): real kernel notes not checked"
fi

# --- refusals of the header kind ---------------------------------------------------------
run "$CRASHCAP" save good.img -o x.core --format pdf
check "unknown --format: one line, exit 2" eval 'failed_one_line && [ "$rc" -eq 2 ]'
"$MKTARGET" raw.img --state complete --written 8192 || exit 1
run "$CRASHCAP" save raw.img -o raw.core --format kdump
check "--format kdump of a raw ELF dump refused" eval 'failed_one_line && err_has "needs a filtered dump"'

if [ "$failures" -ne 0 ]; then
	echo "save_pages_test: $failures failed"
	exit 1
fi
echo "save_pages_test: all passed"

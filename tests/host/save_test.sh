#!/bin/bash
# tests/host/save_test.sh - `crashcap save` and `crashcap status` against fake
# targets made by build/mktarget.  No root, no devices: targets are files.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
# Needs build/crashcap and build/mktarget (make host).
set -u

. "$(dirname "$0")/lib.sh"
DATA_OFFSET=65536  # CC_DATA_OFFSET, include/crashcap/dumphdr.h

# same_as_data FILE TARGET N: FILE is exactly the N data bytes of TARGET
same_as_data() {
	[ "$(stat -c %s "$1")" -eq "$3" ] && cmp -s -n "$3" -i "0:$DATA_OFFSET" "$1" "$2"
}
state_of() { "$CRASHCAP" status "$1" 2>/dev/null | sed -n 's/^state *//p'; }
no_output_left() { [ ! -e "$1" ] && [ ! -e "$1.tmp" ]; }

# --- a complete dump ------------------------------------------------------------
N=$((64 * 4096))   # 64 blocks; mktarget makes every 4th block zero
"$MKTARGET" full.img --state complete --written $N || exit 1
run "$CRASHCAP" status full.img
check "status of a complete dump exits 0" [ "$rc" -eq 0 ]
check "status shows state complete" grep -q '^state *dump complete$' out
check "status shows the uuid" grep -q '^uuid *c0ffee00-1234-4abc-8def-0123456789ab$' out
check "status shows the sizes" grep -q "^data *$N of $N bytes (100%)$" out
check "status shows the start time in UTC" grep -q '^started *2023-11-14 22:13:20 UTC$' out
check "status shows the reason" grep -q '^status *ok (0)$' out

run "$CRASHCAP" save full.img -o full.core
check "save of a complete dump exits 0" [ "$rc" -eq 0 ]
check "saved file equals the data region" same_as_data full.core full.img $N
check "no FILE.tmp left behind" [ ! -e full.core.tmp ]
check "saved file is mode 0600" [ "$(stat -c %a full.core)" = 600 ]
check "header state becomes saved" [ "$(state_of full.img)" = saved ]
read -r blocks bsize size < <(stat -c '%b %B %s' full.core)
check "zero blocks are holes ($((blocks * bsize)) of $size bytes allocated)" \
	[ $((blocks * bsize)) -le $((size * 7 / 8)) ]  # a quarter are holes; slack for metadata

run "$CRASHCAP" save full.img -o full.core
check "existing FILE refused without --force" failed_one_line
check "refusal names --force" err_has "exists"
run "$CRASHCAP" save full.img -o full.core --force
check "a saved dump saves again, over FILE with --force" [ "$rc" -eq 0 ]
check "overwritten file still equals the data region" same_as_data full.core full.img $N
run "$CRASHCAP" save full.img -o full.img --force
check "FILE = DEV refused" failed_one_line

# --- zero checks and holes: what is data is copied, every byte of it -------------------
# A block that is zero but for one byte (its 101st, then its last) is data.
"$MKTARGET" one.img --state complete --written $N || exit 1
printf '\x5a' | dd of=one.img bs=1 seek=$((DATA_OFFSET + 4096 + 100)) conv=notrunc status=none   # block 1: zero
printf '\xa5' | dd of=one.img bs=1 seek=$((DATA_OFFSET + 5 * 4096 + 4095)) conv=notrunc status=none # block 5: zero
run "$CRASHCAP" save one.img -o one.core
check "a zero block with one byte set (byte 100, byte 4095) is copied, not a hole" \
	eval '[ "$rc" -eq 0 ] && same_as_data one.core one.img $N'
# The last block, 100 bytes, zero (block 5) but for its last byte: past
# the last whole 64 bytes.
T=$((5 * 4096 + 100))
"$MKTARGET" tail.img --state complete --written $T || exit 1
printf '\x11' | dd of=tail.img bs=1 seek=$((DATA_OFFSET + T - 1)) conv=notrunc status=none
run "$CRASHCAP" save tail.img -o tail.core
check "a last block of 100 bytes, zero but for its last byte, is copied" \
	eval '[ "$rc" -eq 0 ] && same_as_data tail.core tail.img $T && [ "$(od -An -tx1 -j $((T - 1)) tail.core | tr -d " ")" = 11 ]'
# A file target with holes (mktarget --sparse: data at blocks 0 and 65536,
# 256 MiB apart), read only where it has data; its length ends with the
# data area, so the last stretch is a hole up to the end of the file.
S=$((65536 * 4096 + 8192))
"$MKTARGET" holes.img --state complete --written $S --sparse --size $((DATA_OFFSET + S)) || exit 1
run "$CRASHCAP" save holes.img -o holes.core
check "a target with holes: saved, exactly its data area ($S bytes)" eval '[ "$rc" -eq 0 ] && same_as_data holes.core holes.img $S'
check "...its holes are holes ($(du -B1 holes.core | cut -f1) bytes allocated)" [ "$(du -B1 holes.core | cut -f1)" -le 65536 ]
check "...and both data blocks are there" \
	eval '[ "$(od -An -tx1 -j $((65536 * 4096)) -N 4096 holes.core | tr -d " \n" | tr -d 0 | wc -c)" -gt 0 ]'

# --- an incomplete dump -----------------------------------------------------------
"$MKTARGET" part.img --state incomplete --written 10000 --total $N || exit 1
run "$CRASHCAP" save part.img -o part.core
check "incomplete dump refused without --force" failed_one_line
check "refusal gives the byte counts" err_has "10000 of $N bytes"
check "refused save leaves no output" no_output_left part.core
check "refused save leaves the state alone" [ "$(state_of part.img)" = "dump incomplete" ]
run "$CRASHCAP" save part.img -o part.core --force
check "incomplete dump saved with --force" [ "$rc" -eq 0 ]
check "--force warns that the tail is missing" err_has "tail is missing"
check "saved part equals the bytes written" same_as_data part.core part.img 10000
check "incomplete dump marked saved but still incomplete" \
	[ "$(state_of part.img)" = "saved (dump incomplete)" ]

# --- targets with nothing to save -------------------------------------------------
for st in empty in-progress; do
	"$MKTARGET" $st.img --state $st --written 4096 || exit 1
	run "$CRASHCAP" save $st.img -o $st.core --force
	check "state $st refused: one line" failed_one_line
	check "state $st refused: no dump" err_has "no dump on"
	check "state $st refused: no output" no_output_left $st.core
done

"$MKTARGET" bad.img --state complete --written 8192 || exit 1
printf '\x01' | dd of=bad.img bs=1 seek=$((0x40)) conv=notrunc status=none
run "$CRASHCAP" save bad.img -o bad.core
check "corrupt checksum refused: one line" failed_one_line
check "corrupt checksum refused: says damaged" err_has "damaged"
check "corrupt checksum refused: no output" no_output_left bad.core
run "$CRASHCAP" status bad.img
check "status of a corrupt header fails with one line" failed_one_line

"$MKTARGET" short.img --state complete --written $N --size $((DATA_OFFSET + 4096)) || exit 1
run "$CRASHCAP" save short.img -o short.core
check "dump past the end of DEV refused: one line" failed_one_line
check "dump past the end of DEV refused: says outside" err_has "outside"

head -c 200000 /dev/zero >blank.img
run "$CRASHCAP" save blank.img -o blank.core
check "no header refused: one line" failed_one_line
check "no header refused: says so" err_has "no crashcap header"
run "$CRASHCAP" status blank.img
check "status without a header fails with one line" failed_one_line

# --- bad usage -------------------------------------------------------------------
run "$CRASHCAP" save missing.img -o missing.core
check "missing DEV: one line, non-zero" failed_one_line
check "missing DEV: names it" err_has "missing.img"
run "$CRASHCAP" save full.img
check "save without -o: one line, exit 2" eval 'failed_one_line && [ "$rc" -eq 2 ]'
run "$CRASHCAP" save full.img -o x.core --frobnicate
check "unknown option: one line, exit 2" eval 'failed_one_line && [ "$rc" -eq 2 ]'
run "$CRASHCAP" status a.img b.img
check "status with two DEVs: one line, exit 2" eval 'failed_one_line && [ "$rc" -eq 2 ]'

# --- --help, repeated options (issue 10) ---------------------------------------------
for c in status save; do
	run "$CRASHCAP" $c --help
	check "$c --help: usage on stdout, exit 0 (was: '--help: No such file or directory')" \
		eval '[ "$rc" -eq 0 ] && [ ! -s err ] && grep -q "crashcap $c" out'
	run "$CRASHCAP" $c -h
	check "$c -h: the same" eval '[ "$rc" -eq 0 ] && grep -q "crashcap $c" out'
done
run "$CRASHCAP" status --frobnicate
check "status --frobnicate: unknown option, one line, exit 2" eval 'failed_one_line && [ "$rc" -eq 2 ] && err_has "unknown option"'
"$MKTARGET" opt.img --state complete --written 8192 || exit 1
for twice in "-o a.core -o b.core" "--force --force" "--format elf --format elf" "--output a.core -o b.core"; do
	# shellcheck disable=SC2086
	run "$CRASHCAP" save opt.img $twice
	check "save: ${twice%% *} given twice: one line, exit 2" eval 'failed_one_line && [ "$rc" -eq 2 ] && err_has "given twice"'
done
check "...nothing written" [ ! -e a.core ] && [ ! -e b.core ]

if [ "$failures" -ne 0 ]; then
	echo "save_test: $failures failed"
	exit 1
fi
echo "save_test: all passed"

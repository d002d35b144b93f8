#!/bin/bash
# tests/host/header_check_test.sh - save and status judge a target's header
# the same way (loader/dumpcheck.c: one definition of "complete"), check
# every field, and check the data area against the header (issue 10).  The
# targets come from build/mktarget (a raw ELF dump whose data starts with
# an ELF head), then one field is changed here with Python and the header
# resealed with zlib.crc32, independently of crashcap's own code.
# Every bad header: save refuses in one line (exit 1) and writes nothing;
# status shows the fields, then one line on stderr, exit 1.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
set -u

. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "FAIL - python3 missing"; exit 1; }
N=$((16 * 4096))

# patch FILE FIELD=VALUE...: set header fields (names as in dumphdr.h), reseal
patch() {
	python3 - "$@" <<-'PY'
	import struct, sys, zlib
	fields = {"state": (0x20, "I"), "encoding": (0x24, "I"), "data_offset": (0x28, "Q"),
	          "data_written": (0x30, "Q"), "data_total": (0x38, "Q"), "target_bytes": (0x40, "Q"),
	          "status": (0x58, "I"), "sector_size": (0x5c, "I"), "dump_level": (0x70, "I"),
	          "level_asked": (0x74, "I"), "compress": (0x78, "I")}
	f = sys.argv[1]
	b = bytearray(open(f, "rb").read(136))  # version 2: origin at 0x80, CRC over all 136
	for kv in sys.argv[2:]:
	    k, v = kv.split("=")
	    off, fmt = fields[k]
	    struct.pack_into("<" + fmt, b, off, int(v, 0))
	struct.pack_into("<I", b, 0x7c, zlib.crc32(bytes(b[:0x7c]) + b"\0\0\0\0" + bytes(b[0x80:0x88])))
	with open(f, "r+b") as fh:
	    fh.write(b)
	PY
}
# bad NAME WHAT PATTERN FIELD=VALUE...: a complete dump with these fields is
# refused by save and flagged by status, both naming PATTERN
bad() {
	local name=$1 what=$2 pat=$3; shift 3
	"$MKTARGET" $name.img --state complete --written $N || exit 1
	patch $name.img "$@"
	run "$CRASHCAP" save $name.img -o $name.core
	check "$what: save refuses in one line" eval 'failed_one_line && [ "$rc" -eq 1 ] && err_has "$pat"'
	check "$what: ...and writes nothing" [ ! -e $name.core ]
	run "$CRASHCAP" status $name.img
	check "$what: status shows it, one line on stderr, exit 1" eval 'failed_one_line && [ "$rc" -eq 1 ] && err_has "$pat" && grep -q "^state " out'
}
line() { grep "^$1 " out | sed "s/^$1 *//"; }

bad enc9 "unknown encoding 9" "unknown encoding 9" encoding=9
bad enc1 "encoding 1 (never written)" "encoding 1 .*never written" encoding=1
bad over "data_written > data_total" "data_written $N is more than data_total $((N - 4096))" data_total=$((N - 4096))
check "...status shows no percentage over 100 for it" eval '! grep -q "([0-9]\{3,\}%)" out && [ "$(line data)" = "$N of $((N - 4096)) bytes (more than the whole)" ]'
bad notok "complete with status I/O error" "state complete with status I/O error (2)" status=2
check "...status does not call it complete" [ "$(line state)" = "complete, but the header is inconsistent" ]
bad short "complete but short of data_total" "state complete with status ok, but $((N - 4096)) of $N bytes written" data_written=$((N - 4096))
check "...status does not call it complete (it did; save called it incomplete)" [ "$(line state)" = "complete, but the header is inconsistent" ]
check "...and no 'incomplete (ok)'" eval '! grep -q "incomplete (ok)" err'
bad incok "incomplete with status ok" "state incomplete with status ok" state=3
bad offs "data_offset 4096" "data_offset 4096, the format has 65536" data_offset=4096
bad sect "sector size 1000" "sector size 1000 is not a power of two" sector_size=1000
bad stat99 "status code 99" "unknown status code 99" status=99 state=3 data_written=4096
bad lvl "dump level 40" "levels go from 0 to 31" level_asked=40
bad elfcomp "raw ELF with compression" "raw ELF core with dump level 0 and compression 1" compress=1
bad state9 "state 9" "unknown state 9" state=9
bad tgt "dump outside the target it names" "lie outside the 70000 byte target it names" target_bytes=70000
bad huge "data_written 2^64-1" "lie outside" data_written=0xffffffffffffffff data_total=0xffffffffffffffff
check "...no wrapped byte range in the message (was: bytes 65536..65535)" eval '! grep -q "\.\." err'
bad hugep "data_written 2^63 of 1: no float conversion (UB)" "data_written 9223372036854775808 is more than data_total 1" data_written=0x8000000000000000 data_total=1

# The data area against the header.
"$MKTARGET" noelf.img --state complete --written $N || exit 1
printf 'XXXX' | dd of=noelf.img bs=1 seek=65536 conv=notrunc status=none
run "$CRASHCAP" save noelf.img -o noelf.core
check "complete dump whose data is not an ELF core: refused in one line" \
	eval 'failed_one_line && err_has "data area is not what the header says: the data area does not start with an ELF64"'
run "$CRASHCAP" status noelf.img
check "...status says so too, exit 1" eval 'failed_one_line && [ "$rc" -eq 1 ] && err_has "not what the header says"'
# data_total larger than the file the ELF head describes
"$MKTARGET" long.img --state complete --written $N || exit 1
patch long.img data_written=$((N + 8192)) data_total=$((N + 8192)) target_bytes=$((65536 + N + 12288))
truncate -s $((65536 + N + 12288)) long.img
run "$CRASHCAP" save long.img -o long.core
check "data_total not where the ELF head ends: refused" \
	eval 'failed_one_line && err_has "describe a $N byte file, data_total says $((N + 8192))"'
# the ELF head cut off (an incomplete dump with less than its program headers)
"$MKTARGET" cuthead.img --state incomplete --written 100 --total $N || exit 1
run "$CRASHCAP" save cuthead.img -o cuthead.core --force
check "incomplete dump without its whole ELF head: refused even with --force" \
	eval 'failed_one_line && err_has "the ELF program headers end at byte 176"'

# A filtered dump said complete whose END record is not at data_total.
"$MKPAGES" pg.img --range 0x0:0x40000 --exclude-zero >/dev/null || exit 1
t=$(od -An -tu8 -j $((0x38)) -N8 pg.img | tr -d ' ')
patch pg.img data_total=$((t + 4096)) data_written=$((t + 4096))
run "$CRASHCAP" status pg.img
check "filtered dump, END record not at data_total: status exit 1, one line" \
	eval 'failed_one_line && err_has "no END record at data byte"'
run "$CRASHCAP" save pg.img -o pg.core
check "...save refuses it too" failed_one_line
"$MKPAGES" pg2.img --range 0x0:0x40000 --exclude-zero >/dev/null || exit 1
patch pg2.img dump_level=1
run "$CRASHCAP" status pg2.img
check "filtered dump, END record's level differs from the header's: status exit 1" \
	eval 'failed_one_line && err_has "END record says dump level 31, the header 1"'
run "$CRASHCAP" save pg2.img -o pg2.core
check "...save refuses it too" eval 'failed_one_line && err_has "END record says dump level 31, the header 1"'

# Good ones stay good: complete, incomplete (with --force), saved.
"$MKTARGET" good.img --state complete --written $N || exit 1
run "$CRASHCAP" status good.img
check "a good complete dump: status exit 0, nothing on stderr" eval '[ "$rc" -eq 0 ] && [ ! -s err ] && [ "$(line state)" = "dump complete" ]'
"$MKTARGET" part.img --state incomplete --written 8192 --total $N || exit 1
run "$CRASHCAP" status part.img
check "a good incomplete dump: status exit 0, says incomplete, 12%" \
	eval '[ "$rc" -eq 0 ] && [ "$(line state)" = "dump incomplete" ] && [ "$(line data)" = "8192 of $N bytes (12%)" ]'
run "$CRASHCAP" save part.img -o part.core --force
check "...saved with --force" [ "$rc" -eq 0 ]
run "$CRASHCAP" status part.img
check "...then 'saved (dump incomplete)', exit 0" eval '[ "$rc" -eq 0 ] && [ "$(line state)" = "saved (dump incomplete)" ]'

echo "$failures failed"
[ "$failures" -eq 0 ]

#!/bin/bash
# tests/host/status_test.sh - what `crashcap status DEV` says about how a
# dump is stored: encoding, dump level applied and asked, compression
# (include/crashcap/dumphdr.h).  The headers are built here with Python's
# struct and zlib.crc32, independently of capture/dumphdr.c, so a field read
# from the wrong offset or a checksum computed differently shows.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
set -u

. "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "FAIL - python3 missing"; exit 1; }

# header FILE STATE ENCODING DUMP_LEVEL LEVEL_ASKED COMPRESS [ORIGIN [VERSION]]:
# a 128 KiB target
# whose sealed header has these fields (the rest plausible and fixed), and a
# data area that agrees with it: for encoding 2 an END record that ends the
# stream, for encoding 0 an ELF head.  State 3 (incomplete) gets status 1
# (target full) and half the data.  Without ORIGIN: a version-1 header
# (128 bytes, CRC over them) followed by junk bytes where version 2's
# origin would be; with ORIGIN: version 2 (136 bytes, origin at 0x80, CRC
# over all 136), or VERSION with that size.
header() {
	python3 - "$@" <<-'PY'
	import struct, sys, zlib
	f, state, enc, level, asked, comp = sys.argv[1], *map(int, sys.argv[2:7])
	origin = int(sys.argv[7]) if len(sys.argv) > 7 else None
	version = int(sys.argv[8]) if len(sys.argv) > 8 else (1 if origin is None else 2)
	total = 8192
	written, status = (4096, 1) if state == 3 else (total, 0)
	size = 128 if origin is None else 136
	h = struct.pack("<8sII16sIIQQQQQQIIQQIIII", b"CRASHCAP", version, size, bytes(range(16)), state, enc,
	                65536, written, total, 131072, 1700000000, 1700000003, status, 512, 1 << 30, 3000,
	                level, asked, comp, 0)
	assert len(h) == 128
	tail = b"\xee" * 8 if origin is None else struct.pack("<II", origin, 0)
	crc = zlib.crc32(h[:0x7c] + b"\0\0\0\0" + (b"" if origin is None else tail))
	h = h[:0x7c] + struct.pack("<I", crc) + tail
	data = bytearray(total)
	if enc == 2:   # END record: skippable frame, then type, level, chunks, pages, kept, excluded[6], unsure, raw_bytes
	    end = struct.pack("<II", 0x184D2A5C, 0x60) + struct.pack("<II11Q", 0x21444e45, level, 0, 0, 0, *[0] * 6, 0, 0)
	    data[total - len(end):] = end
	elif enc == 0: # Elf64_Ehdr, PT_NOTE, one PT_LOAD of the last 4 KiB
	    data[0:64] = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 4, 62, 1, 0, 64, 0, 0, 64, 56, 2, 0, 0, 0)
	    data[64:120] = struct.pack("<IIQQQQQQ", 4, 0, 176, 0, 0, 0, 0, 0)
	    data[120:176] = struct.pack("<IIQQQQQQ", 1, 7, 4096, 0, 0, 4096, 4096, 0)
	open(f, "wb").write(h + bytes(65536 - len(h)) + bytes(data) + bytes(131072 - 65536 - total))
	PY
}
# status_of FILE: run crashcap status on it (out, err, rc)
status_of() { run "$CRASHCAP" status "$1"; }
line() { grep "^$1 " out | sed "s/^$1 *//"; }

header pages.img 2 2 31 31 1
status_of pages.img
check "pages, level 31, lz4: exit 0, nothing on stderr" [ "$rc" -eq 0 -a ! -s err ]
check "pages: state complete (the header reads back)" [ "$(line state)" = "dump complete" ]
check "pages: encoding line" [ "$(line encoding)" = "filtered pages in LZ4 frames (2)" ]
check "pages: level 31, every bit named" \
	[ "$(line level)" = "31: left out zero pages, page cache, page cache with private data, user data, free pages" ]
check "pages: compress lz4 (1)" [ "$(line compress)" = "lz4 (1)" ]

header less.img 3 2 1 31 0
status_of less.img
check "level 1 applied of 31 asked: both shown" [ "$(line level)" = "1 applied, 31 asked: left out zero pages" ]
check "compress none: stored blocks" [ "$(line compress)" = "none: pages stored in uncompressed blocks (0)" ]
check "incomplete: state" [ "$(line state)" = "dump incomplete" ]

header mixed.img 4 2 24 26 1
status_of mixed.img
check "level 24 of 26 (saved): the bits of 24 by name" [ "$(line level)" = "24 applied, 26 asked: left out user data, free pages" ]

header elf.img 2 0 0 0 0
status_of elf.img
check "raw ELF: encoding" [ "$(line encoding)" = "raw ELF core file (0)" ]
check "raw ELF: level 0, nothing left out" [ "$(line level)" = "0: left out nothing" ]
check "raw ELF: no compress line" [ -z "$(line compress)" ]

header oddcomp.img 2 2 31 31 7
status_of oddcomp.img
check "unknown compress value shown as such" [ "$(line compress)" = "unknown (7)" ]
header oddenc.img 2 9 31 31 1
status_of oddenc.img
check "unknown encoding: shown, no level line" [ "$(line encoding)" = "unknown (9)" -a -z "$(line level)" ]

# Armed (state empty): nothing about a dump that does not exist yet.
header armed.img 0 0 0 31 0
status_of armed.img
check "armed: exit 0, state empty" [ "$rc" -eq 0 -a "$(line state)" = "empty (armed, no dump yet)" ]
check "armed: no encoding, level or compress line" \
	[ -z "$(line encoding)$(line level)$(line compress)" ]

# The origin (header version 2): version 1 is a panic capture whatever
# follows its checksum; version 2 says which; others are refused.
status_of pages.img
check "version 1 (junk after its checksum): origin panic capture" [ "$(line origin)" = "panic capture" ]
header hang.img 2 2 31 31 1 1
status_of hang.img
check "version 2, origin 1: exit 0, state complete" [ "$rc" -eq 0 -a "$(line state)" = "dump complete" ]
check "version 2, origin 1: hang capture" [ "$(line origin)" = "hang capture (watchdog or reset, no CPU registers)" ]
header panic2.img 2 2 31 31 1 0
status_of panic2.img
check "version 2, origin 0: panic capture" [ "$rc" -eq 0 -a "$(line origin)" = "panic capture" ]
header odd2.img 2 2 31 31 1 5
status_of odd2.img
check "version 2, origin 5: unknown (5)" [ "$(line origin)" = "unknown (5)" ]
header armed2.img 0 0 0 31 0 0
status_of armed2.img
check "version 2 armed: no origin line" [ "$rc" -eq 0 -a -z "$(line origin)" ]
header v3.img 2 2 31 31 1 1 3
status_of v3.img
check "version 3 (136 bytes, checksum right): refused, one line, exit 1" failed_one_line
header hang1.img 2 2 31 31 1 1 1
status_of hang1.img
check "version 1 with 136 bytes: refused, one line, exit 1" failed_one_line

# A bad checksum is still refused (the Python CRC is the same as ours).
header bad.img 2 2 31 31 1
printf '\x1e' | dd of=bad.img bs=1 seek=$((0x74)) conv=notrunc status=none
status_of bad.img
check "a changed level_asked breaks the checksum: one line, exit 1" failed_one_line

echo "$failures failed"
[ "$failures" -eq 0 ]

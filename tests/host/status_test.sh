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

# header FILE STATE ENCODING DUMP_LEVEL LEVEL_ASKED COMPRESS: a 128 KiB target
# whose sealed header has these fields (the rest plausible and fixed), and a
# data area that agrees with it: for encoding 2 an END record that ends the
# stream, for encoding 0 an ELF head.  State 3 (incomplete) gets status 1
# (target full) and half the data.
header() {
	python3 - "$@" <<-'PY'
	import struct, sys, zlib
	f, state, enc, level, asked, comp = sys.argv[1], *map(int, sys.argv[2:])
	total = 8192
	written, status = (4096, 1) if state == 3 else (total, 0)
	h = struct.pack("<8sII16sIIQQQQQQIIQQIIII", b"CRASHCAP", 1, 128, bytes(range(16)), state, enc,
	                65536, written, total, 131072, 1700000000, 1700000003, status, 512, 1 << 30, 3000,
	                level, asked, comp, 0)
	assert len(h) == 128
	h = h[:0x7c] + struct.pack("<I", zlib.crc32(h[:0x7c] + b"\0\0\0\0"))
	data = bytearray(total)
	if enc == 2:   # END record: skippable frame, then type, level, chunks, pages, kept, excluded[6], unsure, raw_bytes
	    end = struct.pack("<II", 0x184D2A5C, 0x60) + struct.pack("<II11Q", 0x21444e45, level, 0, 0, 0, *[0] * 6, 0, 0)
	    data[total - len(end):] = end
	elif enc == 0: # Elf64_Ehdr, PT_NOTE, one PT_LOAD of the last 4 KiB
	    data[0:64] = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), 4, 62, 1, 0, 64, 0, 0, 64, 56, 2, 0, 0, 0)
	    data[64:120] = struct.pack("<IIQQQQQQ", 4, 0, 176, 0, 0, 0, 0, 0)
	    data[120:176] = struct.pack("<IIQQQQQQ", 1, 7, 4096, 0, 0, 4096, 4096, 0)
	open(f, "wb").write(h + bytes(65536 - 128) + bytes(data) + bytes(131072 - 65536 - total))
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

# A bad checksum is still refused (the Python CRC is the same as ours).
header bad.img 2 2 31 31 1
printf '\x1e' | dd of=bad.img bs=1 seek=$((0x74)) conv=notrunc status=none
status_of bad.img
check "a changed level_asked breaks the checksum: one line, exit 1" failed_one_line

echo "$failures failed"
[ "$failures" -eq 0 ]

#!/bin/bash
# tests/host/hangrec_test.sh - `crashcap hangrec show|clear` on a fake
# /sys/firmware/efi/efivars (--root): a record written here byte by byte
# at the offsets of include/crashcap/hangrec.h (python3, zlib's crc32),
# shown with exact output, refused when broken (one line, exit 1),
# removed.  And the hang line of `crashcap load --dry-run` with and
# without efivarfs.  The real efivarfs (its immutable flag) is not here:
# docs/hangcap.md, Next.
set -u

. "$(dirname "$0")/lib.sh"

GUID=d7497578-f1ca-48bb-b56b-fd5c2fa5b66e
VARS=fake/sys/firmware/efi/efivars
VAR=$VARS/CrashcapHang-$GUID
BOOT_ID=5e1f0c3d-8821-4a0b-9c11-223344556677
mkdir -p "$VARS" fake/proc/sys/kernel/random
echo "$BOOT_ID" >fake/proc/sys/kernel/random/boot_id

# record FILE [ATTRS [FLIP_OFFSET]]: the efivarfs file of a valid record of
# boot $BOOT_ID (2 RAM ranges, the kernel image, an NVMe target, no
# canaries), optionally with one byte changed after sealing
record() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
out = sys.argv[1]
attrs = int(sys.argv[2], 0) if len(sys.argv) > 2 else 7
b = bytearray(0x840)
b[0:8] = b"CCHANGRC"
struct.pack_into("<II", b, 0x08, 1, 0x840)
b[0x18:0x28] = bytes.fromhex("5e1f0c3d88214a0b9c11223344556677")
struct.pack_into("<QIIIIQQQQQ", b, 0x28, 1796000000, 2, 0, 31, 1, 0x3ffd2000, 0x1000,
                 0x1000000, 0x2a00000, 0xffffffff81000000)
struct.pack_into("<IBBBBQQII", b, 0x70, 3, 0, 5, 0, 0, 2048, 1 << 21, 512, 1)
b[0x90:0xa0] = bytes(range(0xa0, 0xb0))
struct.pack_into("<I", b, 0xa0, 2)                    # target.unit: NSID 2
struct.pack_into("<QQQQ", b, 0x300, 0, 0x9f000, 0x100000, 0x3fee0000)
struct.pack_into("<I", b, 0x10, zlib.crc32(bytes(b)))
if len(sys.argv) > 3:
    b[int(sys.argv[3], 0)] ^= 0x01
open(out, "wb").write(struct.pack("<I", attrs) + bytes(b))
PY
}

run "$CRASHCAP" hangrec show --root fake
check "show without a record: exit 0, 'hang record: none'" [ "$rc" -eq 0 -a "$(cat out)" = "hang record: none" ]

record "$VAR"
run "$CRASHCAP" hangrec show --root fake
cat >want <<EOF2
hang record CrashcapHang-$GUID: valid, 2112 bytes
boot       $BOOT_ID (this boot)
armed      2026-11-30 00:53:20 UTC
ram        2 ranges, 1023 MiB; kernel image 0x1000000+0x2a00000 at 0xffffffff81000000
vmcoreinfo 0x3ffd2000+0x1000
target     nvme 00:05.0 unit 2, sectors 2048+2097152, uuid a0a1a2a3-a4a5-a6a7-a8a9-aaabacadaeaf
level      31, lz4
canaries   0 (hangcap.efi needs 2 that match to capture)
EOF2
check "show a valid record: exit 0, nothing on stderr" \
	[ "$rc" -eq 0 -a ! -s err ]
diff want out && ok "show: the exact text" || fail "show: the exact text"

echo 11111111-2222-4333-8444-555555555555 >fake/proc/sys/kernel/random/boot_id
run "$CRASHCAP" hangrec show --root fake
check "show a record of another boot: says so" grep -q "^boot  *$BOOT_ID (an earlier boot, which did not stop cleanly)$" out
echo "$BOOT_ID" >fake/proc/sys/kernel/random/boot_id

record "$VAR" 7 0x200
run "$CRASHCAP" hangrec show --root fake
check "show a record with one byte changed: exit 1, one line: checksum wrong" \
	eval 'failed_one_line && err_has "not valid: checksum wrong (2112 bytes, entry 0)"'
record "$VAR" 7 0x3
run "$CRASHCAP" hangrec show --root fake
check "show a record whose magic is broken: one line: no magic" \
	eval 'failed_one_line && err_has "not valid: no magic"'
record "$VAR" 0x3
run "$CRASHCAP" hangrec show --root fake
check "show a valid record with volatile attributes (0x3): refused, one line" \
	eval 'failed_one_line && err_has "attributes 0x3, not 0x7 (NV|BS|RT): hangcap.efi refuses it"'
head -c 6 /dev/zero >"$VAR"
run "$CRASHCAP" hangrec show --root fake
check "show a 6-byte variable: one line: no magic" eval 'failed_one_line && err_has "not valid: no magic (2 bytes"'

record "$VAR"
run "$CRASHCAP" hangrec clear --root fake
check "clear: exit 0, 'hang record removed', the file gone" \
	[ "$rc" -eq 0 -a "$(cat out)" = "crashcap: hang record removed" -a ! -e "$VAR" ]
run "$CRASHCAP" hangrec clear --root fake
check "clear again: 'no hang record'" [ "$rc" -eq 0 -a "$(cat out)" = "crashcap: no hang record" ]
run "$CRASHCAP" hangrec show --root nowhere
check "show without /sys/firmware/efi: none, not booted through UEFI" \
	eval '[ "$rc" -eq 0 ] && grep -q "^hang record: none (no nowhere/sys/firmware/efi: the system was not booted through UEFI)$" out'
run "$CRASHCAP" hangrec frob
check "hangrec frob: usage error (2), one line" eval '[ "$rc" -eq 2 ] && err_has "use show or clear"'

echo "$failures failed"
[ "$failures" -eq 0 ]

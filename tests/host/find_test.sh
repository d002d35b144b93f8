#!/bin/bash
# tests/host/find_test.sh - vmcore-probe --find (the crash drill's search for
# pattern pages by content, tests/qemu/drill) on small ELF cores built here:
# exact counts, each physical page counted once (the kernel-image view of the
# same RAM is not counted again), zero tails read as zeros, damaged and
# misaligned copies not counted.  Needs build/vmcore-probe and
# build/qemu/patterns (make all).
set -u
. "$(dirname "$0")/lib.sh"
PROBE=$ROOT/build/vmcore-probe
PATTERNS=$ROOT/build/qemu/patterns
for bin in "$PROBE" "$PATTERNS"; do
	[ -x "$bin" ] || { echo "FAIL - $bin missing: run make all"; exit 1; }
done

# pages: the pattern pages the cores are made of
for sp in 7:0 7:1 7:2 7:3 7:4 9:0 9:1; do
	"$PATTERNS" --emit "${sp%:*}" "${sp#*:}" >"p${sp%:*}_${sp#*:}" || exit 1
done

# mkcore OUT SPEC...: an x86-64 ELF core; each SPEC is one PT_LOAD,
# "PADDR:VADDR:MEMPAGES:PAGE,PAGE,..." with PAGE a file (4096 bytes, or
# "z" for a zero page, "x" for the next file shifted by 8 bytes); the listed
# pages are the file part (p_filesz), the rest of MEMPAGES a zero tail.
mkcore() {
	python3 - "$@" <<'PY'
import struct, sys
out, specs = sys.argv[1], sys.argv[2:]
loads, data = [], []
for spec in specs:
    paddr, vaddr, mem, pages = spec.split(":")
    body = b""
    for p in pages.split(",") if pages else []:
        if p == "z":
            body += bytes(4096)
        elif p.startswith("x"):
            body += (bytes(8) + open(p[1:], "rb").read())[:4096]
        else:
            body += open(p, "rb").read()
    loads.append((int(paddr, 16), int(vaddr, 16), int(mem) * 4096, body))
phoff, phnum = 64, len(loads)
off = (phoff + 56 * phnum + 4095) // 4096 * 4096
eh = b"\x7fELF" + bytes([2, 1, 1]) + bytes(9)
eh += struct.pack("<HHIQQQIHHHHHH", 4, 62, 1, 0, phoff, 0, 0, 64, 56, phnum, 64, 0, 0)
ph, blobs = b"", []
for paddr, vaddr, mem, body in loads:
    ph += struct.pack("<IIQQQQQQ", 1, 7, off, vaddr, paddr, len(body), mem, 4096)
    blobs.append((off, body))
    off += len(body)
with open(out, "wb") as f:
    f.write(eh + ph)
    for o, b in blobs:
        f.seek(o)
        f.write(b)
    f.truncate(max(off, 4096))
PY
}
# field LINE NAME: the number after NAME in a "find ..." line
found() { grep "^find $1 " out; }

# RAM at 1 MiB: 7:0, 7:1, a zero page, 7:1 again (a copy), 9:0, 7:2 with one
# byte changed (damaged), 7:3 shifted by 8 bytes (not page aligned: not it);
# then 3 pages of zero tail.  RAM at 16 MiB: 7:4 then a zero tail.  The
# kernel-image view (vaddr ffffffff81000000) of the first 2 pages at 1 MiB
# plus one page beyond any RAM view, holding 9:1.
cp p7_2 d7_2 && printf '\x55' | dd of=d7_2 bs=1 seek=2000 conv=notrunc status=none
mkcore a.core \
	100000:ffff888000100000:10:p7_0,p7_1,z,p7_1,p9_0,d7_2,xp7_3 \
	1000000:ffff888001000000:4:p7_4 \
	100000:ffffffff81000000:3:p7_0,p7_1,p9_1
run "$PROBE" a.core --find 7:5 9:2
check "--find exits 0 (rc $rc, $(cat err))" [ "$rc" -eq 0 ]
check "seed 7: 3 of 5 present (7:2 damaged, 7:3 misaligned), 1 copy, 1 damaged: '$(found 7)'" \
	[ "$(found 7)" = "find 7 5 present 3 copies 1 damaged 1 missing 2,3" ]
# 9:1 lies in the kernel view at 1 MiB + 8 KiB, where the RAM view has the
# zero page: that physical page is the RAM view's, so 9:1 is not counted
check "seed 9: the kernel-image view's page is the RAM view's (9:1 not counted): '$(found 9)'" \
	[ "$(found 9)" = "find 9 2 present 1 copies 0 damaged 0 missing 1" ]

# The kernel-image view alone (no RAM view of those pages): counted once.
mkcore b.core 100000:ffffffff81000000:2:p7_0,p7_1 200000:ffff888000200000:2:p7_0
run "$PROBE" b.core --find 7:2
check "a kernel-image view with no RAM view under it is counted: '$(found 7)'" \
	[ "$(found 7)" = "find 7 2 present 2 copies 1 damaged 0 missing -" ]

# Nothing: a zero-tail core; and an index beyond N is not counted.
mkcore c.core 100000:ffff888000100000:64:
run "$PROBE" c.core --find 7:5
check "all zero tails: nothing present: '$(found 7)'" \
	[ "$(found 7)" = "find 7 5 present 0 copies 0 damaged 0 missing 0,1,2,3,4" ]
run "$PROBE" a.core --find 7:1
check "an index at or above N is not counted: '$(found 7)'" \
	[ "$(found 7)" = "find 7 1 present 1 copies 0 damaged 0 missing -" ]

run "$PROBE" a.core --find 7
check "--find 7 (no :N) is refused in one line" failed_one_line
run "$PROBE" a.core --find 7:0
check "--find 7:0 is refused in one line" failed_one_line

[ $failures -eq 0 ]

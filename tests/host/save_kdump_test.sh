#!/bin/bash
# tests/host/save_kdump_test.sh - `crashcap save --format kdump`: filtered
# dumps (CC_ENC_PAGES, made by build/mkpages) saved as makedumpfile's
# kdump-compressed file, read back by build/kdump-read (its own reader,
# sharing no code with the writer), which checks the structure and
# compares every page with the `--format elf` save of the same target.
# Exact counts are worked out here from how mkpages makes its memory.
# With a real kernel's vmcore (build/pfcheck-data/vmcore, made by
# tests/host/pfcheck_test.sh), Debian's makedumpfile must read the kernel
# log from the kdump file and re-filter it.  No root, no devices.
set -u

. "$(dirname "$0")/lib.sh"
need_built "$MKPAGES" "$KREAD"

no_output_left() { [ ! -e "$1" ] && [ ! -e "$1.tmp" ]; }
state_of() { "$CRASHCAP" status "$1" 2>/dev/null | sed -n 's/^state *//p'; }
# field FILE LINE KEY: the value after KEY on kdump-read's line LINE
field() { awk -v l="$2" -v k="$3" '$1 == l { for (i = 2; i < NF; i++) if ($i == k) print $(i + 1) }' "$1"; }
# count PYTHON-EXPR: how many pfns the expression keeps (mkpages' memory, worked out here)
count() { python3 -c "print(sum(1 for p in $1))"; }
# save_both IMG NAME [save options]: NAME.elf and NAME.kdump, kdump-read's output in NAME.read
save_both() {
	local img=$1 name=$2; shift 2
	"$CRASHCAP" save "$img" -o "$name.elf" --format elf "$@" >/dev/null 2>&1
	run "$CRASHCAP" save "$img" -o "$name.kdump" --format kdump "$@"
	cp out "$name.out"; cp err "$name.err"
	"$KREAD" "$name.kdump" --elf "$name.elf" >"$name.read" 2>&1
	echo $? >"$name.rc"
}
# compared NAME DUMPED RAM: every dumped page equals the ELF's, the others read as zero there
compared() {
	[ "$(cat "$1.rc")" = 0 ] &&
	grep -q "^compare match $2 excluded $(($3 - $2)) differ 0 absent 0$" "$1.read" &&
	grep -q "^pages ram $3 dumped $2 " "$1.read"
}

# --- the split target of save_pages_test ------------------------------------------
# Range 0: 8 MiB at 1 MiB, range 1: 16 MiB at 16 MiB; four excluded runs
# (counted as free) and the zero pages (pfn % 7 == 3) left out.
SRC=(--range 0x100000:0x800000 --range 0x1000000:0x1000000
	--exclude 0x200000:255 --exclude 0x400000:256
	--exclude 0x1000000:256 --exclude $((0x2000000 - 300 * 4096)):300 --exclude-zero)
"$MKPAGES" split.img "${SRC[@]}" >/dev/null || exit 1
save_both split.img split
# Zero pages the level left out are dumped as one shared zero page, as
# makedumpfile keeps them (crash reads zeros there, not "page excluded");
# the free runs stay out of bitmap 2.
inrun="any(a <= p < a + n for a, n in ((512, 255), (1024, 256), (4096, 256), (8192 - 300, 300)))"
kept=$(count "[p for p in list(range(256, 2304)) + list(range(4096, 8192)) if p % 7 != 3 and not $inrun]")
zeros=$(count "[p for p in list(range(256, 2304)) + list(range(4096, 8192)) if p % 7 == 3 and not $inrun]")
want=$((kept + zeros))
check "saved: exit 0, one line on stdout, nothing on stderr" \
	eval '[ "$rc" -eq 0 ] && [ "$(wc -l <split.out)" -eq 1 ] && [ ! -s split.err ]'
check "save says $want pages: $kept zlib (half-noise pages shrink), $zeros zero pages left out sharing one zero page" \
	grep -q "^saved $want pages (6 chunks, .* as kdump-compressed: $kept zlib, 0 stored, $zeros sharing a zero page, 0 kernel-image" split.out
check "kdump-read: every one of the $want dumped pages equals the ELF save's, the 1067 free pages left out read as zero there ($(tail -1 split.read))" \
	compared split "$want" 6144
check "header: version 6, block 4096, zlib, 1 block of sub header, 2 of bitmaps, max_mapnr 8192 (32 MiB), no CPU notes" \
	grep -q "^header version 6 block 4096 status 0x1 sub_hdr_size 1 bitmap_blocks 2 max_mapnr 8192 nr_cpus 0$" split.read
check "sub header: phys_base 0 (no VMCOREINFO, no kernel image), level 31, notes right after it (4096 + 104), no VMCOREINFO" \
	grep -q "^sub phys_base 0x0 dump_level 31 max_mapnr_64 8192 note_off 4200 note_size 24 vmcoreinfo_off 0 vmcoreinfo_size 0$" split.read
check "utsname made up: Linux, no release, x86_64" grep -q '^uts Linux|||x86_64$' split.read
check "saved file is mode 0600, no FILE.tmp left" eval '[ "$(stat -c %a split.kdump)" = 600 ] && [ ! -e split.kdump.tmp ]'
check "header state becomes saved" [ "$(state_of split.img)" = saved ]
check "kdump file is smaller than the ELF's data ($(stat -c %s split.kdump) bytes)" \
	[ "$(stat -c %s split.kdump)" -lt $((kept * 4096)) ]
run "$CRASHCAP" save split.img -o split.kdump --format kdump
check "existing FILE refused without --force" failed_one_line

# --- kept zero pages: written once, shared ---------------------------------------------
"$MKPAGES" zk.img --range 0x0:0x400000 --chunk-pages 100 >/dev/null || exit 1
save_both zk.img zk
zeros=$(count "range(3, 1024, 7)")
check "$zeros kept zero pages: one copy, $((zeros - 1)) descs share it" \
	eval 'grep -q "1024 pages .* $((1024 - zeros + 1)) zlib, 0 stored, $((zeros - 1)) sharing a zero page, 0 kernel" zk.out &&
	      grep -q "^pages ram 1024 dumped 1024 zlib 1024 raw 0 shared $((zeros - 1)) " zk.read'
check "kept zero pages read back as the ELF's ($(tail -1 zk.read))" compared zk 1024 1024

# --- the kernel image's view of RAM ------------------------------------------------------
# The kernel image (2 MiB at paddr 16 MiB, vaddr _text + 2 MiB) is an alias,
# as the payload writes it: no chunks, RAM's carry its pages.  RAM's zero
# pages, page 0 and two kernel-image pages with data (freed init memory,
# say) are left out.  The kernel image's pfns are all in the file: the ones
# left out share the zero page, so its static data reads as in the ELF form.
KSRC=(--range 0x1000000:0x200000:0xffffffff81200000 --range 0x0:0x2000000
	--exclude 0x0:1 --exclude 0x1100000:2 --exclude-zero --alias)
"$MKPAGES" kern.img "${KSRC[@]}" >/dev/null || exit 1
save_both kern.img kern
want=8191 # all but pfn 0: zero pages share the zero page, the image's free ones read as zero too
kleft=$(count "[p for p in range(4096, 4608) if p % 7 == 3 or p in (4352, 4353)]")
kzero=$(count "[p for p in range(1, 8192) if p % 7 == 3 and not 4096 <= p < 4608]")
check "kernel image: $want pages dumped, bitmap 1 is RAM's 8192 pfns, the $kleft left out in it read as the ELF's zeros ($(tail -1 kern.read))" \
	compared kern "$want" 8192
check "kernel image: its $kleft left-out pages share one zero page, said on the save line" \
	eval 'grep -q " $kzero sharing a zero page, $kleft kernel-image pages left out by the level read as zero;" kern.out &&
	      grep -q " shared $((kleft + kzero - 1)) " kern.read'
check "phys_base from the kernel-image PT_LOAD: 16 MiB - 18 MiB = 0xffffffffffe00000" \
	eval 'grep -q "phys_base 0xffffffffffe00000 from the kernel-image PT_LOAD;" kern.out &&
	      grep -q "^sub phys_base 0xffffffffffe00000 " kern.read'
# cut in range 1 (RAM) at chunk 2 of 64 pages: pfns 128.. missing, the kernel image too
"$MKPAGES" kcut.img "${KSRC[@]}" --chunk-pages 64 --map >kcut.map || exit 1
f2=$(awk '$1 == "chunk" && $2 == 2 { print $4 }' kcut.map)
"$MKPAGES" kcut.img "${KSRC[@]}" --chunk-pages 64 --cut $((f2 + 10)) >/dev/null || exit 1
save_both kcut.img kcut --force
check "cut before the kernel image's pages: none of its pfns in the file, not even as zeros ($(tail -1 kcut.read))" \
	eval 'compared kcut 127 8192 &&
	      grep -q " 0 kernel-image pages left out by the level read as zero;" kcut.out'

# --- a stream cut short -----------------------------------------------------------------
# chunks of 64 pages; cut in the middle of chunk 5's frame (range 1's second)
CSRC=(--range 0x100000:0x100000 --range 0x400000:0x100000 --exclude-zero)
"$MKPAGES" cut.img "${CSRC[@]}" --chunk-pages 64 --map >cut.map || exit 1
f5=$(awk '$1 == "chunk" && $2 == 5 { print $4 }' cut.map) l5=$(awk '$1 == "chunk" && $2 == 5 { print $5 }' cut.map)
"$MKPAGES" cut.img "${CSRC[@]}" --chunk-pages 64 --cut $((f5 + l5 / 2)) >/dev/null || exit 1
run "$CRASHCAP" save cut.img -o cut.kdump --format kdump
check "cut stream refused without --force: one line, no output" eval 'failed_one_line && no_output_left cut.kdump'
save_both cut.img cut --force
want=$((256 + 64)) # every page of chunks 0-4, the zero ones as the shared zero page
check "cut, --force: chunks 0-4 saved, $want pages; bitmap 1 still all 512 pfns ($(tail -1 cut.read))" compared cut "$want" 512
check "cut, --force: status 0x9 (zlib, incomplete), and the save line says so" \
	eval 'grep -q "^header version 6 block 4096 status 0x9 " cut.read && grep -q "(incomplete: status 0x9)$" cut.out'
check "cut, --force: stderr names what is missing" grep -q "missing from the file: range 1, paddr 0x440000-0x500000" cut.err

# --- refusals ------------------------------------------------------------------------------
"$MKPAGES" good.img "${CSRC[@]}" --chunk-pages 64 >/dev/null || exit 1
f3=$(awk '$1 == "chunk" && $2 == 3 { print $4 }' cut.map)
cp good.img bad.img
printf '\xff' | dd of=bad.img bs=1 seek=$((65536 + f3 + 200)) conv=notrunc status=none
run "$CRASHCAP" save bad.img -o bad.kdump --format kdump
check "corrupt frame refused: one line, no output" eval 'failed_one_line && err_has "chunk 3 LZ4 frame" && no_output_left bad.kdump'
"$MKTARGET" raw.img --state complete --written 8192 || exit 1
run "$CRASHCAP" save raw.img -o raw.kdump --format kdump
check "a raw ELF dump is refused for --format kdump: one line, no output" \
	eval 'failed_one_line && err_has "needs a filtered dump" && no_output_left raw.kdump'

# --- a real kernel's dump: makedumpfile reads it ----------------------------------------
VMCORE=$ROOT/build/pfcheck-data/vmcore
if [ -s "$VMCORE" ] && command -v makedumpfile >/dev/null && command -v vmcore-dmesg >/dev/null; then
	RSRC=(--elf "$VMCORE" --exclude-zero --alias)
	"$MKPAGES" real.img "${RSRC[@]}" >/dev/null || exit 1
	save_both real.img real
	check "real: every dumped page equals the ELF save's, no page differs ($(tail -1 real.read))" \
		eval '[ "$(cat real.rc)" = 0 ] && grep -q " differ 0 absent 0$" real.read'
	dumped=$(field real.read pages dumped)
	check "real: the save line and the file agree: $dumped pages" grep -q "^saved $dumped pages " real.out
	# what the vmcore's own notes say
	read -r noff nsize < <(readelf -lW "$VMCORE" | awk '$1 == "NOTE" { print $2, $5; exit }')
	dd if="$VMCORE" of=notes bs=1 skip=$((noff)) count=$((nsize)) status=none
	osrel=$(strings notes | sed -n 's/^OSRELEASE=//p')
	pb=$(strings notes | sed -n 's/^NUMBER(phys_base)=//p')
	check "real: phys_base is VMCOREINFO's ($pb)" \
		eval '[ -n "$pb" ] && grep -q "^sub phys_base $(printf 0x%x $((pb))) " real.read && grep -q "from VMCOREINFO;" real.out'
	check "real: utsname from init_uts_ns, release $osrel, one CPU's notes" \
		eval 'grep -q "^uts Linux|.*|$osrel|x86_64$" real.read && grep -q "utsname from init_uts_ns" real.out &&
		      grep -q " nr_cpus 1$" real.read'
	# The same reader on both files: makedumpfile indents a message's
	# continuation lines and vmcore-dmesg does not, so a log with a
	# multi-line message (a WARNING) would differ between the two tools.
	run timeout 120 makedumpfile --dump-dmesg "$VMCORE" want.dmesg
	check "real: makedumpfile --dump-dmesg reads the ELF vmcore ($(wc -l <want.dmesg 2>/dev/null || echo 0) lines)" \
		eval '[ "$rc" -eq 0 ] && [ -s want.dmesg ]'
	run timeout 120 makedumpfile --dump-dmesg real.kdump got.dmesg
	check "real: makedumpfile --dump-dmesg reads the kdump file ($(wc -l <got.dmesg 2>/dev/null || echo 0) lines)" \
		eval '[ "$rc" -eq 0 ] && [ -s got.dmesg ]'
	check "real: that log is the ELF vmcore's, byte for byte" cmp -s want.dmesg got.dmesg
	vmcore-dmesg "$VMCORE" >elf.dmesg 2>/dev/null
	check "real: vmcore-dmesg's log of the ELF vmcore has the same $(wc -l <elf.dmesg) messages' first lines" \
		eval 'cmp -s <(grep "^\[" elf.dmesg) <(grep "^\[" got.dmesg)'
	run timeout 300 makedumpfile -d 31 -l real.kdump refiltered.kdump
	check "real: makedumpfile -d 31 -l re-filters the kdump file (exit $rc)" eval '[ "$rc" -eq 0 ] && [ -s refiltered.kdump ]'
	run timeout 120 makedumpfile --dump-dmesg refiltered.kdump refiltered.dmesg
	check "real: the re-filtered file still has the log" cmp -s want.dmesg refiltered.dmesg
	# -l writes LZO, which kdump-read does not inflate; -c (zlib) it does
	run timeout 300 makedumpfile -c -d 31 real.kdump refiltered-z.kdump
	"$KREAD" refiltered-z.kdump --elf real.elf >refiltered.read 2>&1
	rdumped=$(field refiltered.read pages dumped)
	check "real: makedumpfile -c -d 31 of it reads back: ${rdumped:-?} pages, fewer than our $dumped, each equal to the ELF save's" \
		eval '[ -n "$rdumped" ] && [ "$rdumped" -lt "$dumped" ] && [ "$rdumped" -gt 0 ] &&
		      grep -q "^compare match $rdumped excluded [0-9]* differ [0-9]* absent 0$" refiltered.read'
else
	echo "skip - no $VMCORE (tests/host/pfcheck_test.sh makes it), or no makedumpfile/vmcore-dmesg: real kernel not checked"
fi

if [ "$failures" -ne 0 ]; then
	echo "save_kdump_test: $failures failed"
	exit 1
fi
echo "save_kdump_test: all passed"

#!/bin/bash
# tests/host/load_dryrun_test.sh - `crashcap load --dry-run` against fake
# /proc and /sys trees (--root) and a plain file standing in for a
# virtio-blk disk (--test-target-pci).  No root needed, nothing is loaded:
# every load here is a dry run, except the unprivileged ones that must be
# refused before any system call (run as nobody when we are root).
#
# Checks the dry-run file (format: docs/loader.md, loader/dryrun.h): the
# segments lie in the crash region, page aligned, without overlap; the
# purgatory's digest is the SHA-256 of the staged segments with their zero
# fill (computed here with sha256sum); the parameter block and patch block
# fields; and every refusal reachable without root: one line, exit non-zero.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
# Needs build/crashcap and build/mktarget (make host).
set -u

. "$(dirname "$0")/lib.sh"

# refused DESCRIPTION PATTERN: the last run failed with one line matching PATTERN
refused() {
	if failed_one_line && err_has "$2"; then ok "$1"; else
		fail "$1 (rc $rc, stderr: $(head -c 300 err | tr '\n' '|'))"
	fi
}

not_grep() { ! grep -q "$@"; }

# ---- the fake system -------------------------------------------------------------
PAGE_OFFSET=ffff9b4c80000000     # what the fake /proc/kcore implies (KASLR'd)
DEFAULT_PAGE_OFFSET=ffff888000000000
TEXT=ffffffff9a000000            # _text in the fake /proc/kallsyms
CRASH_START=0x2f000000 CRASH_END=0x30000000   # the "Crash kernel" line, end exclusive
NOTES=(7dc1a658 7dc1b658 7dc1c658)            # crash_notes of cpu0..2 (cpu3 not present)

# le N VALUE: VALUE as N little-endian bytes
le() {
	local n=$1 v=$2 i out=""
	for ((i = 0; i < n; i++)); do out+=$(printf '\\x%02x' $(((v >> (8 * i)) & 0xff))); done
	printf "$out"
}

# The VMCOREINFO text of a real kernel (the drill's Debian 6.1), as its note holds it.
VMCOREINFO_TEXT=$ROOT/tests/unit/vmcoreinfo-6.1.0-57-cloud-amd64.txt
# vi KEY: the value of KEY= in that text
vi() { sed -n "s/^$1=//p" "$VMCOREINFO_TEXT"; }

# note NAME TYPE FILE: one ELF note (name and descriptor padded to 4 bytes)
note() {
	local namesz=$((${#1} + 1)) descsz=$(stat -c %s "$3")
	le 4 $namesz; le 4 $descsz; le 4 "$2"
	printf '%s' "$1"; head -c $(((namesz + 3) / 4 * 4 - namesz + 1)) /dev/zero
	cat "$3"; head -c $(((descsz + 3) / 4 * 4 - descsz)) /dev/zero
}

# A /proc/kcore: ELF header, program headers, and at 0x1000 the PT_NOTE as
# the kernel builds it: a CORE note (prstatus, zeros here), then VMCOREINFO
# with the text of the file $2 (none if $2 is empty).
make_kcore() { # make_kcore OUT [VMCOREINFO_TEXT [BSS_FILE VMCOREINFO_PAGE_FILE [DATA_PAGE_FILE RO_FILE]]]
	local out=$1 notes=$W/kcore-notes.$$ bssf=${3:-} vmcif=${4:-} dataf=${5:-} rof=${6:-}
	head -c 336 /dev/zero >"$notes.prstatus"
	{ note CORE 1 "$notes.prstatus"; [ -n "${2:-}" ] && note VMCOREINFO 0 "$2"; } >"$notes"
	local nsize=$(stat -c %s "$notes")
	local phdrs=(  # type vaddr
		"4 0"                         # PT_NOTE
		"1 0xffffffff9a000000"        # kernel text
		"1 0xffffb1e2c0000000"        # vmalloc
		"1 0xffff9b4c80001000"        # direct map: RAM from 0x1000
		"1 0xffff9b4d00000000"        # direct map: RAM from 2 GiB
		"1 0xffffe2a340000000"        # vmemmap
	)
	# with BSS_FILE: the direct map of "Kernel bss" (0x2d0e000) and of the
	# VMCOREINFO page (0x7f71c000) hold those files' bytes (the hang record's canaries)
	[ -n "$bssf" ] && phdrs+=("1 0xffff9b4c82d0e000 0x100000 $(stat -c %s "$bssf")"
		"1 0xffff9b4cff71c000 0x400000 4096")
	# with DATA_PAGE_FILE: the first page of "Kernel data" (0x2600000, ptr_key
	# at 0x100 in it) and 40 KiB of "Kernel rodata" from 0x23f0000 (the
	# ro_after_init data of the fake kallsyms)
	[ -n "$dataf" ] && phdrs+=("1 0xffff9b4c82600000 0x500000 4096" "1 0xffff9b4c823f0000 0x600000 0xa000")
	{
		printf '\x7fELF\x02\x01\x01\x00'; le 8 0
		le 2 4; le 2 62; le 4 1; le 8 0; le 8 64; le 8 0; le 4 0
		le 2 64; le 2 56; le 2 ${#phdrs[@]}; le 2 0; le 2 0; le 2 0
		local p
		for p in "${phdrs[@]}"; do
			set -- $p
			local size=$(($1 == 4 ? nsize : ${4:-0x1000})) align=$(($1 == 4 ? 4 : 0x1000))
			le 4 "$1"; le 4 7; le 8 ${3:-0x1000}; le 8 "$2"; le 8 0; le 8 $size; le 8 $size; le 8 $align
		done
	} >"$out"
	dd if="$notes" of="$out" bs=4096 seek=1 conv=notrunc status=none
	if [ -n "$bssf" ]; then
		dd if="$bssf" of="$out" bs=4096 seek=256 conv=notrunc status=none
		dd if="$vmcif" of="$out" bs=4096 seek=1024 conv=notrunc status=none
	fi
	if [ -n "$dataf" ]; then
		dd if="$dataf" of="$out" bs=4096 seek=1280 conv=notrunc status=none
		dd if="$rof" of="$out" bs=4096 seek=1536 conv=notrunc status=none
	fi
	rm -f "$notes" "$notes.prstatus"
}

# make_root DIR: a 4 GiB QEMU-like machine with crashkernel=16M.
make_root() {
	local d=$1 i
	mkdir -p "$d/proc/self" "$d/sys/kernel/security" "$d/sys/devices/system/cpu"
	cat >"$d/proc/iomem" <<-'EOF'
	00000000-00000fff : Reserved
	00001000-0009fbff : System RAM
	0009fc00-0009ffff : Reserved
	000a0000-000bffff : PCI Bus 0000:00
	000f0000-000fffff : Reserved
	  000f0000-000fffff : System ROM
	00100000-7ffdefff : System RAM
	  01000000-01e03a57 : Kernel code
	  02000000-0247ffff : Kernel rodata
	  02600000-0295ffff : Kernel data
	  02d0e000-02ffffff : Kernel bss
	  2f000000-2fffffff : Crash kernel
	7ffdf000-7fffffff : Reserved
	b0000000-bfffffff : PCI MMCONFIG 0000 [bus 00-ff]
	  b0000000-bfffffff : Reserved
	fee00000-fee00fff : Local APIC
	100000000-17fffffff : System RAM
	EOF
	echo "0-3" >"$d/sys/devices/system/cpu/possible"
	for i in 0 1 2; do
		mkdir -p "$d/sys/devices/system/cpu/cpu$i"
		echo "${NOTES[$i]}" >"$d/sys/devices/system/cpu/cpu$i/crash_notes"
		echo 368 >"$d/sys/devices/system/cpu/cpu$i/crash_notes_size"
	done
	for i in 0 1 2; do # APIC IDs 0, 2, 4: as on a machine with SMT off
		printf 'processor\t: %d\nvendor_id\t: GenuineIntel\napicid\t\t: %d\ninitial apicid\t: %d\n\n' \
			"$i" $((2 * i)) $((2 * i))
	done >"$d/proc/cpuinfo"
	echo "0x000000007f71c000 1024" >"$d/sys/kernel/vmcoreinfo"
	echo "[none] integrity confidentiality" >"$d/sys/kernel/security/lockdown"
	echo 0 >"$d/sys/kernel/kexec_crash_loaded"
	printf '%s T startup_64\n%s T _text\nffffffff9a001000 T _stext\nffffffff9c400000 B _end\n' $TEXT $TEXT \
		>"$d/proc/kallsyms"
	make_kcore "$d/proc/kcore" "$VMCOREINFO_TEXT"
	printf '22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/root rw\n' >"$d/proc/self/mountinfo"
	printf 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n' >"$d/proc/swaps"
}

make_root sys
truncate -s 8G disk.img   # sparse: holds a 4 GiB machine's dump
load() { run "$CRASHCAP" load --root "$1" --dry-run "$2" --target "$3" --test-target-pci 00:04.0 "${@:4}"; }

# ---- reading the dry-run file ------------------------------------------------------
D=                                              # the file being read
head_text() { head -c 4096 "$D" | tr -d '\0'; }
seg_field() { head_text | awk -v n="$1" -v f="$2" '$1 == "segment" && $2 == n { for (i = 3; i < NF; i += 2) if ($i == f) print $(i + 1) }'; }
head_field() { head_text | awk -v k="$1" '$1 == k { print $2 }'; }
# hex64/hex32/hex16 OFFSET: the little-endian value at byte OFFSET of $D, as fixed-width hex
hex64() { od -An -t x8 -j $(($1)) -N 8 "$D" | tr -d ' \n'; }
hex32() { od -An -t x4 -j $(($1)) -N 4 "$D" | tr -d ' \n'; }
hex16() { od -An -t x2 -j $(($1)) -N 2 "$D" | tr -d ' \n'; }
bytes() { od -An -v -t x1 -j $(($1)) -N "$2" "$D" | tr -d ' \n'; }
h16() { printf '%016x' $(($1)); }
# file_image NAME: the bytes the loader gives the segment (bufsz; the
# purgatory hashes these, not the zero fill up to memsz)
file_image() {
	local off=$(seg_field "$1" offset) bufsz=$(seg_field "$1" bufsz)
	tail -c +$((off + 1)) "$D" | head -c $((bufsz))
}

# mem_image NAME: the segment as the kernel loads it, bytes then zero fill
mem_image() {
	local off=$(seg_field "$1" offset) bufsz=$(seg_field "$1" bufsz) memsz=$(seg_field "$1" memsz)
	tail -c +$((off + 1)) "$D" | head -c $((bufsz))
	head -c $((memsz - bufsz)) /dev/zero
}

# ---- a good dry run ------------------------------------------------------------------
load sys good.dry disk.img --action poweroff
check "dry run exits 0" [ "$rc" -eq 0 ]
check "dry run prints nothing on stderr" [ ! -s err ]
check "summary says nothing was loaded" grep -q "^crashcap: dry run written to good.dry; nothing loaded" out
check "summary: region, segments, target, dump lines" \
	test "$(grep -cE '^(region|segments|target|dump|then) ' out)" -eq 5
check "summary says the target is large enough" grep -q "target large enough" out
check "summary names the action" grep -q "^then *poweroff" out
check "dry run left the target untouched" [ "$(head -c 4096 disk.img | tr -d '\0' | wc -c)" -eq 0 ]

# ---- the hang record line (docs/hangcap.md): a dry run writes no variable ----
check "summary: hang line, not asked for" \
	grep -q "^hang  *record not written: hang capture is not built yet (--hang-record or HANG_RECORD=yes writes it, to test hangcap.efi)$" out
load sys hang.dry disk.img --hang-record
check "summary: hang line, the fake root has no UEFI" \
	grep -q "^hang  *record not written: no sys/sys/firmware/efi: the system was not booted through UEFI$" out
rm -f hang.dry
cp -r sys efi && mkdir -p efi/sys/firmware/efi/efivars efi/proc/sys/kernel/random
load efi efi.dry disk.img --hang-record
check "with efivarfs but no boot id: the hang line says so, the load does not fail" \
	eval '[ "$rc" -eq 0 ] && grep -q "^hang  *record not written: no boot id in /proc/sys/kernel/random/boot_id$" out'
echo 5e1f0c3d-8821-4a0b-9c11-223344556677 >efi/proc/sys/kernel/random/boot_id
load efi efi.dry disk.img --hang-record
check "with efivarfs: the record is built from the staged ranges (iomem's System RAM less the crash region: 4, as the dump line says) and not written" \
	eval '[ "$rc" -eq 0 ] && grep -q "^hang  *record not written (dry run): 2112 bytes for efivarfs CrashcapHang-d7497578-f1ca-48bb-b56b-fd5c2fa5b66e, 4 RAM ranges, " out'
check "... only the region page where /proc/kcore has none of the kernel's bss or of the VMCOREINFO page, and kallsyms no symbol" \
	grep -q "1 canaries: boot id not found (efi/proc/kcore: no PT_LOAD holds physical 0x2600000+3538944), ptr_key not found (not in /proc/kallsyms), region page at 0x2f[0-9a-f]*, VMCOREINFO not read (efi/proc/kcore: no PT_LOAD holds physical 0x7f71c000+4096), no ro_after_init pages (no __start_ro_after_init or __end_ro_after_init in /proc/kallsyms)$" out
region=$(sed -n 's/.*, canary \(0x[0-9a-f]*\)+4 KiB; entry.*/\1/p' out)
check "the region canary is a segment of its own, the last, 4 KiB ($region), not hashed" \
	eval '[ -n "$region" ] && grep -q "^segments .*, backup 0x[0-9a-f]*+636 KiB, canary $region+4 KiB; entry" out && grep -q "region page at $region," out'
check "... and the dry-run file has it: 5 segments, the canary at $region, 4096 bytes, not hashed" \
	eval 'D=efi.dry; [ "$(head_field segments)" = 5 ] && [ "$(seg_field canary mem)" = "$region" ] && [ "$(seg_field canary bufsz)" = 0x1000 ] && [ "$(seg_field canary hashed)" = 0 ]'
# the kernel's bss with the boot id at 0x2d0e000 + 0x1230, the VMCOREINFO page,
# ptr_key (16 bytes at 0x2600100) and ro_after_init 0x23f0800-0x23f9400: canaries
head -c $((0x2ffffff - 0x2d0e000 + 1)) /dev/zero >bss.bin
printf '\x5e\x1f\x0c\x3d\x88\x21\x4a\x0b\x9c\x11\x22\x33\x44\x55\x66\x77' | dd of=bss.bin bs=1 seek=$((0x1230)) conv=notrunc status=none
{ note VMCOREINFO 0 "$VMCOREINFO_TEXT"; head -c 4096 /dev/zero; } | head -c 4096 >vmci.bin
head -c 4096 /dev/zero >data.bin
head -c $((0xa000)) /dev/urandom >ro.bin
printf 'ffffffff9b3f0800 D __start_ro_after_init\nffffffff9b3f9400 D __end_ro_after_init\nffffffff9b600100 d ptr_key\n' >>efi/proc/kallsyms
make_kcore efi/proc/kcore "$VMCOREINFO_TEXT" bss.bin vmci.bin data.bin ro.bin
load efi efi.dry disk.img --hang-record
check "a ptr_key still all zero (the RNG not ready) is not taken; 5 ro_after_init pages fill the slots" \
	grep -q "4 RAM ranges, 8 canaries: boot id found at 0x2d0f230, ptr_key not found (all zero at 0x2600100: not made yet), region page at 0x2f[0-9a-f]*, VMCOREINFO found at 0x7f71c000, 5 ro_after_init pages at 0x23f1000-0x23f8000$" out
printf '\x9f\x31\x20\x06\x5d\x7e\x11\xc4\x02\x88\xa1\x3b\x6c\xd0\x45\xe9' | dd of=data.bin bs=1 seek=$((0x100)) conv=notrunc status=none
make_kcore efi/proc/kcore "$VMCOREINFO_TEXT" bss.bin vmci.bin data.bin ro.bin
load efi efi.dry disk.img --hang-record
check "with the bss, ptr_key, the region, the VMCOREINFO page and ro_after_init in /proc/kcore: 8 canaries at their physical addresses" \
	grep -q "4 RAM ranges, 8 canaries: boot id found at 0x2d0f230, ptr_key found at 0x2600100, region page at 0x2f[0-9a-f]*, VMCOREINFO found at 0x7f71c000, 4 ro_after_init pages at 0x23f1000-0x23f8000$" out
printf '\x5e' | dd of=bss.bin bs=1 seek=$((0x1230 + 15)) conv=notrunc status=none
make_kcore efi/proc/kcore "$VMCOREINFO_TEXT" bss.bin vmci.bin data.bin ro.bin
load efi efi.dry disk.img --hang-record
check "a boot id one byte different is not taken for it (a fifth ro_after_init page takes its slot)" \
	grep -q "8 canaries: boot id not found (efi/proc/kcore: no PT_LOAD holds physical 0x2600000+3538944), ptr_key found at 0x2600100, region page at 0x2f[0-9a-f]*, VMCOREINFO found at 0x7f71c000, 5 ro_after_init pages at 0x23f1000-0x23f8000$" out
rm -f bss.bin vmci.bin data.bin ro.bin
check "... and the fake efivarfs is still empty" [ -z "$(ls -A efi/sys/firmware/efi/efivars)" ]
load efi efi.dry disk.img
check "without --hang-record, even with efivarfs: the hang line says it was not asked for" \
	eval '[ "$rc" -eq 0 ] && grep -q "^hang  *record not written: hang capture is not built yet " out'
rm -rf efi efi.dry

D=good.dry
check "head: format line" [ "$(head -n1 "$D")" = "crashcap-dry-run 1" ]
check "head: kexec flags 0x3e0001" [ "$(head_field flags)" = 0x3e0001 ]
check "head: region is the crash kernel line" \
	[ "$(head_text | awk '$1 == "region" { print $2, $3 }')" = "0x2f000000 0x30000000" ]
check "head: 4 segments" [ "$(head_field segments)" = 4 ]
check "head: ends with end" grep -q '^end$' <(head_text)

names=(purgatory payload params backup)
prev_end=0 layout_ok=1
for n in "${names[@]}"; do
	mem=$(seg_field $n mem) memsz=$(seg_field $n memsz) bufsz=$(seg_field $n bufsz)
	[ -n "$mem" ] || { layout_ok=0; echo "# segment $n missing"; continue; }
	((mem % 4096 == 0 && memsz % 4096 == 0 && memsz > 0)) || { layout_ok=0; echo "# $n not page aligned"; }
	((mem >= CRASH_START && mem + memsz <= CRASH_END)) || { layout_ok=0; echo "# $n outside the region"; }
	((mem >= prev_end)) || { layout_ok=0; echo "# $n overlaps the one before"; }
	((bufsz <= memsz)) || { layout_ok=0; echo "# $n bufsz > memsz"; }
	prev_end=$((mem + memsz))
done
check "segments inside the crash region, 4 KiB aligned, in order, no overlap" [ $layout_ok -eq 1 ]
check "slack: at least 64 KiB of the region left free" [ $((CRASH_END - prev_end)) -ge 65536 ]
check "only the purgatory and the backup (no bytes loaded) are not hashed" \
	[ "$(head_text | awk '$1 == "segment" && $NF == 0 { print $2 }' | tr '\n' ' ')" = "purgatory backup " ]

P=$(seg_field purgatory offset) PI=$(($(seg_field purgatory offset) + 0x40))
Y=$(seg_field payload offset) Q=$(seg_field params offset)
purg_mem=$(seg_field purgatory mem) pay_mem=$(seg_field payload mem)
par_mem=$(seg_field params mem) bak_mem=$(seg_field backup mem)
check "entry = purgatory load address + its entry offset" \
	[ "$(head_field entry)" = "0x$(printf %x $((purg_mem + 0x$(hex32 $((P + 0x10))))))" ]

# The digest, independently: sha256sum over the hashed segments' memory.
expected=$( { file_image payload; file_image params; } | sha256sum | cut -d' ' -f1)
check "purgatory digest = sha256 of the bytes loaded into payload+params" [ "$(bytes $((PI + 0x110)) 32)" = "$expected" ]
regions_ok=1 i=0
for n in payload params; do
	[ "$(hex64 $((PI + 0x10 + 16 * i)))" = "$(h16 $(seg_field $n mem))" ] || regions_ok=0
	[ "$(hex64 $((PI + 0x18 + 16 * i)))" = "$(h16 $(seg_field $n bufsz))" ] || regions_ok=0
	i=$((i + 1))
done
[ "$(hex64 $((PI + 0x18 + 16 * 2)))" = "$(h16 0)" ] || regions_ok=0
check "purgatory regions = {mem, bufsz} of the hashed segments, rest empty" [ $regions_ok -eq 1 ]
check "patch block magic kept" [ "$(hex64 $PI)" = 3149475255504343 ]
check "patch block: payload entry = load + entry64_offset" \
	[ "$(hex64 $((PI + 0x130)))" = "$(h16 $((pay_mem + 0x$(hex32 $((Y + 0x10))))))" ]
check "patch block: params address" [ "$(hex64 $((PI + 0x138)))" = "$(h16 $par_mem)" ]
check "patch block: backup source 0x1000" [ "$(hex64 $((PI + 0x140)))" = "$(h16 0x1000)" ]
check "patch block: backup destination = backup segment" [ "$(hex64 $((PI + 0x148)))" = "$(h16 $bak_mem)" ]
check "patch block: backup size 0x9f000" [ "$(hex64 $((PI + 0x150)))" = "$(h16 0x9f000)" ]
check "patch block: failure action poweroff" [ "$(hex32 $((PI + 0x158)))" = 00000001 ]
check "patch block: no test flags" [ "$(hex32 $((PI + 0x15c)))" = 00000000 ]
check "patch block: serial port 0x3f8" [ "$(hex16 $((PI + 0x160)))" = 03f8 ]

# The parameter block.
check "params: magic, version, size" \
	[ "$(hex64 $Q) $(hex32 $((Q + 8))) $(hex32 $((Q + 12)))" = "534d415241504343 00000006 000023d8" ]
check "params: cpus from /proc/cpuinfo: 3 CPUs, the boot CPU's APIC ID 0, IDs 0 2 4, the rest zero" \
	[ "$(hex32 $((Q + 0x22d0))) $(hex32 $((Q + 0x22d4))) $(hex32 $((Q + 0x22d8))) $(hex32 $((Q + 0x22dc))) $(hex32 $((Q + 0x22e0))) $(bytes $((Q + 0x22e4)) 244)" = \
	  "00000003 00000000 00000000 00000002 00000004 $(printf '%0488d' 0)" ]
check "params: target_id none (a virtio-blk stand-in has no identity to check)" \
	[ "$(bytes $((Q + 0x22a0)) 48)" = "$(printf '%096d' 0)" ]
check "params: options 0, dump_level 31, compress lz4 (1), reserved 0 (the defaults)" \
	[ "$(hex32 $((Q + 0x2190))) $(hex32 $((Q + 0x2194))) $(hex32 $((Q + 0x2198))) $(hex32 $((Q + 0x219c)))" = \
	  "00000000 0000001f 00000001 00000000" ]
check "summary: format is filtered pages in LZ4 frames, compressed" \
	grep -q "^format *filtered pages in LZ4 frames, compressed (--compress lz4)" out
check "summary: no zeros line for the framed format" not_grep "^zeros" out
check "summary: level 31, page types from the kernel's VMCOREINFO" \
	grep -q "^level *31: leave out zero pages, page cache, page cache with private data, user data, free pages (page types of Linux 6.1 from VMCOREINFO)$" out

# The mm block (include/crashcap/mm.h): parsed from the VMCOREINFO text the
# fake /proc/kcore carries.  Compared with values read from that text here.
M=$((Q + 0x21a0))
u32() { printf '%08x' $(($1 & 0xffffffff)); }
check "params.mm: version 1, size 256, kernel 6.1.0" \
	[ "$(hex32 $M) $(hex32 $((M + 4))) $(hex32 $((M + 0xc)))" = "00000001 00000100 00060100" ]
check "params.mm: page-table root = SYMBOL(init_top_pgt) - __START_KERNEL_map + NUMBER(phys_base)" \
	[ "$(hex64 $((M + 0x10)))" = "$(h16 $((0x$(vi 'SYMBOL(init_top_pgt)') - 0xffffffff80000000 + $(vi 'NUMBER(phys_base)'))))" ]
check "params.mm: mem_section = SYMBOL(mem_section), LENGTH, SIZE, SECTION_SIZE_BITS" \
	[ "$(hex64 $((M + 0x28))) $(hex32 $((M + 0x30))) $(hex32 $((M + 0x34))) $(hex32 $((M + 0x3c)))" = \
	  "$(vi 'SYMBOL(mem_section)') $(u32 $(vi 'LENGTH(mem_section)')) $(u32 $(vi 'SIZE(mem_section)')) $(u32 $(vi 'NUMBER(SECTION_SIZE_BITS)'))" ]
check "params.mm: SIZE(page), OFFSET(page.private), OFFSET(page._mapcount)" \
	[ "$(hex32 $((M + 0x44))) $(hex32 $((M + 0x50))) $(hex32 $((M + 0x54)))" = \
	  "$(u32 $(vi 'SIZE(page)')) $(u32 $(vi 'OFFSET(page.private)')) $(u32 $(vi 'OFFSET(page._mapcount)'))" ]
check "params.mm: buddy value -129 as a u32, PG_head_mask, PG_lru" \
	[ "$(hex32 $((M + 0x70))) $(hex64 $((M + 0x80))) $(bytes $((M + 0x88)) 1)" = \
	  "$(u32 $(vi 'NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)')) $(h16 $(vi 'NUMBER(PG_head_mask)')) $(printf %02x $(vi 'NUMBER(PG_lru)'))" ]
check "params: region = the payload's own segment" \
	[ "$(hex64 $((Q + 0x10))) $(hex64 $((Q + 0x18)))" = "$(h16 $pay_mem) $(h16 $(seg_field payload memsz))" ]
check "params: actions poweroff/poweroff" [ "$(hex32 $((Q + 0x20)))$(hex32 $((Q + 0x24)))" = 0000000100000001 ]
check "params: no debug exit, COM1, no test flags" \
	[ "$(hex16 $((Q + 0x28))) $(hex16 $((Q + 0x2a))) $(hex32 $((Q + 0x2c)))" = "0000 03f8 00000000" ]
check "params: vmcoreinfo 0x7f71c000 + 0x1024" \
	[ "$(hex64 $((Q + 0x38))) $(hex64 $((Q + 0x40)))" = "$(h16 0x7f71c000) $(h16 0x1024)" ]
check "params: target virtio-blk at 00:04.0" [ "$(bytes $((Q + 0x50)) 8)" = 0100000000040000 ]
check "params: target unit 0, reserved zero" [ "$(bytes $((Q + 0x80)) 16)" = 00000000000000000000000000000000 ]
check "params: target sectors 0 + 16777216 of 512 bytes" \
	[ "$(hex64 $((Q + 0x58))) $(hex64 $((Q + 0x60))) $(hex32 $((Q + 0x68)))" = "$(h16 0) $(h16 16777216) 00000200" ]
check "params: target flags CC_TF_UUID" [ "$(hex32 $((Q + 0x6c)))" = 00000001 ]
uuid=$(bytes $((Q + 0x70)) 16)
is_v4_uuid() { [[ $1 =~ ^[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}$ ]]; }
check "params: uuid is a random (version 4) uuid" is_v4_uuid "$uuid"

nr=$((0x$(hex32 $((Q + 0x30)))))
check "params: 5 ranges (kernel image + 4 RAM)" [ $nr -eq 5 ]
ranges_ok=1 found_text=0 found_backup=0
for ((i = 0; i < nr; i++)); do
	R=$((Q + 0x190 + 32 * i))
	pa=$((0x$(hex64 $R))) sz=$((0x$(hex64 $((R + 8))))) va=$(hex64 $((R + 16))) src=$((0x$(hex64 $((R + 24)))))
	((sz > 0 && sz % 4096 == 0 && pa % 4096 == 0)) || { ranges_ok=0; echo "# range $i not whole pages"; }
	if [[ $va > ffffffff7fffffff ]]; then  # the kernel image
		[ "$va" = $TEXT ] && [ $pa -eq $((0x1000000)) ] && [ $sz -eq $((0x2000000)) ] && [ $i -eq 0 ] && found_text=1
		continue
	fi
	[ "$va" = "$(h16 $((0x$PAGE_OFFSET + pa)))" ] || { ranges_ok=0; echo "# range $i vaddr $va"; }
	((pa + sz <= CRASH_START || pa >= CRASH_END)) || { ranges_ok=0; echo "# range $i overlaps the crash region"; }
	if [ $pa -eq $((0x1000)) ]; then
		[ $src -eq $((bak_mem)) ] && [ $sz -eq $((0x9f000)) ] && found_backup=1
	else
		[ $src -eq $pa ] || { ranges_ok=0; echo "# range $i src"; }
	fi
done
check "params: RAM ranges exclude the crash region, vaddr = page_offset + paddr, whole pages" [ $ranges_ok -eq 1 ]
check "params: first range is the kernel image at _text, paddr from Kernel code, to the end of Kernel bss" [ $found_text -eq 1 ]
check "params: the low 640 KiB range is read from the backup segment" [ $found_backup -eq 1 ]
check "params: 3 note buffers (cpu3 has none)" [ "$(hex32 $((Q + 0x34)))" = 00000003 ]
notes_ok=1
for i in 0 1 2; do
	[ "$(hex64 $((Q + 0x1190 + 16 * i))) $(hex64 $((Q + 0x1198 + 16 * i)))" = "$(h16 0x${NOTES[$i]}) $(h16 368)" ] || notes_ok=0
done
check "params: note buffers = crash_notes and crash_notes_size" [ $notes_ok -eq 1 ]

# The header the load would write.
H=$(head_text | awk '$1 == "header" && $2 == "offset" { print $3 }')
check "header: magic CRASHCAP" [ "$(head -c $((H + 8)) "$D" | tail -c 8)" = CRASHCAP ]
check "header: uuid = params uuid" [ "$(bytes $((H + 0x10)) 16)" = "$uuid" ]
check "header: state empty, data offset 64 KiB, target bytes 8 GiB" \
	[ "$(hex32 $((H + 0x20))) $(hex64 $((H + 0x28))) $(hex64 $((H + 0x40)))" = "00000000 $(h16 65536) $(h16 $((8 << 30)))" ]
check "header: encoding 0, dump_level 0 (none applied yet), level_asked 31, compress 0" \
	[ "$(hex32 $((H + 0x24))) $(hex32 $((H + 0x70))) $(hex32 $((H + 0x74))) $(hex32 $((H + 0x78)))" = \
	  "00000000 00000000 0000001f 00000000" ]
{ tail -c +$((H + 1)) good.dry | head -c 128; head -c $((128 * 1024)) /dev/zero; } >hdr.img
run "$CRASHCAP" status hdr.img
check "header: crashcap status accepts it (checksum) as empty" grep -q '^state *empty' out

# ---- variations ----------------------------------------------------------------------
load sys bad.dry disk.img --test-bad-digest --qemu-exit 0xf4 --test-exception
D=bad.dry
PI=$(($(seg_field purgatory offset) + 0x40)) Q=$(seg_field params offset)
computed=$( { file_image payload; file_image params; } | sha256sum | cut -d' ' -f1)
check "--test-bad-digest: exits 0" [ "$rc" -eq 0 ]
check "--test-bad-digest: staged digest differs from the segments' sha256" [ "$(bytes $((PI + 0x110)) 32)" != "$computed" ]
check "--test-bad-digest: in the first byte only" \
	[ "$(bytes $((PI + 0x111)) 31)" = "${computed:2}" ]
check "--qemu-exit 0xf4 sets debug_exit_port" [ "$(hex16 $((Q + 0x28)))" = 00f4 ]
check "--test-exception sets CC_TEST_EXCEPTION" [ "$(hex32 $((Q + 0x2c)))" = 00000001 ]
check "default action is reboot" [ "$(hex32 $((Q + 0x20)))$(hex32 $((PI + 0x158)))" = 0000000000000000 ]
check "summary flags the test settings" grep -q "TEST: wrong digest staged; TEST: payload raises #UD" out

# at FILE: read the dry run in FILE from now on (sets D, Q, H)
at() { D=$1 Q=$(seg_field params offset) H=$(head_text | awk '$1 == "header" && $2 == "offset" { print $3 }'); }
# params_mode FILE: "options dump_level compress" of the dry run in FILE
params_mode() { at "$1"; echo "$(hex32 $((Q + 0x2190))) $(hex32 $((Q + 0x2194))) $(hex32 $((Q + 0x2198)))"; }
load sys raw.dry disk.img --dump-level 0 --compress none
check "--dump-level 0 --compress none: exits 0, nothing on stderr" [ "$rc" -eq 0 -a ! -s err ]
check "--dump-level 0 --compress none: options 0, level 0, compress none (0)" \
	[ "$(params_mode raw.dry)" = "00000000 00000000 00000000" ]
at raw.dry
check "--dump-level 0 --compress none: header level_asked 0" [ "$(hex32 $((H + 0x74)))" = 00000000 ]
check "--dump-level 0 --compress none: summary says raw ELF" grep -q "^format *raw ELF core file" out
check "--dump-level 0 --compress none: zero runs are left out" grep -q "^zeros *runs of zero memory" out

load sys keep.dry disk.img --keep-zeros
check "--keep-zeros: exits 0" [ "$rc" -eq 0 ]
check "--keep-zeros: CC_OPT_KEEP_ZEROS, and the raw ELF (level 0, compress none)" \
	[ "$(params_mode keep.dry)" = "00000001 00000000 00000000" ]
check "--keep-zeros: the summary says every byte is written" grep -q "^zeros *kept: every byte" out
load sys keep2.dry disk.img --keep-zeros --dump-level 0 --compress none
check "--keep-zeros --dump-level 0 --compress none: the same" \
	[ "$rc" -eq 0 -a "$(params_mode keep2.dry)" = "00000001 00000000 00000000" ]

load sys l10.dry disk.img --dump-level 010
check "--dump-level 010 is ten (decimal, not octal), compress lz4" \
	[ "$rc" -eq 0 -a "$(params_mode l10.dry)" = "00000000 0000000a 00000001" ]
at l10.dry
check "--dump-level 010: header level_asked 10" [ "$(hex32 $((H + 0x74)))" = 0000000a ]
load sys l0.dry disk.img --dump-level 0
check "--dump-level 0 alone: the framed format, every page kept, lz4" \
	[ "$rc" -eq 0 -a "$(params_mode l0.dry)" = "00000000 00000000 00000001" ]
check "--dump-level 0 alone: summary says nothing is left out" grep -q "^level *0: leave out nothing" out
load sys l1.dry disk.img --dump-level 1 --compress none
check "--dump-level 1 --compress none: the framed format, stored blocks" \
	[ "$rc" -eq 0 -a "$(params_mode l1.dry)" = "00000000 00000001 00000000" ]
check "--dump-level 1 --compress none: summary" \
	grep -q "^format *filtered pages in LZ4 frames, stored uncompressed (--compress none)" out
check "--dump-level 1: the level line names zero pages" grep -q "^level *1: leave out zero pages$" out

# Without /proc/cpuinfo's APIC IDs (another architecture's, or none): one
# note, and no CPU for the payload to start (docs/smp.md).
cp -r sys nocpus && printf 'processor\t: 0\nBogoMIPS\t: 50.00\n\n' >nocpus/proc/cpuinfo
load nocpus nocpus.dry disk.img
D=nocpus.dry Q=$(seg_field params offset)
check "without APIC IDs in /proc/cpuinfo: exits 0, one note naming it" \
	eval '[ "$rc" -eq 0 ] && [ "$(wc -l <err)" -eq 1 ] && grep -q "no local APIC IDs in nocpus/proc/cpuinfo: the payload packs LZ4 blocks on its own CPU only" err'
check "without APIC IDs: params.cpus all zero" [ "$(bytes $((Q + 0x22d0)) 264)" = "$(printf '%0528d' 0)" ]

ZERO_MM=$(printf '0%.0s' {1..512})   # 256 zero bytes in hex
cp -r sys nokcore && rm nokcore/proc/kcore
load nokcore nokcore.dry disk.img
D=nokcore.dry Q=$(seg_field params offset)
check "without /proc/kcore: exits 0" [ "$rc" -eq 0 ]
check "without /proc/kcore: two notes, the page_offset fallback and zero pages only" \
	[ "$(wc -l <err)" -eq 2 -a "$(grep -c "assuming 0x$DEFAULT_PAGE_OFFSET" err)" -eq 1 -a \
	  "$(grep -c "cannot read the VMCOREINFO text for --dump-level 31 (nokcore/proc/kcore: No such file.*only zero pages will be left out" err)" -eq 1 ]
check "without /proc/kcore: params.mm all zero (version 0)" [ "$(bytes $((Q + 0x21a0)) 256)" = "$ZERO_MM" ]
check "without /proc/kcore: summary says level 1 is what can be done" \
	grep -q "^level *31 asked, only 1 possible: leave out zero pages" out
check "without /proc/kcore: vaddr = 0xffff888000000000 + paddr" \
	[ "$(hex64 $((Q + 0x190 + 32 * 2 + 16)))" = "$(h16 $((0x$DEFAULT_PAGE_OFFSET + 0x100000)))" ]

cp -r sys novmci && make_kcore novmci/proc/kcore ""
load novmci novmci.dry disk.img
at novmci.dry
check "kcore without a VMCOREINFO note: exits 0, one note" \
	[ "$rc" -eq 0 -a "$(wc -l <err)" -eq 1 -a "$(grep -c "no VMCOREINFO note in its PT_NOTE.*only zero pages" err)" -eq 1 ]
check "kcore without a VMCOREINFO note: params.mm all zero, level still 31" \
	[ "$(bytes $((Q + 0x21a0)) 256)" = "$ZERO_MM" -a "$(hex32 $((Q + 0x2194)))" = 0000001f ]
load novmci novmci1.dry disk.img --dump-level 1
at novmci1.dry
check "--dump-level 1 does not need VMCOREINFO: no note, mm zero" \
	[ "$rc" -eq 0 -a ! -s err -a "$(bytes $((Q + 0x21a0)) 256)" = "$ZERO_MM" ]
load novmci novmci8.dry disk.img --dump-level 8
check "--dump-level 8 without VMCOREINFO: the note says no page will be left out" \
	[ "$rc" -eq 0 -a "$(grep -c "for --dump-level 8 .*: no page will be left out$" err)" -eq 1 ]
check "--dump-level 8 without VMCOREINFO: summary says level 0 is what can be done" \
	grep -q "^level *8 asked, only 0 possible: leave out nothing" out

grep -v '^NUMBER(PG_lru)=' "$VMCOREINFO_TEXT" >nolru.txt
cp -r sys nolru && make_kcore nolru/proc/kcore nolru.txt
load nolru nolru.dry disk.img
at nolru.dry
check "VMCOREINFO the parser refuses (no PG_lru): exits 0, one note with its reason" \
	[ "$rc" -eq 0 -a "$(wc -l <err)" -eq 1 -a "$(grep -c "no page types for --dump-level 31.*PG_lru" err)" -eq 1 ]
check "VMCOREINFO the parser refuses: params.mm all zero" [ "$(bytes $((Q + 0x21a0)) 256)" = "$ZERO_MM" ]

cp -r sys twocrash
sed -i 's/^100000000-17fffffff : System RAM$/&\n  170000000-17fffffff : Crash kernel/' twocrash/proc/iomem
load twocrash two.dry disk.img
D=two.dry Q=$(seg_field params offset)
check "two crash regions: exits 0" [ "$rc" -eq 0 ]
check "two crash regions: segments go into the highest" \
	[ "$(head_text | awk '$1 == "region" { print $2, $3 }')" = "0x170000000 0x180000000" ]
excl_ok=1
for ((i = 0; i < $((0x$(hex32 $((Q + 0x30))))); i++)); do
	R=$((Q + 0x190 + 32 * i)) pa=$((0x$(hex64 $((Q + 0x190 + 32 * i))))) sz=$((0x$(hex64 $((R + 8)))))
	[[ $(hex64 $((R + 16))) > ffffffff7fffffff ]] && continue
	((pa + sz <= 0x2f000000 || pa >= 0x30000000)) || excl_ok=0
	((pa + sz <= 0x170000000 || pa >= 0x180000000)) || excl_ok=0
done
check "two crash regions: both are left out of the ranges" [ $excl_ok -eq 1 ]

truncate -s 1G small.img
load sys small.dry small.img --dump-level 0 --compress none
check "small target, raw ELF: loads (exit 0), nothing on stderr" [ "$rc" -eq 0 -a ! -s err ]
check "small target, raw ELF: summary says it is too small" grep -q "TARGET TOO SMALL" out
load sys small.dry small.img
check "small target, level 31 lz4: loads (exit 0)" [ "$rc" -eq 0 ]
check "small target, level 31 lz4: one note that the dump may not fit" \
	[ "$(wc -l <err)" -eq 1 -a "$(grep -c "note: target small.img has room for 1023 MiB.*may not fit" err)" -eq 1 ]
check "small target, level 31 lz4: summary says may not fit" grep -q "^dump .*room for 1023 MiB: may not fit" out

"$MKTARGET" full.img --state complete --written 8192 --size $((1 << 30)) >/dev/null || exit 1
load sys f.dry full.img
refused "target with an unsaved dump refused" "holds a dump not saved yet.*crashcap save.*--force"
load sys f.dry full.img --force
check "--force discards the unsaved dump" [ "$rc" -eq 0 ]
"$MKTARGET" saved.img --state saved --written 8192 --size $((1 << 30)) >/dev/null || exit 1
load sys s.dry saved.img
check "a saved target is reused without --force" [ "$rc" -eq 0 ]

truncate -s 1G xfs.img && printf XFSB | dd of=xfs.img conv=notrunc status=none
load sys x.dry xfs.img
refused "target with a filesystem signature refused" "holds an XFS filesystem (not mounted).*--force"
load sys x.dry xfs.img --force
check "--force overrides a signature" [ "$rc" -eq 0 ]

# ---- refusals: one line, exit non-zero -------------------------------------------------
cp -r sys hidden && sed -i 's/^\( *\)[0-9a-f]*-[0-9a-f]* :/\100000000-00000000 :/' hidden/proc/iomem
load hidden h.dry disk.img
refused "unprivileged /proc/iomem (all zeros): run as root" "every address as 0.*run crashcap load as root"

cp -r sys nocrash && sed -i '/Crash kernel/d' nocrash/proc/iomem
load nocrash n.dry disk.img
refused "no crashkernel= reservation" "add crashkernel=16M to the kernel command line"

cp -r sys tiny && sed -i 's/2f000000-2fffffff : Crash kernel/2f000000-2f0fffff : Crash kernel/' tiny/proc/iomem
load tiny t.dry disk.img
refused "crash region too small: says how much is needed" "is 1024 KiB, crashcap needs [0-9]* KiB.*use crashkernel=2M$"
check "...and writes no dry-run file" [ ! -e t.dry ]

cp -r sys locked && echo "none [integrity] confidentiality" >locked/sys/kernel/security/lockdown
load locked l.dry disk.img --syscall load
refused "locked down (integrity), --syscall load: says to use --syscall file and a signed image" \
	"locked down (integrity).*refuses kexec_load: use --syscall file with a signed capture.efi"
echo "none integrity [confidentiality]" >locked/sys/kernel/security/lockdown
load locked l.dry disk.img --syscall load
refused "locked down (confidentiality), --syscall load" "locked down (confidentiality)"

# ---- kexec_file_load (capture.efi): chosen under lockdown, or asked -------------------
EFI=$(dirname "$CRASHCAP")/capture.efi BIN=$(dirname "$CRASHCAP")/capture.bin
load locked lf.dry disk.img --action poweroff
check "locked down: kexec_file_load chosen, and the summary says why" \
	grep -q "^syscall *kexec_file_load: the kernel is locked down (confidentiality), and a locked-down kernel refuses kexec_load$" out
load sys f.dry disk.img --syscall file --action poweroff
check "--syscall file: exit 0, nothing on stderr" [ "$rc" -eq 0 ] && check "...stderr empty" [ ! -s err ]
check "--syscall file: the summary says so" grep -q "^syscall *kexec_file_load (--syscall file)$" out
check "--syscall file: the summary names the built-in capture.efi and the empty command line" \
	grep -q '^image *built-in capture.efi, .*initrd: the parameter block, 9176 bytes; command line ""$' out
load sys n.dry disk.img
check "not locked down, no option: kexec_load, and why" grep -q "^syscall *kexec_load: the kernel is not locked down$" out
D=f.dry
check "file head: flags 0x2 (KEXEC_FILE_ON_CRASH), entry 0, 2 segments" \
	[ "$(head_field flags) $(head_field entry) $(head_field segments)" = "0x2 0x0 2" ]
check "file head: syscall and command line lines" \
	[ "$(head_text | grep -E '^(syscall|cmdline) ')" = "$(printf 'syscall kexec_file_load\ncmdline ""')" ]
check "file: the image segment is build/capture.efi, byte for byte" \
	cmp -s <(tail -c +$(($(seg_field image offset) + 1)) "$D" | head -c $(($(seg_field image bufsz)))) "$EFI"
Q=$(seg_field initrd offset)
check "file: the initrd is a parameter block of 0x23d8 bytes" \
	[ "$(seg_field initrd bufsz) $(hex64 $Q) $(hex32 $((Q + 8)))" = "0x23d8 534d415241504343 00000006" ]
check "file: its region is the whole crash region (the kernel places the image)" \
	[ "$(hex64 $((Q + 0x10))) $(hex64 $((Q + 0x18)))" = "$(h16 $CRASH_START) $(h16 $((CRASH_END - CRASH_START)))" ]
check "file: no ranges, no note buffers, no VMCOREINFO (the kernel's ELF header has them)" \
	[ "$(hex32 $((Q + 0x30))) $(hex32 $((Q + 0x34))) $(hex64 $((Q + 0x38))) $(hex64 $((Q + 0x40)))" = \
	  "00000000 00000000 $(h16 0) $(h16 0)" ]
check "file: action poweroff, serial 0x3f8, target kind virtio-blk at 00:04.0" \
	[ "$(hex32 $((Q + 0x20))) $(hex16 $((Q + 0x2a))) $(hex32 $((Q + 0x50))) $(bytes $((Q + 0x54)) 3)" = \
	  "00000001 03f8 00000001 000400" ]

# --image: this crashcap's capture.efi, signed or not; nothing else
cp "$EFI" own.efi
load sys i.dry disk.img --image own.efi
check "--image (a copy of capture.efi): accepted, kexec_file_load (--image)" \
	grep -q "^syscall *kexec_file_load (--image)$" out
check "--image: the image segment is the file's bytes" \
	cmp -s <(D=i.dry; tail -c +$(($(seg_field image offset) + 1)) "$D" | head -c $(($(seg_field image bufsz)))) own.efi
if command -v sbsign >/dev/null && command -v openssl >/dev/null; then
	openssl req -new -x509 -newkey rsa:2048 -nodes -keyout sign.key -out sign.crt -days 2 \
		-subj "/CN=crashcap load test/" >/dev/null 2>&1
	sbsign --key sign.key --cert sign.crt --output signed.efi own.efi >/dev/null 2>&1
	load sys s.dry disk.img --image signed.efi
	check "--image of an sbsign'ed capture.efi: accepted, its bytes (signature included) passed" \
		cmp -s <(D=s.dry; tail -c +$(($(seg_field image offset) + 1)) "$D" | head -c $(($(seg_field image bufsz)))) signed.efi
else
	fail "sbsign or openssl missing (scripts/deps.sh installs sbsigntool and openssl)"
fi
cp "$EFI" other.efi && printf '\x90' | dd of=other.efi bs=1 seek=$((1024 + 0x300)) conv=notrunc status=none
load sys o.dry disk.img --image other.efi
refused "--image with another payload: refused, says to sign this crashcap's capture.efi" \
	"other.efi carries another payload than this crashcap's.*sign the capture.efi installed with this crashcap"
check "...and writes no dry-run file" [ ! -e o.dry ]
load sys o.dry disk.img --image "$BIN"
refused "--image capture.bin (not a bzImage): refused" "is not a crashcap capture.efi"
load sys o.dry disk.img --image nothing-here.efi
refused "--image of a missing file: one line naming it" "--image nothing-here.efi: No such file"
load sys o.dry disk.img --image own.efi --syscall load
refused "--image with --syscall load: refused" "--image loads a signed capture.efi through kexec_file_load"
load sys o.dry disk.img --syscall kexec
refused "--syscall kexec: says file or load" "--syscall kexec: use file (kexec_file_load) or load (kexec_load)"
load sys o.dry disk.img --syscall file --test-bad-digest
refused "--syscall file --test-bad-digest: refused (no crashcap purgatory there)" "only kexec_load uses"

cp -r sys swap && printf '/disk.img file 1048572 0 -2\n' >>swap/proc/swaps && ln "$W/disk.img" swap/disk.img
load swap w.dry swap/disk.img
refused "target in use as swap" "in use as swap.*--force does not override"
load swap w.dry swap/disk.img --force
refused "target in use as swap, even with --force" "in use as swap"

cp -r sys mounted && ln "$W/disk.img" mounted/disk.img &&
	printf '30 22 7:0 / /mnt rw - ext4 /disk.img rw\n' >>mounted/proc/self/mountinfo
load mounted m.dry mounted/disk.img --force
refused "mounted target refused, even with --force" "is mounted on /mnt.*--force does not override"

load sys x.dry missing.img
refused "missing target" "missing.img: No such file"
run "$CRASHCAP" load --root sys --dry-run x.dry --target disk.img
refused "regular file without --test-target-pci: not a block device" "not a block device"
run "$CRASHCAP" load --root sys --dry-run x.dry --target "$W"
refused "directory target: not a block device" "is a directory, not a block device"
run "$CRASHCAP" load --root sys --dry-run x.dry --target disk.img --test-target-pci 00:40.0
refused "bad --test-target-pci" "not a PCI address"
truncate -s 32K tinydisk.img
load sys x.dry tinydisk.img
refused "target too small for even the header" "too small even for the crashcap header"

cp -r sys unreadable && rm unreadable/sys/devices/system/cpu/cpu1/crash_notes && mkdir unreadable/sys/devices/system/cpu/cpu1/crash_notes
load unreadable x.dry disk.img
refused "unreadable crash_notes" "cannot read .*cpu1/crash_notes"

# Usage errors: exit 2, one line.
usage() { if [ "$rc" -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && err_has "$2"; then ok "$1"; else fail "$1 (rc $rc)"; fi; }
run "$CRASHCAP" load --root sys --target disk.img --test-target-pci 00:04.0
usage "--root without --dry-run" "needs --dry-run"
run "$CRASHCAP" load --dry-run x.dry --target disk.img --test-target-pci 00:04.0 --root sys --action explode
usage "bad --action" "use reboot, poweroff or halt"
run "$CRASHCAP" load --test-target-pci 00:04.0 --target disk.img
usage "--test-target-pci without --dry-run" "needs --dry-run"
run "$CRASHCAP" load --dry-run x.dry --root sys
usage "no --target" "usage: crashcap load"
run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --qemu-exit 0x10000
usage "bad --qemu-exit" "qemu-exit"
rm -f x.dry
for bad in 32 1x 0x1f -1 "" " 3" 4294967327; do
	run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --test-target-pci 00:04.0 --dump-level "$bad"
	usage "bad --dump-level '$bad'" "dump-level $bad: give a decimal number 0..31"
done
run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --test-target-pci 00:04.0 --compress zstd
usage "bad --compress" "compress zstd: use lz4 or none"
run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --test-target-pci 00:04.0 --dump-level
usage "--dump-level without a value" "dump-level needs an argument"
run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --test-target-pci 00:04.0 --keep-zeros --dump-level 31
usage "--keep-zeros with --dump-level 31" "keep-zeros .*cannot go with --dump-level 31 --compress none"
run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --test-target-pci 00:04.0 --compress lz4 --keep-zeros
usage "--keep-zeros with --compress lz4" "keep-zeros .*cannot go with --dump-level 0 --compress lz4"
check "...and no dry-run file" [ ! -e x.dry ]
run "$CRASHCAP" unload now
usage "unload takes no arguments" "usage: crashcap unload"

# ---- a dry run never writes DEV (issue 10) -----------------------------------------
truncate -s 1G self.img
sum_self() { sha256sum self.img | cut -d' ' -f1; }
before=$(sum_self)
ln -s self.img self.link
ln self.img self.hard
mkfifo dry.fifo
for f in self.img self.link self.hard; do
	run timeout 20 "$CRASHCAP" load --root sys --dry-run $f --target self.img --test-target-pci 00:04.0
	refused "--dry-run $f, the target itself: refused" "dry run: $f is the target self.img itself"
done
check "...the target unchanged (it was overwritten by the dry run)" [ "$(sum_self)" = "$before" ]
check "...the symlink still a symlink" [ -L self.link ]
run timeout 20 "$CRASHCAP" load --root sys --dry-run dry.fifo --target disk.img --test-target-pci 00:04.0
refused "--dry-run FIFO: refused at once, by its type" "dry run: dry.fifo is a FIFO"
run timeout 20 "$CRASHCAP" load --root sys --dry-run /dev/null --target disk.img --test-target-pci 00:04.0
refused "--dry-run a character device: refused" "dry run: /dev/null is a character device"
printf 'old text that is longer than nothing\n%.0s' $(seq 2000) >old.dry
load sys old.dry disk.img
check "--dry-run over an existing regular file: replaced whole" \
	eval '[ "$rc" -eq 0 ] && [ "$(head -n1 old.dry)" = "crashcap-dry-run 1" ] && ! grep -q "old text" old.dry'

# ---- strict options (issue 10) --------------------------------------------------------
load sys q10.dry disk.img --qemu-exit 010
at q10.dry
check "--qemu-exit 010 is ten (decimal), not octal 8" [ "$(hex16 $((Q + 0x28)))" = 000a ]
load sys q16.dry disk.img --qemu-exit 0xF4
at q16.dry
check "--qemu-exit 0xF4 is hex" [ "$(hex16 $((Q + 0x28)))" = 00f4 ]
for bad in 0x 08x 1e3 " 10" -1 +10 0 0x0 65536 0o10; do
	run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --test-target-pci 00:04.0 --qemu-exit "$bad"
	usage "bad --qemu-exit '$bad'" "qemu-exit $bad: give .*decimal.*0x"
done
for twice in "--action halt --action reboot" "--dump-level 1 --dump-level 31" "--target disk.img" \
	"--force --force" "--compress lz4 --compress none" "--dry-run y.dry" "--keep-zeros --keep-zeros" \
	"--qemu-exit 1 --qemu-exit 2" "--root sys"; do
	# shellcheck disable=SC2086
	run "$CRASHCAP" load --dry-run x.dry --root sys --target disk.img --test-target-pci 00:04.0 $twice
	usage "repeated option: ${twice%% *} given twice" "load: ${twice%% *} given twice"
done
check "...and no dry-run file" [ ! -e x.dry ]
run "$CRASHCAP" load --help
check "load --help: usage on stdout, exit 0" eval '[ "$rc" -eq 0 ] && [ ! -s err ] && grep -q "crashcap load \[--target DEV\]" out'
run "$CRASHCAP" unload --help
check "unload --help: usage on stdout, exit 0" eval '[ "$rc" -eq 0 ] && [ ! -s err ] && grep -q "crashcap unload" out'

# ---- without privileges: refused before any system call ------------------------------
# As root, drop to nobody (which also drops every capability); the kernel
# would refuse kexec_load anyway.  Skipped if setpriv is missing.
if [ "$(id -u)" -eq 0 ]; then
	if command -v setpriv >/dev/null; then
		chmod 755 "$W" && cp "$CRASHCAP" "$W/crashcap" && chmod 755 "$W/crashcap" && chmod 644 disk.img
		as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
	else
		as_user=; echo "# setpriv missing: skipping the unprivileged checks"
	fi
else
	as_user() { "$@"; }
	cp "$CRASHCAP" "$W/crashcap"
fi
if declare -F as_user >/dev/null; then
	run as_user "$W/crashcap" load --target "$W/disk.img"
	refused "load without root: one line" "must run as root.*CAP_SYS_BOOT"
	run as_user "$W/crashcap" unload
	refused "unload without root: one line" "must run as root"
	run as_user "$W/crashcap" load --dry-run "$W/u.dry" --target "$W/disk.img" --test-target-pci 00:04.0
	refused "dry run of the real /proc/iomem without root: run as root" "run crashcap load as root"
fi

# ---- the config file (--config FILE; docs/service.md): what the command line leaves out ----
printf '# test\nDUMP_LEVEL=17\nCOMPRESS=none\nACTION=halt\n' >c1.conf
load sys cfg.dry disk.img --config c1.conf
check "config: exits 0, nothing on stderr" [ "$rc" -eq 0 -a ! -s err ]
check "config: DUMP_LEVEL=17 and COMPRESS=none from the file: params level 17, compress none" \
	[ "$(params_mode cfg.dry)" = "00000000 00000011 00000000" ]
check "config: ACTION=halt from the file: the summary says then halt" grep -q "^then *halt," out
load sys cfg2.dry disk.img --config c1.conf --dump-level 3 --compress lz4 --action poweroff
check "config: the command line overrides every key: level 3, lz4" \
	[ "$rc" -eq 0 -a "$(params_mode cfg2.dry)" = "00000000 00000003 00000001" ]
check "config: the command line overrides ACTION: then poweroff" grep -q "^then *poweroff," out
printf 'DUMP_LEVEL=17\nCOMPRES=none\n' >bad.conf
rm -f bad.dry
load sys bad.dry disk.img --config bad.conf
refused "config: an unknown key: one line naming the file and line" "^crashcap: bad.conf:2: unknown key COMPRES "
check "config: an unknown key: exit 1, no dry run written" [ "$rc" -eq 1 -a ! -e bad.dry ]
printf 'DUMP_LEVEL=17\nDUMP_LEVEL=3\n' >twice.conf
load sys bad.dry disk.img --config twice.conf --dump-level 5
refused "config: a key set twice is refused, even when the command line overrides it" \
	"^crashcap: twice.conf:2: DUMP_LEVEL is set twice (first on line 1)$"
load sys bad.dry disk.img --config none.conf
refused "config: --config FILE that does not exist" "^crashcap: none.conf: No such file or directory$"
printf 'TARGET=/dev/disk/by-id/crashcap-test-no-such-disk\n' >t.conf
run "$CRASHCAP" load --root sys --dry-run bad.dry --test-target-pci 00:04.0 --config t.conf
refused "config: a TARGET that does not exist: one line naming it, the file and the line" \
	"^crashcap: load: TARGET=/dev/disk/by-id/crashcap-test-no-such-disk (t.conf line 1): No such file or directory: is the disk attached"
printf 'TARGET=/dev/sdb\n' >t2.conf
run "$CRASHCAP" load --root sys --dry-run bad.dry --test-target-pci 00:04.0 --config t2.conf
refused "config: TARGET must be a stable name" "^crashcap: t2.conf:1: TARGET=/dev/sdb: give a stable name"
run "$CRASHCAP" load --root sys --dry-run bad.dry --test-target-pci 00:04.0 --config c1.conf
usage "config: no --target and no TARGET in the file" "no --target, and no TARGET in c1.conf"
ln -sf disk.img link.img
load sys link.dry link.img
check "a symlinked target (as /dev/disk/by-id/...): resolved, both named in the summary" \
	grep -q "^target *link.img ($PWD/disk.img): " out
rm -f cfg.dry cfg2.dry link.dry link.img
printf 'IMAGE=%s\n' "$PWD/own.efi" >img.conf
load sys img.dry disk.img --config img.conf
check "config IMAGE=: kexec_file_load of that file, as --image" \
	grep -q "^syscall *kexec_file_load (--image)$" out && grep -q "^image *$PWD/own.efi, " out
load sys img2.dry disk.img --config img.conf --syscall load
check "config IMAGE= with --syscall load: kexec_load, the image unused" \
	[ "$rc" -eq 0 ] && grep -q "^syscall *kexec_load (--syscall load)$" out

# ---- crashcap config: the file over the defaults, as shell assignments ----
run "$CRASHCAP" config --config c1.conf
check "config: prints every key, the file's values over the defaults" \
	[ "$rc" -eq 0 -a "$(grep -v '^#' out | tr '\n' ' ')" = "TARGET='' TARGET_DEV='' DUMP_LEVEL=17 COMPRESS=none ACTION=halt SAVE_DIR='/var/crash' SAVE_FORMAT=elf KEEP=0 IMAGE='' HANG_RECORD=no " ]
check "config: its output is shell that sets them" \
	[ "$(sh -c '. ./out; echo "$DUMP_LEVEL $ACTION $SAVE_DIR"')" = "17 halt /var/crash" ]
run "$CRASHCAP" config --config c1.conf --has-target
check "config --has-target without TARGET: exit 1 (ExecCondition: skip), says so" \
	[ "$rc" -eq 1 ] && grep -q "no TARGET in c1.conf" out
run "$CRASHCAP" config --config t.conf --has-target
check "config --has-target with TARGET: exit 0" [ "$rc" -eq 0 ]
run "$CRASHCAP" config --config bad.conf --has-target
check "config --has-target, a bad file: exit 255 (ExecCondition: fail), one line" \
	[ "$rc" -eq 255 ] && failed_one_line && err_has "bad.conf:2: unknown key COMPRES"
run "$CRASHCAP" config --config bad.conf
refused "config, a bad file: exit 1, one line" "bad.conf:2: unknown key COMPRES"
rm -f c1.conf bad.conf twice.conf t.conf t2.conf bad.dry

echo "$failures failed"
[ "$failures" -eq 0 ]

#!/usr/bin/env bash
# tests/qemu/direct_test.sh CASE - the payload booted directly by QEMU
# (multiboot), no Linux: known random patterns are placed at known physical
# addresses, the payload dumps to a virtio-blk or AHCI target that is a
# window in the middle of a disk full of random bytes, and the host checks
# real bytes: the header, the core file (readelf, layout against QEMU's
# memory map, every pattern at its address) and that not one byte outside
# the window changed.
# Cases: pc-modern pc-legacy q35-modern q35-legacy cpu-max bridge highmem-q35
#        highmem-pc small-target io-error no-device bad-cmdline exception
#        poweroff wrong-uuid right-uuid zeros-keep
#        ahci-q35 ahci-port3 ahci-highmem ahci-dma32 ahci-io-error ahci-no-device
#        (q35's ICH9 AHCI at 00:1f.2; -device ide-hd,bus=ide.N is port N)
#        nvme-q35 nvme-ns2 nvme-highmem nvme-io-error nvme-no-device nvme-wrong-id
#        nvme-pages (an NVMe controller at 00:05.0 on q35; nvme-ns2: two
#        namespaces, the dump to nsid 2, nsid 1's disk must stay as it is)
#        vtd vtd-on amdvi-on vtd-stuck (an IOMMU in front of the disk: docs/iommu.md)
#        pages-lz4 pages-stored ahci-pages pages-small-target pages-io-error
#        (the filtered stream, CC_ENC_PAGES: zero pages only, as there is no
#        crashed kernel to classify pages by)
# KEEP_W=1 keeps the work directory (disk, console log) for a look by hand.
set -u
. "$(dirname "$0")/lib.sh"

CASE=${1:?usage: direct_test.sh CASE}
W=$(mktemp -d "${TMPDIR:-/tmp}/cc-direct.XXXXXX")
trap '[ -n "${KEEP_W:-}" ] || rm -rf "$W"' EXIT

GUARD_SECTORS=2048          # 1 MiB of random bytes before and after the window
machine=pc mem_mib=256 virtio=modern busarg="addr=04.0" bdf=00:04.0
disk_kind=virtio ahci_port=0 nvme_ns=1 nvme_serial=CCNVME0001
extra_append="" extra_qemu=() window_mib="" drive_opts=""
patterns=(0x1000000:1024 0x4000123:64 0x8000000:4096 0xc000000:512)
expect_exit=$EXIT_OK

case $CASE in
pc-modern) ;;
pc-legacy) virtio=legacy ;;
q35-modern) machine=q35 ;;
q35-legacy) machine=q35 virtio=legacy ;;
cpu-max) # a CPU with 1 GiB pages: the page-table builder uses them
	machine=q35 mem_mib=3072 extra_qemu=(-cpu max) patterns=(0x1000000:1024 0x7f000000:1024 0x100000000:2048 0x13ff00000:1024) ;;
bridge) # behind a PCI-PCI bridge: enumeration must follow secondary buses
	extra_qemu=(-device pci-bridge,id=br1,chassis_nr=1,addr=05.0); busarg="bus=br1,addr=01.0"; bdf=01:01.0 ;;
highmem-q35) machine=q35 mem_mib=5120
	patterns=(0x1000000:1024 0x100000000:2048 0x17ff00000:1024 0x1bff00000:1024) ;;
highmem-pc) machine=pc mem_mib=5120
	patterns=(0x1000000:1024 0xbff00000:512 0x100000000:2048 0x17ff00000:1024) ;;
zeros-keep) extra_append="zeros=keep" ;; # every byte written: no zero-run elision
# The filtered, framed stream (CC_ENC_PAGES).  Booted directly there is no
# crashed kernel and so no page-type description: only zero pages can be left
# out, whatever level is asked.
pages-lz4) extra_append="level=1 compress=lz4" ;;
pages-stored) extra_append="level=31 compress=none" ;;
ahci-pages) machine=q35 disk_kind=ahci bdf=00:1f.2 extra_append="level=31 compress=lz4" ;;
pages-small-target) window_mib=64 expect_exit=$EXIT_TARGET_FULL patterns=(0x2000000:98304) extra_append="level=1 compress=lz4" ;;
pages-io-error) expect_exit=$EXIT_IO patterns=(0x2000000:98304) extra_append="level=1 compress=lz4" ;;
# 96 MiB of random bytes in RAM: the core file, zero runs left out, is still
# larger than the window (small-target) and reaches the failing sector (io-error)
small-target) window_mib=64 expect_exit=$EXIT_TARGET_FULL patterns=(0x2000000:98304) ;;
io-error) expect_exit=$EXIT_IO patterns=(0x2000000:98304) ;;
no-device) expect_exit=$EXIT_NO_DEVICE ;;
bad-cmdline) extra_append="colour=blue" expect_exit=$EXIT_PARAMS ;;
exception) extra_append="test=exception" expect_exit=$EXIT_EXCEPTION ;;
poweroff) expect_exit=0 ;;
wrong-uuid) extra_append="uuid=11111111-2222-4333-8444-555555555555" expect_exit=$EXIT_WRONG_DISK ;;
right-uuid) extra_append="uuid=11111111-2222-4333-8444-555555555555" ;;
nvme-*) machine=q35 disk_kind=nvme bdf=00:05.0
	case $CASE in
	nvme-q35) extra_append="disk_id=serial:$nvme_serial" # the right identity: written
		# 64 MiB of random bytes: 128 writes of 512 KiB, the 64-entry queues wrap twice
		patterns=(0x1000000:1024 0x2000000:65536 0x8000000:4096 0xc000000:512) ;;
	nvme-ns2) nvme_ns=2 extra_append="disk_id=eui64:00c0ffee00000002" ;;
	nvme-highmem) mem_mib=5120 # PRPs and PRP lists above 4 GiB
		patterns=(0x1000000:1024 0x100000000:2048 0x17ff00000:1024 0x1bff00000:1024) ;;
	nvme-io-error) expect_exit=$EXIT_IO patterns=(0x2000000:98304) ;;
	nvme-no-device) nvme_ns=2 expect_exit=$EXIT_NO_DEVICE ;; # only nsid 1 exists
	nvme-wrong-id) extra_append="disk_id=serial:CCNVME0009" expect_exit=$EXIT_WRONG_DISK ;;
	nvme-pages) extra_append="level=1 compress=lz4" ;;
	*) echo "unknown case $CASE"; exit 2 ;;
	esac ;;
vtd|vtd-on|amdvi-on) # virtio-blk behind QEMU's IOMMU (iommu_platform=on: its DMA is translated)
	machine=q35 iommu_platform=1 extra_qemu=(-device intel-iommu)
	[ "$CASE" = amdvi-on ] && extra_qemu=(-device amd-iommu)
	[ "$CASE" = vtd ] || extra_append="test=iommu-on" ;; # translation on, blocking all DMA, first
vtd-stuck) # a DMAR naming a "unit" in RAM whose GSTS says TES=1 and never changes
	machine=q35 expect_exit=$EXIT_IOMMU fake_unit=0x9000000
	{ printf 'DMAR\x40\0\0\0\x01\0CCTEST'; head -c 20 /dev/zero; printf '\x26'; head -c 11 /dev/zero
	  printf '\0\0\x10\0\x01\0\0\0\0\0\0\x09\0\0\0\0'; } > "$W/dmar.bin" # DRHD at 0x9000000
	{ printf '\x10'; head -c 27 /dev/zero; printf '\0\0\0\x80'; head -c 4064 /dev/zero; } > "$W/unit.bin" # VER 1.0, GSTS.TES
	extra_qemu=(-acpitable "file=$W/dmar.bin" -device "loader,file=$W/unit.bin,addr=$fake_unit,force-raw=on") ;;
ahci-*) machine=q35 disk_kind=ahci bdf=00:1f.2
	case $CASE in
	ahci-q35) ;;
	ahci-port3) ahci_port=3 ;; # and another disk on port 0 that must stay as it is
	ahci-highmem) mem_mib=5120 # PRDs above 4 GiB (CAP.S64A)
		patterns=(0x1000000:1024 0x100000000:2048 0x17ff00000:1024 0x1bff00000:1024) ;;
	ahci-dma32) mem_mib=2880 extra_append="test=dma32" # bounced below 4 GiB
		patterns=(0x1000000:1024 0x7e000000:1024 0x100000000:2048 0x133f00000:1024) ;;
	ahci-io-error) expect_exit=$EXIT_IO patterns=(0x2000000:98304) ;;
	ahci-no-device) ahci_port=1 expect_exit=$EXIT_NO_DEVICE ;; # the disk is on port 0
	*) echo "unknown case $CASE"; exit 2 ;;
	esac ;;
*) echo "unknown case $CASE"; exit 2 ;;
esac

[ -n "$window_mib" ] || window_mib=$(( mem_mib + 16 ))
win_sectors=$(( window_mib * 2048 ))
disk=$W/disk.img
make_disk "$disk" $(( window_mib + 2 )) $(( GUARD_SECTORS * 512 ))
win_start=$GUARD_SECTORS
after_start=$(( (win_start + win_sectors) * 512 ))
before_sha=$(sha_range "$disk" 0 $(( win_start * 512 )))
after_sha=$(sha_range "$disk" "$after_start" $(( GUARD_SECTORS * 512 )))
disk_sha=$(sha256sum < "$disk")

if [ "$CASE" = right-uuid ] || [ "$CASE" = wrong-uuid ]; then
	# Arm the window as `crashcap load` would: a header with a known UUID.
	uuid=11111111-2222-4333-8444-555555555555
	[ "$CASE" = wrong-uuid ] && uuid=99999999-2222-4333-8444-555555555555
	window_copy "$disk" "$win_start" 8 "$W/hdr"
	"$B/mktarget" "$W/hdr" --state empty --uuid "$uuid" >/dev/null || { fail "mktarget"; exit 1; }
	dd if="$W/hdr" of="$disk" bs=512 seek="$win_start" count=8 conv=notrunc status=none
	disk_sha=$(sha256sum < "$disk")
fi

device=(-device "virtio-blk-pci,drive=t0,$busarg")
[ "$virtio" = modern ] && device[1]+=",disable-legacy=on"
[ "$virtio" = legacy ] && device[1]+=",disable-modern=on"
[ -n "${iommu_platform:-}" ] && device[1]+=",iommu_platform=on"
target=virtio:$bdf what="$virtio virtio-blk at $bdf"
if [ $disk_kind = ahci ]; then
	disk_port=$ahci_port; [ "$CASE" = ahci-no-device ] && disk_port=0
	device=(-device "ide-hd,drive=t0,bus=ide.$disk_port")
	target=ahci:$bdf/p$ahci_port what="AHCI $bdf port $ahci_port"
fi
if [ $disk_kind = nvme ]; then
	# nvme-ns2: namespace 1 is a bystander disk, never written; the target
	# is namespace 2.  The others: one namespace, QEMU's short form.
	device=(-device "nvme,serial=$nvme_serial,drive=t0,addr=05.0")
	if [ "$CASE" = nvme-ns2 ]; then
		head -c $(( 8 * 1048576 )) /dev/urandom > "$W/other.img"
		other_sha=$(sha256sum < "$W/other.img")
		device=(-drive "if=none,id=o0,file=$W/other.img,format=raw" -device "nvme,id=nv0,serial=$nvme_serial,addr=05.0"
			-device "nvme-ns,drive=o0,bus=nv0,nsid=1,eui64=0x00c0ffee00000001"
			-device "nvme-ns,drive=t0,bus=nv0,nsid=2,eui64=0x00c0ffee00000002")
	fi
	target=nvme:$bdf/n$nvme_ns what="NVMe $bdf namespace $nvme_ns"
fi
if [ "$CASE" = ahci-port3 ]; then
	# A bystander disk on port 0 of the same HBA: reset with it, never written.
	head -c $(( 8 * 1048576 )) /dev/urandom > "$W/other.img"
	other_sha=$(sha256sum < "$W/other.img")
	device+=(-drive "if=none,id=o0,file=$W/other.img,format=raw" -device "ide-hd,drive=o0,bus=ide.0")
fi
# Zero blocks become holes (detect-zeroes): a 5 GiB guest dumps into a small file.
drive=(-drive "if=none,id=t0,file=$disk,format=raw,cache=unsafe,discard=unmap,detect-zeroes=unmap")
if [ "$CASE" = io-error ] || [ "$CASE" = ahci-io-error ] || [ "$CASE" = pages-io-error ] || [ "$CASE" = nvme-io-error ]; then
	# Every write from sector ERR_SECTOR on fails with EIO (blkdebug).
	err_sector=$(( win_start + 128 + 80 * 2048 ))
	printf '[inject-error]\nevent = "pwritev"\nerrno = "5"\nsector = "%s"\n' "$err_sector" > "$W/blkdebug.cfg"
	drive=(-drive "if=none,id=t0,driver=blkdebug,config=$W/blkdebug.cfg,image.driver=raw,image.file.driver=file,image.file.filename=$disk,werror=report")
fi
[ "$CASE" = no-device ] && { drive=(); device=(); }

action="action=poweroff debug_exit=$DEBUG_EXIT_PORT"
[ "$CASE" = poweroff ] && action="action=poweroff"
append="target=$target@$win_start+$win_sectors $action $extra_append"
read -r -a pat_args <<< "$(pattern_args "$W" "${patterns[@]}")"

echo "# $CASE: -M $machine -m ${mem_mib}M, $what, window ${window_mib} MiB"
run_payload "$W/console.log" "$append" -M "$machine" -m "${mem_mib}M" "${extra_qemu[@]}" \
	"${drive[@]}" "${device[@]}" "${pat_args[@]}"
echo "# QEMU ran ${QEMU_SECONDS}s"
check_exit "$expect_exit" "payload ends with the expected status"

# Never outside the window -------------------------------------------------------
if [ -f "$disk" ]; then
	[ "$(sha_range "$disk" 0 $(( win_start * 512 )))" = "$before_sha" ] && ok "sectors before the target unchanged" || fail "sectors before the target changed"
	[ "$(sha_range "$disk" "$after_start" $(( GUARD_SECTORS * 512 )))" = "$after_sha" ] && ok "sectors after the target unchanged" || fail "sectors after the target changed (written past the end)"
fi

core_file_checks() { # $W/core: a valid ET_CORE, its layout, every pattern at its address
	check "readelf accepts the core file" readelf -h -l "$W/core"
	readelf -h "$W/core" 2>/dev/null | grep -q "CORE (Core file)" && ok "ELF type is ET_CORE" || fail "ELF type is not ET_CORE"
	check "PT_LOADs sorted, aligned, inside the file" "$B/vmcore-probe" "$W/core" --check-layout
	read -r -a exp <<< "$(pattern_expect_args "$W" "${patterns[@]}")"
	if "$B/vmcore-probe" "$W/core" "${exp[@]}" > "$W/probe.out" 2>&1; then
		ok "all ${#patterns[@]} patterns at their physical addresses"
	else
		fail "patterns: $(grep -v '^ok' "$W/probe.out" | head -3 | tr '\n' ' ')"
	fi
}

core_checks() { # the full set for a complete dump
	window_copy "$disk" "$win_start" "$win_sectors" "$W/target"
	check "header says complete" test "$(status_field "$W/target" state)" = "dump complete"
	"$B/crashcap" save "$W/target" -o "$W/core" >/dev/null 2>"$W/save.err" && ok "crashcap save extracts the core" || fail "crashcap save: $(cat "$W/save.err")"
	core_file_checks
	# The PT_LOADs against QEMU's memory map for this machine and size
	# (hw/i386/pc_piix.c, pc_q35.c): low RAM up to `lowmem`, the rest at 4 GiB.
	local mem=$(( mem_mib * 1048576 )) lowmem
	if [ "$machine" = pc ]; then
		lowmem=$mem; [ $mem -ge $(( 0xe0000000 )) ] && lowmem=$(( 0xc0000000 ))
	else
		lowmem=$mem; [ $mem -ge $(( 0xb0000000 )) ] && lowmem=$(( 0x80000000 ))
	fi
	local high=$(( mem - lowmem ))
	local bad="" total=0 hs=0 he=0 s n e f file=0 loads=0 runs=0
	local payload_end=$(( 0x200000 + 0x$(awk '$3 == "cc_mem_size" { print $1 }' "$B/capture.sym") ))
	# Zero-run elision splits a RAM range into PT_LOADs that follow each
	# other in memory: join those first, then check each range.
	"$B/vmcore-probe" "$W/core" --layout | grep '^0x' > "$W/layout.txt"
	local ps=-1 pe=-1
	while read -r s n _ _ f; do
		s=$((s)); n=$((n)); loads=$((loads + 1)) file=$((file + f))
		if [ $s -eq $pe ]; then pe=$((s + n)); continue; fi
		[ $ps -lt 0 ] || echo "$ps $((pe - ps))"
		ps=$s pe=$((s + n))
	done < "$W/layout.txt" > "$W/ranges.txt"
	[ $ps -lt 0 ] || echo "$ps $((pe - ps))" >> "$W/ranges.txt"
	while read -r s n; do
		e=$((s + n)); total=$((total + n)) runs=$((runs + 1))
		[ $s -lt $((0xa0000)) ] && [ $e -gt $((0xa0000)) ] && bad+=" crosses-640K"
		[ $s -ge $((0xa0000)) ] && [ $s -lt $((0x100000)) ] && bad+=" in-BIOS-hole"
		[ $s -lt $((1 << 32)) ] && [ $e -gt $lowmem ] && bad+=" past-low-RAM"
		[ $s -ge $((1 << 32)) ] && { hs=$s; he=$e; }
		[ $s -lt $payload_end ] && [ $e -gt $((0x200000)) ] && bad+=" covers-payload"
	done < "$W/ranges.txt"
	[ $high -gt 0 ] && { [ $hs -eq $((1 << 32)) ] && [ $he -eq $(( (1 << 32) + high )) ] || bad+=" high-RAM-not-exact"; }
	# everything but the 384 KiB BIOS hole, the payload and firmware-reserved pages
	[ $total -le $mem ] && [ $total -ge $(( mem - 0x60000 - 0x100000 - 0x400000 )) ] || bad+=" total=$total"
	echo "layout:$bad" > "$W/layout.out"
	[ -z "$bad" ] \
		&& ok "PT_LOADs match QEMU's RAM layout (low RAM $((lowmem >> 20)) MiB, high $((high >> 20)) MiB)" \
		|| fail "PT_LOADs vs RAM layout: $(cat "$W/layout.out")"
	# Zero runs: left out by default (most of a freshly booted guest is
	# zeros), every byte written with zeros=keep.
	if [ "$CASE" = zeros-keep ]; then
		[ $file -eq $total ] && [ $loads -eq $runs ] \
			&& ok "zeros=keep: one PT_LOAD per RAM range ($loads), p_filesz = p_memsz, all $((total >> 20)) MiB in the file" \
			|| fail "zeros=keep: $loads PT_LOADs for $runs ranges, $file of $total bytes in the file"
		check_console "$W/console.log" "zeros=keep: every byte written" "console says every byte is written"
	else
		[ $file -lt $(( total / 2 )) ] && [ $loads -gt $runs ] \
			&& ok "zero runs left out: $((file >> 20)) of $((total >> 20)) MiB in the file, $loads PT_LOADs for $runs RAM ranges" \
			|| fail "zero runs not left out: $file of $total bytes in the file, $loads PT_LOADs for $runs ranges"
		check_console "$W/console.log" "zero runs of 1024 KiB or more left out: [0-9]+ of [0-9]+ MiB, [0-9]+ PT_LOADs" "console reports the zero runs left out"
		check_console "$W/console.log" "capture: scan +[0-9]+% [0-9]+ of [0-9]+ MiB, [0-9]+ MB/s" "console reports the scan's progress"
	fi
}

# A complete CC_ENC_PAGES dump.  Without a crashed kernel only zero pages can
# be left out: the kept pages must be exactly the core's nonzero pages.
pages_checks() { # pages_checks LEVEL_LINE COMPRESS_LINE
	window_copy "$disk" "$win_start" "$win_sectors" "$W/target"
	"$B/crashcap" status "$W/target" > "$W/status.out" 2>&1
	check "header says complete" test "$(status_field "$W/target" state)" = "dump complete"
	check "encoding is the filtered stream" test "$(status_field "$W/target" encoding)" = "filtered pages in LZ4 frames (2)"
	check "level: $1" test "$(status_field "$W/target" level)" = "$1"
	check "compress: $2" test "$(status_field "$W/target" compress)" = "$2"
	local ram kept excl zero pages nonzero
	ram=$(status_field "$W/target" ram | awk '{ print $1 }')
	read -r kept excl zero < <(status_field "$W/target" pages |
		sed -n 's/^\([0-9]*\) kept, \([0-9]*\) excluded (zero \([0-9]*\), cache 0, cache private 0, user 0, free 0, poison 0), 0 kept unsure$/\1 \2 \3/p')
	[ -n "$kept" ] && [ $((kept + excl)) -eq $((ram / 4096)) ] && [ "$zero" = "$excl" ] \
		&& ok "status: $kept kept + $excl zero pages = the $((ram / 4096)) pages of RAM" \
		|| fail "status pages line: '$(status_field "$W/target" pages)' for $((ram / 4096)) pages"
	check_console "$W/console.log" "pages: $kept kept of $((ram / 4096)); left out: $excl zero, 0 cache" "console counts the same pages"
	"$B/crashcap" save "$W/target" -o "$W/core" >/dev/null 2>"$W/save.err" && ok "crashcap save decodes every frame" || fail "crashcap save: $(cat "$W/save.err")"
	core_file_checks
	read -r _ pages _ nonzero < <("$B/vmcore-probe" "$W/core" --count)
	[ "$pages" = $((ram / 4096)) ] && [ "$nonzero" = "$kept" ] \
		&& ok "the core describes all $pages pages; its $nonzero nonzero pages are exactly the kept ones" \
		|| fail "the core describes $pages pages ($((ram / 4096)) in RAM), $nonzero nonzero, $kept kept"
	local blocks
	blocks=$(du -B1 "$W/core" | awk '{ print $1 }')
	[ "$blocks" -le $(( kept * 4096 + 1048576 )) ] && ok "left-out pages take no room in the file ($blocks bytes on disk)" \
		|| fail "core takes $blocks bytes on disk for $kept kept pages"
}

case $CASE in
pages-lz4)
	pages_checks "1: left out zero pages" "lz4 (1)"
	check_console "$W/console.log" "dumping [0-9]+ MiB in [0-9]+ ranges \([0-9]+ notes\) to virtio-blk 00:04.0: level 1, lz4" "console names level and compression" ;;
pages-stored)
	pages_checks "1 applied, 31 asked: left out zero pages" "none: pages stored in uncompressed blocks (0)"
	check_console "$W/console.log" "dump level 31 asked, 1 applied: the loader found no page-type description" "console says why the level was lowered" ;;
ahci-pages)
	pages_checks "1 applied, 31 asked: left out zero pages" "lz4 (1)"
	check_console "$W/console.log" "to ahci 00:1f.2 p0: level 1, lz4" "console names the AHCI target" ;;
nvme-pages)
	pages_checks "1: left out zero pages" "lz4 (1)"
	check_console "$W/console.log" "to nvme $bdf ns 1: level 1, lz4" "console names the NVMe target" ;;
pages-small-target|pages-io-error)
	window_copy "$disk" "$win_start" "$win_sectors" "$W/target"
	check "header says incomplete" test "$(status_field "$W/target" state)" = "dump incomplete"
	written=$(status_field "$W/target" data | awk '{ print $1 }')
	if [ "$CASE" = pages-small-target ]; then
		check "status says target full" grep -q "target full" <("$B/crashcap" status "$W/target")
		[ "$written" = $(( window_mib * 1048576 - 65536 )) ] && ok "wrote exactly up to the end of the target ($written bytes)" || fail "data written $written, expected $(( window_mib * 1048576 - 65536 ))"
	else
		check "status says I/O error" grep -q "I/O error" <("$B/crashcap" status "$W/target")
		limit=$(( (err_sector - win_start) * 512 - 65536 ))
		[ -n "$written" ] && [ "$written" -le "$limit" ] && [ "$written" -gt 0 ] && ok "data written ($written) stops before the failing sector ($limit)" || fail "data written '$written', failing sector at $limit"
	fi
	check "status: no END record in a cut stream" grep -q "^pages *no END record readable (stream incomplete)" <("$B/crashcap" status "$W/target")
	if "$B/crashcap" save "$W/target" -o "$W/core" >/dev/null 2>&1; then fail "save refuses an incomplete dump"; else ok "save refuses an incomplete dump"; fi
	"$B/crashcap" save --force "$W/target" -o "$W/core" > "$W/save.out" 2>&1 && ok "save --force saves what decodes" || fail "save --force: $(cat "$W/save.out")"
	check "save --force says what is missing" grep -qi "missing\|incomplete\|cut" "$W/save.out"
	check "the forced core is a valid layout" "$B/vmcore-probe" "$W/core" --check-layout
	# the first pattern page is in the first chunks that fit
	head -c 4096 "$W/pat-0x2000000" > "$W/pat-first"
	check "the start of the pattern is in the forced core" "$B/vmcore-probe" "$W/core" --expect 0x2000000:"$W/pat-first"
	;;
pc-modern|pc-legacy|q35-modern|q35-legacy|cpu-max|bridge|highmem-q35|highmem-pc|right-uuid|poweroff|zeros-keep|\
ahci-q35|ahci-port3|ahci-highmem|ahci-dma32|vtd|vtd-on|amdvi-on|nvme-q35|nvme-ns2|nvme-highmem)
	core_checks
	[ "$CASE" = cpu-max ] && check_console "$W/console.log" "page tables: 4-level, 1 GiB/2 MiB pages" "1 GiB pages used when the CPU has them"
	if [ $disk_kind = virtio ]; then
		check_console "$W/console.log" "virtio-blk $bdf up, [0-9]+ sectors, $virtio" "console names the device and its mode"
	elif [ $disk_kind = nvme ]; then
		check_console "$W/console.log" "nvme $bdf: found (enabled|disabled) \\(CC=[0-9a-f]+ CSTS=[0-9a-f]+\\): CC.EN=0 without shutdown notification" \
			"console says how the controller was found and that it is taken over"
		check_console "$W/console.log" "nvme $bdf up, \"QEMU NVMe Ctrl\" sn $nvme_serial, NVMe 1.4, ns $nvme_ns: [0-9]+ blocks of 512 bytes, MDTS 512 KiB, 512 KiB requests, 16 in flight, flush" \
			"console names the controller, serial, namespace, MDTS, queue depth and flush"
		check_console "$W/console.log" "dumping .* to nvme $bdf ns $nvme_ns" "console names the namespace dumped to"
		if grep -aqE "timeout|resetting the controller|failed" "$W/console.log"; then
			fail "a command timed out or failed: $(grep -aE 'timeout|resetting the controller|failed' "$W/console.log" | head -1)"
		else
			ok "no command timed out or failed, no controller reset"
		fi
		case $CASE in
		nvme-q35) check_console "$W/console.log" "nvme $bdf ns 1: serial \"$nvme_serial\", as the loader recorded" "the recorded identity (serial) was checked" ;;
		nvme-ns2) check_console "$W/console.log" "nvme $bdf ns 2: EUI64 00c0ffee00000002, as the loader recorded" "the recorded identity (EUI64 of nsid 2) was checked" ;;
		esac
	else
		mode="zero copy"; [ "$CASE" = ahci-dma32 ] && mode="bounced above 4 GiB"
		check_console "$W/console.log" "ahci $bdf p$ahci_port up, \"QEMU HARDDISK\", [0-9]+ sectors of 512 bytes, AHCI [0-9.]+, 64-bit, [0-9]+ KiB requests, $mode, flush" \
			"console names the HBA, port, disk and DMA mode ($mode)"
	fi
	[ "$CASE" = ahci-port3 ] && { [ "$(sha256sum < "$W/other.img")" = "$other_sha" ] && ok "the other disk on the HBA (port 0) unchanged" || fail "the other disk on the HBA (port 0) changed"; }
	[ "$CASE" = nvme-ns2 ] && { [ "$(sha256sum < "$W/other.img")" = "$other_sha" ] && ok "the other namespace (nsid 1) unchanged" || fail "the other namespace (nsid 1) changed"; }
	check_console "$W/console.log" "capture: +[0-9]+% [0-9]+ of [0-9]+ MiB, [0-9]+ MB/s" "console reports progress"
	[ "$CASE" = right-uuid ] && { [ "$(status_field "$W/target" uuid)" = 11111111-2222-4333-8444-555555555555 ] && ok "UUID kept" || fail "UUID not kept"; }
	[ "$CASE" = poweroff ] && check_console "$W/console.log" "done \(ok\): poweroff" "ACPI poweroff ended QEMU"
	;;
small-target)
	window_copy "$disk" "$win_start" "$win_sectors" "$W/target"
	check "header says incomplete" test "$(status_field "$W/target" state)" = "dump incomplete"
	check "status says target full" grep -q "target full" <("$B/crashcap" status "$W/target")
	written=$(status_field "$W/target" data | awk '{ print $1 }')
	[ "$written" = $(( window_mib * 1048576 - 65536 )) ] && ok "wrote exactly up to the end of the target ($written bytes)" || fail "data written $written, expected $(( window_mib * 1048576 - 65536 ))"
	if "$B/crashcap" save "$W/target" -o "$W/core" >/dev/null 2>&1; then fail "save refuses an incomplete dump"; else ok "save refuses an incomplete dump"; fi
	;;
io-error|ahci-io-error|nvme-io-error)
	window_copy "$disk" "$win_start" "$win_sectors" "$W/target"
	check "header says incomplete" test "$(status_field "$W/target" state)" = "dump incomplete"
	check "status says I/O error" grep -q "I/O error" <("$B/crashcap" status "$W/target")
	written=$(status_field "$W/target" data | awk '{ print $1 }')
	limit=$(( (err_sector - win_start) * 512 - 65536 ))
	[ -n "$written" ] && [ "$written" -le "$limit" ] && [ "$written" -gt 0 ] && ok "data written ($written) stops before the failing sector ($limit)" || fail "data written '$written', failing sector at $limit"
	check_console "$W/console.log" "failed, try 4 of 4" "retried a bounded number of times"
	[ "$CASE" = ahci-io-error ] && check_console "$W/console.log" "ahci $bdf p0: WRITE DMA EXT of [0-9]+ bytes at sector [0-9]+ failed: PxIS=40000001 PxTFD=441 \\(status 41, error 4\\)" "console shows the task-file error (TFES, status ERR, error ABRT)"
	[ "$CASE" = ahci-io-error ] && check_console "$W/console.log" "port recovery \(AHCI 6.2.2.1\)" "port recovery ran"
	[ "$CASE" = nvme-io-error ] && check_console "$W/console.log" "nvme $bdf ns 1: Write of [0-9]+ bytes at block [0-9]+ failed: status code type 2, status code 80.?$" "console shows the NVMe status of the failed Write"
	;;
nvme-no-device)
	check_console "$W/console.log" "nvme $bdf \\(\"QEMU NVMe Ctrl\" sn $nvme_serial\\): cannot use namespace 2: inactive namespace" "console says namespace 2 is not there"
	check "every byte of the disk unchanged" test "$(sha256sum < "$disk")" = "$disk_sha"
	;;
nvme-wrong-id)
	check_console "$W/console.log" "wrong disk: nvme $bdf ns 1 has serial \"$nvme_serial\", the target was recorded on serial \"CCNVME0009\"; writing nothing" "console says which identity was expected and which found"
	check "every byte of the disk unchanged" test "$(sha256sum < "$disk")" = "$disk_sha"
	;;
ahci-no-device)
	check_console "$W/console.log" "ahci $bdf p1: no device: the link did not come up" "console says the port has no device"
	check "disk untouched" test "$(sha256sum < "$disk")" = "$disk_sha"
	;;
no-device)
	check_console "$W/console.log" "no virtio-blk device at 00:04.0" "console says the device is missing"
	;;
bad-cmdline)
	check_console "$W/console.log" "unknown option 'colour'" "console names the bad option"
	check "disk untouched" test "$(sha256sum < "$disk")" = "$disk_sha"
	;;
exception)
	check_console "$W/console.log" "CPU exception 6 #UD" "console reports the exception vector"
	check_console "$W/console.log" "rip [0-9a-f]{16} \(image\+[0-9a-f]+" "console gives RIP as an image offset"
	check_console "$W/console.log" "rax [0-9a-f]{16} rbx" "console dumps the registers"
	check "disk untouched" test "$(sha256sum < "$disk")" = "$disk_sha"
	;;
wrong-uuid)
	check_console "$W/console.log" "wrong disk: expected crashcap target 11111111-..-5555, found target 99999999" "console says expected and found"
	check "every byte of the disk unchanged" test "$(sha256sum < "$disk")" = "$disk_sha"
	;;
esac

# IOMMU cases: what the payload found and did (docs/iommu.md) -------------------
case $CASE in
vtd)
	check_console "$W/console.log" "DMAR table at [0-9a-f]+: host address width 39" "payload finds QEMU's DMAR table"
	check_console "$W/console.log" "vt-d unit at fed90000: translation off \(was off" "console reports the unit and that translation is off"
	;;
vtd-on)
	check_console "$W/console.log" "test: vt-d unit at fed90000: translation ON" "test turned VT-d translation on (all DMA blocked)"
	check_console "$W/console.log" "vt-d unit at fed90000: translation off \(was on, turned off" "payload turned it off before the first DMA"
	;;
amdvi-on)
	check_console "$W/console.log" "AMD IOMMU at fed80000 .*test: translation ON" "test turned AMD-Vi translation on (bus 0 DMA blocked)"
	check_console "$W/console.log" "AMD IOMMU at fed80000 .*: translation off \(was on, turned off\)" "payload turned it off before the first DMA"
	;;
vtd-stuck)
	check_console "$W/console.log" "vt-d unit at 9000000: timeout \(1000 ms\) waiting for GSTS.TES=0 after writing GCMD 00000000" "console says what it waited for"
	check_console "$W/console.log" "translation is still on: no DMA through the crashed kernel's tables" "console says why it stops"
	check_console "$W/console.log" "failed \(IOMMU still on\)" "status names the IOMMU"
	check "every byte of the disk unchanged" test "$(sha256sum < "$disk")" = "$disk_sha"
	;;
esac

[ $FAILS -eq 0 ] || { echo "# console:"; show_console "$W/console.log"; }
exit $(( FAILS > 0 ))

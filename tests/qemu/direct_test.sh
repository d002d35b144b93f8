#!/usr/bin/env bash
# tests/qemu/direct_test.sh CASE - the payload booted directly by QEMU
# (multiboot), no Linux: known random patterns are placed at known physical
# addresses, the payload dumps to a virtio-blk target that is a window in
# the middle of a disk full of random bytes, and the host checks real bytes:
# the header, the core file (readelf, layout against QEMU's memory map, every
# pattern at its address) and that not one byte outside the window changed.
# Cases: pc-modern pc-legacy q35-modern q35-legacy cpu-max bridge highmem-q35
#        highmem-pc small-target io-error no-device bad-cmdline exception
#        poweroff wrong-uuid right-uuid
set -u
. "$(dirname "$0")/lib.sh"

CASE=${1:?usage: direct_test.sh CASE}
W=$(mktemp -d "${TMPDIR:-/tmp}/cc-direct.XXXXXX")
trap 'rm -rf "$W"' EXIT

GUARD_SECTORS=2048          # 1 MiB of random bytes before and after the window
machine=pc mem_mib=256 virtio=modern busarg="addr=04.0" bdf=00:04.0
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
small-target) window_mib=64 expect_exit=$EXIT_TARGET_FULL ;;
io-error) expect_exit=$EXIT_IO ;;
no-device) expect_exit=$EXIT_NO_DEVICE ;;
bad-cmdline) extra_append="colour=blue" expect_exit=$EXIT_PARAMS ;;
exception) extra_append="test=exception" expect_exit=$EXIT_EXCEPTION ;;
poweroff) expect_exit=0 ;;
wrong-uuid) extra_append="uuid=11111111-2222-4333-8444-555555555555" expect_exit=$EXIT_WRONG_DISK ;;
right-uuid) extra_append="uuid=11111111-2222-4333-8444-555555555555" ;;
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
# Zero blocks become holes (detect-zeroes): a 5 GiB guest dumps into a small file.
drive=(-drive "if=none,id=t0,file=$disk,format=raw,cache=unsafe,discard=unmap,detect-zeroes=unmap")
if [ "$CASE" = io-error ]; then
	# Every write from sector ERR_SECTOR on fails with EIO (blkdebug).
	err_sector=$(( win_start + 128 + 80 * 2048 ))
	printf '[inject-error]\nevent = "pwritev"\nerrno = "5"\nsector = "%s"\n' "$err_sector" > "$W/blkdebug.cfg"
	drive=(-drive "if=none,id=t0,driver=blkdebug,config=$W/blkdebug.cfg,image.driver=raw,image.file.driver=file,image.file.filename=$disk,werror=report")
fi
[ "$CASE" = no-device ] && { drive=(); device=(); }

action="action=poweroff debug_exit=$DEBUG_EXIT_PORT"
[ "$CASE" = poweroff ] && action="action=poweroff"
append="target=virtio:$bdf@$win_start+$win_sectors $action $extra_append"
read -r -a pat_args <<< "$(pattern_args "$W" "${patterns[@]}")"

echo "# $CASE: -M $machine -m ${mem_mib}M, $virtio virtio-blk at $bdf, window ${window_mib} MiB"
run_payload "$W/console.log" "$append" -M "$machine" -m "${mem_mib}M" "${extra_qemu[@]}" \
	"${drive[@]}" "${device[@]}" "${pat_args[@]}"
echo "# QEMU ran ${QEMU_SECONDS}s"
check_exit "$expect_exit" "payload ends with the expected status"

# Never outside the window -------------------------------------------------------
if [ -f "$disk" ]; then
	[ "$(sha_range "$disk" 0 $(( win_start * 512 )))" = "$before_sha" ] && ok "sectors before the target unchanged" || fail "sectors before the target changed"
	[ "$(sha_range "$disk" "$after_start" $(( GUARD_SECTORS * 512 )))" = "$after_sha" ] && ok "sectors after the target unchanged" || fail "sectors after the target changed (written past the end)"
fi

core_checks() { # the full set for a complete dump
	window_copy "$disk" "$win_start" "$win_sectors" "$W/target"
	check "header says complete" test "$(status_field "$W/target" state)" = "dump complete"
	"$B/crashcap" save "$W/target" -o "$W/core" >/dev/null 2>"$W/save.err" && ok "crashcap save extracts the core" || fail "crashcap save: $(cat "$W/save.err")"
	check "readelf accepts the core file" readelf -h -l "$W/core"
	readelf -h "$W/core" 2>/dev/null | grep -q "CORE (Core file)" && ok "ELF type is ET_CORE" || fail "ELF type is not ET_CORE"
	check "PT_LOADs sorted, aligned, inside the file" "$B/vmcore-probe" "$W/core" --check-layout
	read -r -a exp <<< "$(pattern_expect_args "$W" "${patterns[@]}")"
	if "$B/vmcore-probe" "$W/core" "${exp[@]}" > "$W/probe.out" 2>&1; then
		ok "all ${#patterns[@]} patterns at their physical addresses"
	else
		fail "patterns: $(grep -v '^ok' "$W/probe.out" | head -3 | tr '\n' ' ')"
	fi
	# The PT_LOADs against QEMU's memory map for this machine and size
	# (hw/i386/pc_piix.c, pc_q35.c): low RAM up to `lowmem`, the rest at 4 GiB.
	local mem=$(( mem_mib * 1048576 )) lowmem
	if [ "$machine" = pc ]; then
		lowmem=$mem; [ $mem -ge $(( 0xe0000000 )) ] && lowmem=$(( 0xc0000000 ))
	else
		lowmem=$mem; [ $mem -ge $(( 0xb0000000 )) ] && lowmem=$(( 0x80000000 ))
	fi
	local high=$(( mem - lowmem ))
	local bad="" total=0 hs=0 he=0 s n e
	local payload_end=$(( 0x200000 + 0x$(awk '$3 == "cc_mem_size" { print $1 }' "$B/capture.sym") ))
	while read -r s n _; do
		s=$((s)); n=$((n)); e=$((s + n)); total=$((total + n))
		[ $s -lt $((0xa0000)) ] && [ $e -gt $((0xa0000)) ] && bad+=" crosses-640K"
		[ $s -ge $((0xa0000)) ] && [ $s -lt $((0x100000)) ] && bad+=" in-BIOS-hole"
		[ $s -lt $((1 << 32)) ] && [ $e -gt $lowmem ] && bad+=" past-low-RAM"
		[ $s -ge $((1 << 32)) ] && { hs=$s; he=$e; }
		[ $s -lt $payload_end ] && [ $e -gt $((0x200000)) ] && bad+=" covers-payload"
	done < <("$B/vmcore-probe" "$W/core" --layout | grep '^0x')
	[ $high -gt 0 ] && { [ $hs -eq $((1 << 32)) ] && [ $he -eq $(( (1 << 32) + high )) ] || bad+=" high-RAM-not-exact"; }
	# everything but the 384 KiB BIOS hole, the payload and firmware-reserved pages
	[ $total -le $mem ] && [ $total -ge $(( mem - 0x60000 - 0x100000 - 0x400000 )) ] || bad+=" total=$total"
	echo "layout:$bad" > "$W/layout.out"
	[ -z "$bad" ] \
		&& ok "PT_LOADs match QEMU's RAM layout (low RAM $((lowmem >> 20)) MiB, high $((high >> 20)) MiB)" \
		|| fail "PT_LOADs vs RAM layout: $(cat "$W/layout.out")"
}

case $CASE in
pc-modern|pc-legacy|q35-modern|q35-legacy|cpu-max|bridge|highmem-q35|highmem-pc|right-uuid|poweroff)
	core_checks
	[ "$CASE" = cpu-max ] && check_console "$W/console.log" "page tables: 4-level, 1 GiB/2 MiB pages" "1 GiB pages used when the CPU has them"
	check_console "$W/console.log" "virtio-blk $bdf up, [0-9]+ sectors, $virtio" "console names the device and its mode"
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
io-error)
	window_copy "$disk" "$win_start" "$win_sectors" "$W/target"
	check "header says incomplete" test "$(status_field "$W/target" state)" = "dump incomplete"
	check "status says I/O error" grep -q "I/O error" <("$B/crashcap" status "$W/target")
	written=$(status_field "$W/target" data | awk '{ print $1 }')
	limit=$(( (err_sector - win_start) * 512 - 65536 ))
	[ -n "$written" ] && [ "$written" -le "$limit" ] && [ "$written" -gt 0 ] && ok "data written ($written) stops before the failing sector ($limit)" || fail "data written '$written', failing sector at $limit"
	check_console "$W/console.log" "failed, try 4 of 4" "retried a bounded number of times"
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

[ $FAILS -eq 0 ] || { echo "# console:"; show_console "$W/console.log"; }
exit $(( FAILS > 0 ))

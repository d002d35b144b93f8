#!/usr/bin/env bash
# tests/qemu/hangcap_test.sh CASE - hangcap.efi under OVMF (Debian's ovmf
# package, q35, TCG): what the firmware's boot manager does after it, and
# how long its no-record path takes (docs/hangcap.md).  One QEMU at a time.
#
#   bootorder  disk 0's ESP has hangcap.efi as \EFI\BOOT\BOOTX64.EFI, disk 1's
#              bootprobe.efi (tests/tools/efi/bootprobe.c): both are Boot####
#              options, hangcap's first.  Checks hangcap's no-record line and
#              its time, then what UEFI 3.1.1 lets a boot manager do when a
#              Boot#### returns EFI_SUCCESS and OVMF does: it starts its menu
#              (UiApp), not disk 1's option, and waits there.  This is why
#              hangcap.efi is a SysPrep#### application (docs/hangcap.md).
#   sysprep    one ESP with bootprobe.efi as BOOTX64.EFI and hangcap.efi as
#              \EFI\crashcap\hangcap.efi.  Boot 1: bootprobe installs hangcap
#              as SysPrep0000 and writes a CrashcapHang that is no record,
#              resets.  Boot 2: hangcap runs before the boot option and says
#              the record is invalid; bootprobe deletes it, resets.  Boot 3:
#              hangcap says there is no record, with its time; bootprobe is
#              reached after it and powers off.
#   linux      the record's whole path on a real kernel: stage 1 as sysprep's
#              boot 1 (SysPrep0000, a junk CrashcapHang); then the ESP boots
#              Linux (Debian's cloud kernel, EFI stub, from the UEFI shell's
#              startup.nsh) with tests/qemu/hangcap-init.  Boot 1: `crashcap
#              load` replaces the junk variable (immutable in efivarfs) with
#              the record, 0600, and resets by sysrq b (a warm reset);
#              hangcap.efi finds the canaries: RAM survived.  Boot 2 arms
#              again and powers off without a clean stop; a new QEMU (a cold
#              boot) starts: hangcap.efi finds no canary: RAM did not
#              survive.  Boot 3: `crashcap unload` removes the record.
#   watchdog   the hang drill (issue 11): as linux's stage 1, then Debian's
#              generic kernel (it has the i6300esb driver) with
#              tests/qemu/hangdrill-init under `-device i6300esb -action
#              watchdog=reset`.  Boot 1 arms (--hang-record), puts random
#              pages in anonymous memory and in pipe buffers, writes a marker
#              to the kernel log, starts the watchdog and stops feeding it.
#              The watchdog resets the machine; hangcap.efi captures; boot 2
#              shows the record gone and the target's status, powers off.
#              From the host: `crashcap status` and `crashcap save` of the
#              target, vmcore-dmesg finds the marker, vmcore-probe the pipe
#              pages (and, at level 31, none of the anonymous ones).
#
# Every wait is bounded (tests/qemu/qemu-lib.sh phases); the ESPs are GPT
# disk images made with sgdisk and mtools (no loop mounts), the variables a
# copy of OVMF_VARS_4M.fd.  --keep keeps the run directory.
set -u
LC_ALL=C
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu-lib.sh"

OVMF_CODE=/usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS_4M.fd
HANGCAP_GOAL_US=50000 # issue 11: under 50 ms from its start to the return

case=${1:-} keep=0
[ "${2:-}" = --keep ] && keep=1
case $case in
bootorder|sysprep|linux|watchdog) ;;
*) echo "usage: tests/qemu/hangcap_test.sh bootorder|sysprep|linux|watchdog [--keep]" >&2; exit 2 ;;
esac
for f in "$OVMF_CODE" "$OVMF_VARS" "$B/hangcap.efi" "$B/bootprobe.efi"; do
	[ -e "$f" ] || { echo "FAIL - $f missing (scripts/deps.sh installs ovmf and gnu-efi; make hangcap)"; exit 1; }
done
for t in sgdisk mformat mcopy mmd; do
	command -v $t >/dev/null || { echo "FAIL - $t missing (scripts/deps.sh: gdisk, mtools)"; exit 1; }
done

RUN=$(mktemp -d "$B/hangcap-$case.XXXXXX")
[ $keep = 1 ] || trap 'rm -rf "$RUN"' EXIT

# make_esp IMAGE SRC:DEST... - a 48 MiB GPT disk, one 40 MiB EFI system
# partition at 1 MiB with a FAT16 file system, the files copied in.
make_esp() {
	local img=$1 f d
	shift
	truncate -s 48M "$img" &&
		sgdisk -n 1:2048:+40M -t 1:ef00 "$img" >/dev/null &&
		mformat -i "$img@@1M" -T 81920 -h 64 -s 32 -v ESP :: || return 1
	for fd in "$@"; do
		f=${fd%%:*} d=${fd#*:}
		mmd -D s -i "$img@@1M" ::/EFI "::$(dirname "$d")" 2>/dev/null
		mcopy -i "$img@@1M" "$f" "::$d" || return 1
	done
}

qemu_args() { # qemu_args DISK... -> QARGS (bootindex in the order given); QEMU_EXTRA: more arguments
	local i=0
	QARGS=(-machine q35 -accel tcg -m ${QEMU_MEM:-256M} -display none -serial stdio -monitor none ${QEMU_EXTRA:-}
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
		-drive "if=pflash,format=raw,unit=1,file=$RUN/vars.fd")
	for d in "$@"; do
		QARGS+=(-drive "if=none,id=d$i,format=raw,file=$d" -device "virtio-blk-pci,drive=d$i,bootindex=$i")
		i=$((i + 1))
	done
}

cp "$OVMF_VARS" "$RUN/vars.fd" || exit 1
QS_SHOW='hangcap:|bootprobe:|BdsDxe: (loading|starting|failed)'
if [ $case = bootorder ]; then
	make_esp "$RUN/a.img" "$B/hangcap.efi:/EFI/BOOT/BOOTX64.EFI" &&
		make_esp "$RUN/b.img" "$B/bootprobe.efi:/EFI/BOOT/BOOTX64.EFI" || { echo "FAIL - making the ESPs"; exit 1; }
	MENU_WAIT="(nothing: the menu waits) 10 s after UiApp started"
	QS_PHASES=("hangcap: @@180@@hangcap.efi's line (OVMF start-up)"
		"BdsDxe: starting Boot[0-9A-F]* \"UiApp\"|bootprobe: @@60@@the boot manager's next step after hangcap"
		"bootprobe: @@10@@$MENU_WAIT")
	qemu_args "$RUN/a.img" "$RUN/b.img"
	qs_run "$RUN" 300 "$QEMU" "${QARGS[@]}"
elif [ $case = sysprep ]; then
	make_esp "$RUN/a.img" "$B/bootprobe.efi:/EFI/BOOT/BOOTX64.EFI" "$B/hangcap.efi:/EFI/crashcap/hangcap.efi" ||
		{ echo "FAIL - making the ESP"; exit 1; }
	QS_PHASES=("bootprobe: installed@@180@@boot 1: bootprobe installing SysPrep0000"
		"hangcap: hang record invalid@@180@@boot 2: hangcap.efi as SysPrep0000, the record invalid"
		"bootprobe: deleted@@60@@boot 2: bootprobe deleting the record"
		"hangcap: no hang record@@180@@boot 3: hangcap.efi with no record"
		"bootprobe: reached@@60@@boot 3: the boot option after the SysPrep application")
	qemu_args "$RUN/a.img"
	qs_run "$RUN" 600 "$QEMU" "${QARGS[@]}"
elif [ $case = watchdog ]; then
	. "$ROOT/tests/qemu/kernel.sh"
	for f in "$B/qemu/patterns" "$B/vmcore-probe" "$B/crashcap"; do
		[ -x "$f" ] || { echo "FAIL - $f missing (make all)"; exit 1; }
	done
	command -v vmcore-dmesg >/dev/null || { echo "FAIL - vmcore-dmesg missing (scripts/deps.sh: kexec-tools)"; exit 1; }
	KERNEL_META_PACKAGE=linux-image-amd64 kernel_fetch --driver CONFIG_VIRTIO_PCI:virtio_pci \
		--driver CONFIG_VIRTIO_BLK:virtio_blk --driver CONFIG_EFIVAR_FS:efivarfs \
		--driver CONFIG_I6300ESB_WDT:i6300esb || { echo "FAIL - no kernel (tests/qemu/kernel.sh)"; exit 1; }
	"$ROOT/tests/qemu/initramfs.sh" --out "$RUN/initrd.img" --modules "$KERNEL_MODULES" \
		--patterns "$B/qemu/patterns" --init "$ROOT/tests/qemu/hangdrill-init" || { echo "FAIL - initramfs"; exit 1; }
	make_esp "$RUN/a.img" "$B/bootprobe.efi:/EFI/BOOT/BOOTX64.EFI" "$B/hangcap.efi:/EFI/crashcap/hangcap.efi" ||
		{ echo "FAIL - making the ESP"; exit 1; }
	# the watchdog in every stage: SysPrep0000's device path names the ESP's PCI slot
	QEMU_EXTRA="-device i6300esb,addr=0x10 -action watchdog=reset"
	QS_PHASES=("bootprobe: installed@@180@@stage 1: bootprobe installing SysPrep0000")
	qemu_args "$RUN/a.img"
	qs_run "$RUN" 240 "$QEMU" "${QARGS[@]}" -no-reboot
	grep -aq 'bootprobe: installed' "$RUN/console.log" || { echo "FAIL - stage 1: SysPrep0000 not installed"; exit 1; }
	SEED=$((RANDOM * 32768 + RANDOM + 1)) PIPE_SEED=$((RANDOM * 32768 + RANDOM + 2)) PAGES=64 WDT=4
	printf 'fs0:\r\n\\vmlinuz.efi initrd=\\initrd.img console=ttyS0 crashkernel=16M panic=0 hangdrill.seed=%s hangdrill.pipeseed=%s hangdrill.pages=%s hangdrill.wdt=%s\r\n' \
		$SEED $PIPE_SEED $PAGES $WDT >"$RUN/startup.nsh"
	mdel -i "$RUN/a.img@@1M" ::/EFI/BOOT/BOOTX64.EFI &&
		mcopy -i "$RUN/a.img@@1M" "$KERNEL_IMAGE" ::/vmlinuz.efi &&
		mcopy -i "$RUN/a.img@@1M" "$RUN/initrd.img" ::/initrd.img &&
		mcopy -i "$RUN/a.img@@1M" "$RUN/startup.nsh" ::/startup.nsh || { echo "FAIL - filling the ESP"; exit 1; }
	truncate -s 1G "$RUN/target.img"
	truncate -s 1M "$RUN/state.img"
	QS_SHOW='hangcap:|hdguest:'
	QS_PHASES=("hangcap: hang record invalid@@180@@hangcap.efi on the junk variable"
		"hdguest: boot 1@@300@@Linux boot 1 (UEFI shell, startup.nsh)"
		"hdguest: stopped feeding@@180@@crashcap load and the patterns in boot 1"
		"hangcap: hang record valid@@180@@the watchdog's reset and hangcap.efi after it"
		"hdguest: boot 2@@600@@hangcap.efi's capture and Linux boot 2"
		"hdguest: powering off@@60@@boot 2's status")
	QEMU_MEM=512M qemu_args "$RUN/a.img" "$RUN/target.img" "$RUN/state.img"
	qs_run "$RUN" 1500 "$QEMU" "${QARGS[@]}"
else
	. "$ROOT/tests/qemu/kernel.sh"
	kernel_fetch --driver CONFIG_VIRTIO_PCI:virtio_pci --driver CONFIG_VIRTIO_BLK:virtio_blk \
		--driver CONFIG_EFIVAR_FS:efivarfs || { echo "FAIL - no kernel (tests/qemu/kernel.sh)"; exit 1; }
	"$ROOT/tests/qemu/initramfs.sh" --out "$RUN/initrd.img" --modules "$KERNEL_MODULES" \
		--init "$ROOT/tests/qemu/hangcap-init" || { echo "FAIL - initramfs"; exit 1; }
	# stage 1: bootprobe installs SysPrep0000 and a junk CrashcapHang, resets (-no-reboot: QEMU ends)
	make_esp "$RUN/a.img" "$B/bootprobe.efi:/EFI/BOOT/BOOTX64.EFI" "$B/hangcap.efi:/EFI/crashcap/hangcap.efi" ||
		{ echo "FAIL - making the ESP"; exit 1; }
	QS_PHASES=("bootprobe: installed@@180@@stage 1: bootprobe installing SysPrep0000")
	qemu_args "$RUN/a.img"
	qs_run "$RUN" 240 "$QEMU" "${QARGS[@]}" -no-reboot
	cp "$RUN/console.log" "$RUN/stage1.log"
	grep -aq 'bootprobe: installed' "$RUN/stage1.log" || { echo "FAIL - stage 1: SysPrep0000 not installed"; exit 1; }
	# stage 2: the ESP boots Linux through the UEFI shell (no BOOTX64.EFI: the disk's option fails)
	printf 'fs0:\r\n\\vmlinuz.efi initrd=\\initrd.img console=ttyS0 crashkernel=16M panic=0\r\n' >"$RUN/startup.nsh"
	mdel -i "$RUN/a.img@@1M" ::/EFI/BOOT/BOOTX64.EFI &&
		mcopy -i "$RUN/a.img@@1M" "$KERNEL_IMAGE" ::/vmlinuz.efi &&
		mcopy -i "$RUN/a.img@@1M" "$RUN/initrd.img" ::/initrd.img &&
		mcopy -i "$RUN/a.img@@1M" "$RUN/startup.nsh" ::/startup.nsh || { echo "FAIL - filling the ESP"; exit 1; }
	truncate -s 1G "$RUN/target.img"
	truncate -s 1M "$RUN/state.img"
	QS_SHOW='hangcap:|hcguest:'
	QS_PHASES=("hangcap: hang record invalid@@180@@hangcap.efi on the junk variable"
		"hcguest: boot 1@@300@@Linux boot 1 (UEFI shell, startup.nsh)"
		"hcguest: resetting@@120@@crashcap load in boot 1"
		"hangcap: hang record valid@@180@@hangcap.efi after the warm reset"
		"hcguest: boot 2@@300@@Linux boot 2"
		"hcguest: powering off without a clean stop@@120@@crashcap load in boot 2")
	QEMU_MEM=512M qemu_args "$RUN/a.img" "$RUN/target.img" "$RUN/state.img"
	qs_run "$RUN" 1200 "$QEMU" "${QARGS[@]}"
	cp "$RUN/console.log" "$RUN/warm.log"
	WARM_EXPIRED=$QS_EXPIRED WARM_RC=$QS_RC
	# a cold boot: a new QEMU, the same firmware variables and disks
	QS_PHASES=("hangcap: hang record valid@@180@@hangcap.efi after the cold boot"
		"hcguest: boot 3@@300@@Linux boot 3"
		"hcguest: powering off@@60@@unload in boot 3")
	qs_run "$RUN" 900 "$QEMU" "${QARGS[@]}"
	cp "$RUN/console.log" "$RUN/cold.log"
fi
if [ $case = watchdog ]; then
	[ -z "$QS_EXPIRED" ] && ok "every phase within its bound" || fail "timed out waiting for $QS_EXPIRED"
	check "QEMU ended by boot 2's power off, exit 0 (was $QS_RC)" test "$QS_RC" = 0
	g() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/console.log" | tr -d '\r' | grep -a "$@"; }
	check "boot 1: /dev/watchdog (i6300esb) started, then fed no more" g -q '^hdguest: stopped feeding the watchdog'
	check "boot 1 was reset by the watchdog, not by the guest: one boot 1, then boot 2" \
		test "$(g -o '^hdguest: boot [0-9]*' | tr '\n' ' ')" = "hdguest: boot 1 hdguest: boot 2 "
	check "hangcap.efi after the reset: the record valid" g -q '^hangcap: hang record valid'
	check "boot 2: no record left (hangcap.efi deletes it before it dumps)" g -q '^hdguest: show: hang record: none$'
	"$B/crashcap" status "$RUN/target.img" >"$RUN/status.txt" 2>&1
	check "crashcap status: the dump is complete" grep -q 'complete' "$RUN/status.txt"
	"$B/crashcap" save "$RUN/target.img" -o "$RUN/vmcore" >"$RUN/save.txt" 2>&1
	check "crashcap save: exit 0 ($(tail -1 "$RUN/save.txt"))" test -s "$RUN/vmcore"
	vmcore-dmesg "$RUN/vmcore" >"$RUN/dmesg.txt" 2>"$RUN/dmesg.err"
	check "vmcore-dmesg: the marker, the last line before the hang" \
		grep -q "hangdrill: marker $SEED $PIPE_SEED, the last line before the hang" "$RUN/dmesg.txt"
	"$B/vmcore-probe" "$RUN/vmcore" --find "$SEED:$PAGES" "$PIPE_SEED:$PAGES" >"$RUN/find.txt" 2>&1
	read -r _ _ _ _ a_n _ _ _ _ _ _ < <(grep "^find $SEED " "$RUN/find.txt")
	read -r _ _ _ _ p_n _ _ _ _ _ _ < <(grep "^find $PIPE_SEED " "$RUN/find.txt")
	check "the $PAGES pipe pages (kernel memory) are in the vmcore (found ${p_n:-none})" test "${p_n:-x}" = "$PAGES"
	check "no anonymous pattern page (level 31 leaves user data out; found ${a_n:-none})" test "${a_n:-x}" = 0
	{ g '^hangcap:\|^hdguest: \(load: hang\|stopped\|show\|status\)'; cat "$RUN/status.txt" "$RUN/save.txt" "$RUN/find.txt"; } | sed 's/^/  | /'
	[ $FAILS = 0 ] && echo "hangcap/$case: passed" || echo "hangcap/$case: $FAILS checks failed"
	exit $((FAILS > 0))
fi
if [ $case = linux ]; then
	[ -z "$WARM_EXPIRED" ] && ok "warm part: every phase within its bound" || fail "warm part: timed out waiting for $WARM_EXPIRED"
	check "warm part: QEMU ended by the guest's power off, exit 0 (was $WARM_RC)" test "$WARM_RC" = 0
	[ -z "$QS_EXPIRED" ] && ok "cold part: every phase within its bound" || fail "cold part: timed out waiting for $QS_EXPIRED"
	check "cold part: QEMU ended by the guest's power off, exit 0 (was $QS_RC)" test "$QS_RC" = 0
	w() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/warm.log" | tr -d '\r' | grep -a "$@"; }
	c() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/cold.log" | tr -d '\r' | grep -a "$@"; }
	check "boot 1: the junk variable, as efivarfs shows a variable it found: 0644, immutable" \
		w -q '^hcguest: variable: mode 644, 20 bytes, immutable$'
	check "boot 1: hangrec show refuses it (no magic) before the load" w -q '^hcguest: show: .*not valid: no magic'
	check "boot 1: load's hang line: written, with the boot id and VMCOREINFO canaries" \
		w -q '^hcguest: load: hang  *record written to efivarfs CrashcapHang-d7497578-f1ca-48bb-b56b-fd5c2fa5b66e (2112 bytes, [0-9]* RAM ranges, 2 canaries: boot id found at 0x[0-9a-f]*, VMCOREINFO found at 0x[0-9a-f]*)'
	check "boot 1: the record replaced it: mode 600, 4 + 2112 bytes (immutable again: efivarfs sets it)" \
		w -q '^hcguest: variable: mode 600, 2116 bytes, immutable$'
	check "boot 1: hangrec show: valid, this boot" w -q '^hcguest: show after load: boot  *[0-9a-f-]* (this boot)$'
	# The boot id lives in the kernel's bss, low in RAM: it must survive a warm reset.  The
	# VMCOREINFO page sits near the top of low memory, where OVMF puts its own: it may not.
	check "after the warm reset: the boot id canary (kernel bss) matches" \
		w -q '^hangcap: hang record valid; canaries [12] of 2 match (bootid[a-z ]*): RAM \(survived\|did not survive\); capture not built yet'
	wm=$(w '^hangcap: hang record valid; canaries' | sed -n 's/.*canaries \([0-9]\) of 2 match.*/\1/p')
	wv=$(w '^hangcap: hang record valid; canaries' | grep -o 'RAM \(survived\|did not survive\)')
	check "after the warm reset: the verdict follows the rule (2 of 2 survived, else not; was $wm: $wv)" \
		test "$([ "$wm" = 2 ] && echo "RAM survived" || echo "RAM did not survive")" = "$wv"
	check "after the warm reset: each canary that differs is named, with the firmware's memory type there" \
		test "$(w -c '^hangcap: canary [0-9] ([a-z]*, [0-9]* bytes at 0x[0-9A-Fa-f]*) differs; the firmware.s memory map has [A-Za-z ]* there$')" = $((2 - ${wm:-9}))
	check "boot 2: the record is boot 1's" w -q '^hcguest: show: boot  *[0-9a-f-]* (an earlier boot, which did not stop cleanly)$'
	check "boot 2: efivarfs shows it 0644 again (mode at mount: why the loader deletes before it writes)" \
		w -q '^hcguest: variable: mode 644, 2116 bytes, immutable$'
	b1=$(w '^hcguest: show after load: boot ' | head -1 | awk '{print $6}') b1s=$(w '^hcguest: show: boot ' | awk '{print $4}')
	check "boot 2's record carries boot 1's boot id ($b1)" test -n "$b1" -a "$b1" = "$b1s"
	check "after the cold boot: no canary matches, RAM did not survive" \
		c -q '^hangcap: hang record valid; canaries 0 of 2 match (none): RAM did not survive; capture not built yet'
	check "after the cold boot: both canaries named as differing" \
		test "$(c -c '^hangcap: canary [0-9] ([a-z]*, [0-9]* bytes at 0x[0-9A-Fa-f]*) differs; the firmware.s memory map has [A-Za-z ]* there$')" = 2
	b2=$(w '^hcguest: show after load: boot ' | sed -n 2p | awk '{print $6}') b2s=$(c '^hcguest: show: boot ' | awk '{print $4}')
	check "boot 3: the record is boot 2's ($b2), not boot 1's" test -n "$b2" -a "$b2" = "$b2s" -a "$b2" != "$b1"
	check "boot 3: unload removed it" c -q '^hcguest: unload: crashcap: hang record removed$'
	check "boot 3: nothing left" c -q '^hcguest: show after unload: hang record: none$'
	{ w '^hcguest: \(load: hang\|variable\|show: boot\|show after load: boot\|unload\)\|^hangcap:'
	  c '^hcguest: \(variable\|show: boot\|unload\|show after\)\|^hangcap:'; } | sed 's/^/  | /'
	[ $FAILS = 0 ] && echo "hangcap/$case: passed" || echo "hangcap/$case: $FAILS checks failed"
	exit $((FAILS > 0))
fi
if [ $case = bootorder ]; then
	check "the boot manager's menu stayed 10 s, as expected (stopped waiting for: ${QS_EXPIRED:-nothing})" \
		test "$QS_EXPIRED" = "$MENU_WAIT"
else
	[ -z "$QS_EXPIRED" ] && ok "every phase within its bound" || fail "timed out waiting for $QS_EXPIRED"
	check "QEMU powered off (bootprobe's shutdown), exit 0 (was $QS_RC)" test "$QS_RC" = 0
fi

LOG=$RUN/console.log
clean() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$LOG" | tr -d '\r'; }
line=$(clean | grep -a -m1 'hangcap: no hang record')
us=$(printf '%s\n' "$line" | sed -n 's/.* after \([0-9]*\) us$/\1/p')
if [ -n "$us" ]; then
	check "no-record path: ${us} us from efi_main to the return (goal: under $HANGCAP_GOAL_US us)" test "$us" -lt $HANGCAP_GOAL_US
else
	fail "no 'hangcap: no hang record ... after N us' line"
fi
if [ $case = bootorder ]; then
	check "after hangcap returned EFI_SUCCESS as Boot0001, OVMF started its menu (UiApp) next" \
		test "$(clean | grep -a -A3 'hangcap: no hang record' | grep -a -c 'BdsDxe: starting Boot[0-9A-F]* "UiApp"')" = 1
	check "... and not disk 1's option" bash -c "! grep -aq 'bootprobe:' '$LOG'"
else
	check "boot 2: hangcap named the record invalid (no magic) and left it" \
		grep -aq 'hangcap: hang record invalid (no magic, 0): nothing captured, left in place' "$LOG"
	check "hangcap ran before the boot option in each boot after the install (2 lines before 2 bootprobe lines)" \
		test "$(clean | grep -a -o '^\(hangcap\|bootprobe\):' | sed -n '2,5p' | tr '\n' ' ')" = "hangcap: bootprobe: hangcap: bootprobe: "
	check "boot 3: the boot option started after the SysPrep application" \
		grep -aq 'bootprobe: reached as boot option Boot[0-9A-F]* after the SysPrep application' "$LOG"
fi
clean | grep -a 'hangcap:\|bootprobe:' | sed 's/^/  | /'
[ $FAILS = 0 ] && echo "hangcap/$case: passed" || echo "hangcap/$case: $FAILS checks failed"
exit $((FAILS > 0))

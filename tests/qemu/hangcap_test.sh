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
#              the record (8 canaries), 0600; the guest fills pipe buffers with random
#              pattern pages, writes a random marker line to /dev/kmsg and
#              resets by sysrq b (a warm reset); hangcap.efi finds the
#              canaries (RAM survived), deletes the record and dumps RAM
#              through Block I/O onto the 1 GiB target.  Boot 2: crashcap
#              status and save of that dump in the guest; the host saves the
#              disk image again (same sha256), and checks with the real
#              vmcore-dmesg that the marker is in the kernel log, with
#              vmcore-probe that every pattern page is there, and that there
#              are no CPU notes.  Boot 2 then arms a second disk and powers
#              off without a clean stop; a new QEMU (a cold boot) starts:
#              hangcap.efi finds no canary: RAM did not survive, nothing is
#              captured.  Boot 3: `crashcap unload` removes the record.
#   install    `crashcap hangcap install` from Linux, as a user runs it, with
#              the real efibootmgr in the guest: fresh firmware variables, the
#              ESP holds Linux and startup.nsh only.  Boot 1 installs
#              (hangcap.efi from /lib/crashcap beside /bin/crashcap) and
#              reboots; hangcap.efi must run at the next boot (its line on the
#              serial console), boot 2 removes it and reboots; it must not run
#              again before boot 3, and the file must be gone from the ESP.
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
#   secureboot the sysprep case under Secure Boot (tests/qemu/secboot.sh:
#              OVMF_CODE_4M.secboot.fd with SMM, the snakeoil-enrolled
#              variables): hangcap.efi and bootprobe.efi signed with the
#              snakeoil key (cached in build/cache/secboot).  Boots 1-3 as
#              sysprep's: the signed hangcap.efi runs as SysPrep0000 and the
#              boot goes on.  Then a new QEMU on the same variables with the
#              unsigned hangcap.efi in its place: the firmware refuses it
#              (no hangcap line) and the boot option is reached after it.
#   wedged     a firmware call that does not return: as watchdog's guest
#              (hangdrill-init's bench mode, one step: arm, the watchdog's
#              reset), but QEMU throttles the target's writes to 1 KiB/s, so
#              one WriteBlocks of 32 KiB lasts 32 s, past its bound (15 s +
#              1 s per MB: drivers/efi/blockio.h).  The firmware's watchdog,
#              armed around each call, must reset the machine inside the
#              call; the next boot is normal (hangcap.efi: no record) and the
#              target says the dump is in progress, not complete.
#
# Every wait is bounded (tests/qemu/qemu-lib.sh phases); the ESPs are GPT
# disk images made with sgdisk and mtools (no loop mounts), the variables a
# copy of OVMF_VARS_4M.fd.  --keep keeps the run directory.
set -u
LC_ALL=C
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/qemu-lib.sh"
. "$(dirname "$0")/hangcap-lib.sh"

HANGCAP_GOAL_US=50000 # issue 11: under 50 ms from its start to the return

case=${1:-} keep=0
[ "${2:-}" = --keep ] && keep=1
case $case in
bootorder|sysprep|linux|install|watchdog|secureboot|wedged) ;;
*) echo "usage: tests/qemu/hangcap_test.sh bootorder|sysprep|linux|install|watchdog|secureboot|wedged [--keep]" >&2; exit 2 ;;
esac
for f in "$OVMF_CODE" "$OVMF_VARS" "$B/hangcap.efi" "$B/bootprobe.efi"; do
	[ -e "$f" ] || { echo "FAIL - $f missing (scripts/deps.sh installs ovmf and gnu-efi; make hangcap)"; exit 1; }
done
for t in sgdisk mformat mcopy mmd; do
	command -v $t >/dev/null || { echo "FAIL - $t missing (scripts/deps.sh: gdisk, mtools)"; exit 1; }
done

RUN=$(mktemp -d "$B/hangcap-$case.XXXXXX")
[ $keep = 1 ] || trap 'rm -rf "$RUN"' EXIT

hc_vars || exit 1
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
elif [ $case = sysprep ] || [ $case = secureboot ]; then
	HC_EFI=$B/hangcap.efi PROBE_EFI=$B/bootprobe.efi
	if [ $case = secureboot ]; then
		. "$ROOT/tests/qemu/secboot.sh"
		secboot_tools || { echo "FAIL - Secure Boot tools missing (above)"; exit 1; }
		OVMF_CODE=$SECBOOT_CODE OVMF_VARS=$SECBOOT_VARS QEMU_MACHINE=q35,smm=on
		QEMU_EXTRA="-global driver=cfi.pflash01,property=secure,value=on"
		hc_vars || exit 1
		# the snakeoil-signed copies, cached by what they are made of
		SIGNED=$SECBOOT_CACHE/hangcap-$(cat "$B/hangcap.efi" "$B/bootprobe.efi" "$B/capture.efi" "$SECBOOT_CERT" | sha256sum | cut -c1-16)
		if [ ! -f "$SIGNED/.complete" ]; then
			mkdir -p "$SIGNED" && { [ -n "$SECBOOT_KEY" ] || secboot_key "$RUN"; } &&
				secboot_sign "$B/hangcap.efi" "$SIGNED/hangcap.efi" && secboot_sign "$B/bootprobe.efi" "$SIGNED/bootprobe.efi" &&
				secboot_sign "$B/capture.efi" "$SIGNED/capture.efi" ||
				{ secboot_forget_key; echo "FAIL - signing hangcap.efi, bootprobe.efi and capture.efi with the snakeoil key"; exit 1; }
			touch "$SIGNED/.complete"
		fi
		# the Linux guest (the watchdog drill's) with the signed capture.efi (kexec_file_load
		# under lockdown), its kernel signed too (cached: secboot.sh)
		. "$ROOT/tests/qemu/kernel.sh"
		hc_watchdog_guest --file "$SIGNED/capture.efi:/lib/crashcap/capture.efi" || exit 1
		secboot_kernel "$KERNEL_IMAGE" "$RUN" || { secboot_forget_key; echo "FAIL - signing the kernel with the snakeoil key"; exit 1; }
		secboot_forget_key
		HC_EFI=$SIGNED/hangcap.efi PROBE_EFI=$SIGNED/bootprobe.efi
		check "hangcap.efi signed with the snakeoil key (sbverify against db's certificate)" \
			sbverify --cert "$SECBOOT_CERT" "$HC_EFI"
		check "the built hangcap.efi carries no signature (sbverify --list)" \
			bash -c "! sbverify --list '$B/hangcap.efi' 2>/dev/null | grep -q '^signature [0-9]'"
	fi
	make_esp "$RUN/a.img" "$PROBE_EFI:/EFI/BOOT/BOOTX64.EFI" "$HC_EFI:/EFI/crashcap/hangcap.efi" ||
		{ echo "FAIL - making the ESP"; exit 1; }
	QS_PHASES=("bootprobe: installed@@180@@boot 1: bootprobe installing SysPrep0000"
		"hangcap: hang record invalid@@180@@boot 2: hangcap.efi as SysPrep0000, the record invalid"
		"bootprobe: deleted@@60@@boot 2: bootprobe deleting the record"
		"hangcap: no hang record@@180@@boot 3: hangcap.efi with no record"
		"bootprobe: reached@@60@@boot 3: the boot option after the SysPrep application")
	qemu_args "$RUN/a.img"
	qs_run "$RUN" 600 "$QEMU" "${QARGS[@]}"
	if [ $case = secureboot ]; then
		SIGNED_EXPIRED=$QS_EXPIRED SIGNED_RC=$QS_RC
		cp "$RUN/console.log" "$RUN/signed.log"
		# the same variables (SysPrep0000 installed), the unsigned image in its place
		mcopy -o -i "$RUN/a.img@@1M" "$B/hangcap.efi" ::/EFI/crashcap/hangcap.efi || { echo "FAIL - replacing hangcap.efi"; exit 1; }
		QS_PHASES=("bootprobe: reached@@180@@the boot option, after the firmware refused the unsigned SysPrep0000")
		qs_run "$RUN" 300 "$QEMU" "${QARGS[@]}"
		cp "$RUN/console.log" "$RUN/unsigned.log"
		cp "$RUN/signed.log" "$RUN/console.log"
		UNSIGNED_EXPIRED=$QS_EXPIRED UNSIGNED_RC=$QS_RC
		# a capture under Secure Boot: the signed hangcap.efi back, the ESP boots the
		# snakeoil-signed kernel; it arms (the signed capture.efi), the watchdog resets
		mcopy -o -i "$RUN/a.img@@1M" "$HC_EFI" ::/EFI/crashcap/hangcap.efi || { echo "FAIL - restoring hangcap.efi"; exit 1; }
		SB_SECTORS=$(( 640 * 2048 ))
		# OVMF refuses its own UEFI shell under Secure Boot (Security Violation), so no
		# startup.nsh: the disk's option starts a signed unified image (the drill's way)
		secboot_uki "$SECBOOT_KERNEL_SIGNED" "$RUN/initrd.img" "console=ttyS0 crashkernel=16M panic=0 hangdrill.bench=hdef \
hangdrill.benchsectors=$SB_SECTORS hangdrill.image=/lib/crashcap/capture.efi" "$RUN/uki.unsigned.efi" &&
			secboot_key "$RUN" && secboot_sign "$RUN/uki.unsigned.efi" "$RUN/uki.efi" &&
			mcopy -o -i "$RUN/a.img@@1M" "$RUN/uki.efi" ::/EFI/BOOT/BOOTX64.EFI ||
			{ secboot_forget_key; echo "FAIL - the signed unified image on the ESP"; exit 1; }
		secboot_forget_key
		rm -f "$RUN/uki.unsigned.efi"
		truncate -s $((SB_SECTORS * 512)) "$RUN/target.img"
		truncate -s 1M "$RUN/state.img"
		QS_SHOW='hangcap:|hdguest:|Secure boot|locked down'
		QS_PHASES=("hdguest: boot 1@@300@@Linux boot 1 (the signed unified image, \\EFI\\BOOT\\BOOTX64.EFI)"
			"hdguest: bench step hdef: armed@@120@@crashcap load --image (signed capture.efi) with the hang record"
			"hangcap: hang capture ended@@300@@the watchdog's reset and hangcap.efi's capture"
			"hdguest: bench result hdef @@300@@Linux boot 2 and the target's status"
			"hdguest: powering off@@60@@boot 2's power off")
		QEMU_MEM=512M QEMU_EXTRA="$QEMU_EXTRA $HC_WATCHDOG" qemu_args "$RUN/a.img" "$RUN/target.img" "$RUN/state.img"
		qs_run "$RUN" 900 "$QEMU" "${QARGS[@]}"
		cp "$RUN/console.log" "$RUN/capture.log"
		CAPTURE_EXPIRED=$QS_EXPIRED CAPTURE_RC=$QS_RC
		cp "$RUN/signed.log" "$RUN/console.log"
		QS_EXPIRED=$SIGNED_EXPIRED QS_RC=$SIGNED_RC
	fi
elif [ $case = wedged ]; then
	. "$ROOT/tests/qemu/kernel.sh"
	hc_watchdog_guest || exit 1
	QEMU_EXTRA=$HC_WATCHDOG
	stage1_sysprep
	W_SECTORS=$(( 640 * 2048 )) W_BPS=1024
	esp_linux console=ttyS0 crashkernel=16M panic=0 hangdrill.bench=hdef hangdrill.benchsectors=$W_SECTORS
	truncate -s $((W_SECTORS * 512)) "$RUN/target.img"
	truncate -s 1M "$RUN/state.img"
	QS_SHOW='hangcap:|hdguest:'
	QS_PHASES=("hangcap: hang record invalid@@180@@hangcap.efi on the junk variable"
		"hdguest: boot 1@@300@@Linux boot 1 (UEFI shell, startup.nsh)"
		"hdguest: bench step hdef: armed@@180@@crashcap load on the throttled target (a 4 KiB header at $W_BPS B/s)"
		"hangcap: each Block I/O call is bounded@@180@@the watchdog's reset and hangcap.efi finding the target"
		"hangcap: no hang record@@120@@the firmware's watchdog to reset the machine inside a wedged WriteBlocks"
		"hdguest: bench result hdef @@300@@Linux boot 2 and the target's status"
		"hdguest: powering off@@60@@boot 2's power off")
	QEMU_MEM=512M qemu_args "$RUN/a.img" "$RUN/target.img,throttling.bps-write=$W_BPS" "$RUN/state.img"
	qs_run "$RUN" 1200 "$QEMU" "${QARGS[@]}"
	[ -z "$QS_EXPIRED" ] && ok "every phase within its bound" || fail "timed out waiting for $QS_EXPIRED"
	check "QEMU ended by boot 2's power off, exit 0 (was $QS_RC)" test "$QS_RC" = 0
	g() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/console.log" | tr -d '\r' | grep -a "$@"; }
	check "hangcap: RAM survived, capturing" g -q '^hangcap: hang record valid; .*RAM survived; capturing'
	check "hangcap: says each call is bounded: 15 s + 1 s per 1 MB (17 s for 1024 KiB)" \
		g -q '^hangcap: each Block I/O call is bounded by the firmware.s watchdog: 15 s + 1 s per 1 MB (17 s for 1024 KiB); '
	check "hangcap: the capture never ended (the machine reset inside a call)" bash -c "! grep -aq 'hangcap: hang capture ended' '$RUN/console.log'"
	# the reset came from the watchdog: at least the bound after the dump started, well before a 32 s call ended
	t_dump=$(qs_stamp "$RUN" 'hangcap: dumping ') t_next=$(qs_stamp "$RUN" 'hangcap: no hang record')
	gap=$( [ -n "$t_dump" ] && [ -n "$t_next" ] && qs_elapsed "$t_dump" "$t_next")
	check "the reset came ${gap:-?} s after the dump started: not before the 16 s bound of a 32 KiB call, and the next boot is normal (no record)" \
		awk -v g="${gap:-0}" 'BEGIN { exit !(g >= 16 && g < 120) }'
	check "boot 2: the target says the dump is in progress (interrupted), not complete, a hang capture" \
		g -q '^hdguest: bench result hdef state=dump_in_progress data=[0-9]* ram=[0-9]* elapsed_ms=[0-9]* origin=hang_capture level=31 status='
	"$B/crashcap" status "$RUN/target.img" >"$RUN/status.txt" 2>&1
	check "host: crashcap status of the target: dump in progress (or interrupted)" grep -q '^state  *dump in progress (or interrupted)$' "$RUN/status.txt"
	{ g '^hangcap:\|^hdguest:'; cat "$RUN/status.txt"; } | sed 's/^/  | /'
	[ $FAILS = 0 ] && echo "hangcap/$case: passed" || echo "hangcap/$case: $FAILS checks failed"
	exit $((FAILS > 0))
elif [ $case = install ]; then
	. "$ROOT/tests/qemu/kernel.sh"
	kernel_fetch --driver CONFIG_VIRTIO_PCI:virtio_pci --driver CONFIG_VIRTIO_BLK:virtio_blk \
		--driver CONFIG_EFIVAR_FS:efivarfs --driver CONFIG_VFAT_FS:vfat --driver CONFIG_NLS_CODEPAGE_437:nls_cp437 \
		--driver CONFIG_NLS_ASCII:nls_ascii || { echo "FAIL - no kernel (tests/qemu/kernel.sh)"; exit 1; }
	EBM=$(command -v efibootmgr) || { echo "FAIL - efibootmgr missing (scripts/deps.sh)"; exit 1; }
	"$ROOT/tests/qemu/initramfs.sh" --out "$RUN/initrd.img" --modules "$KERNEL_MODULES" \
		--init "$ROOT/tests/qemu/hangcap-init" --bin "$EBM:efibootmgr" \
		--file "$B/hangcap.efi:/lib/crashcap/hangcap.efi" || { echo "FAIL - initramfs"; exit 1; }
	printf 'fs0:\r\n\\vmlinuz.efi initrd=\\initrd.img console=ttyS0 panic=0 hcmode=install\r\n' >"$RUN/startup.nsh"
	make_esp "$RUN/a.img" "$KERNEL_IMAGE:/vmlinuz.efi" "$RUN/initrd.img:/initrd.img" "$RUN/startup.nsh:/startup.nsh" ||
		{ echo "FAIL - making the ESP"; exit 1; }
	truncate -s 1M "$RUN/state.img"
	QS_SHOW='hangcap:|hcguest:'
	QS_PHASES=("hcguest: boot 1@@400@@Linux boot 1 (UEFI shell, startup.nsh)"
		"hcguest: rebooting@@120@@crashcap hangcap install in boot 1"
		"hcguest: boot 2@@400@@Linux boot 2, after hangcap.efi as SysPrep"
		"hcguest: rebooting@@120@@crashcap hangcap remove in boot 2"
		"hcguest: boot 3@@400@@Linux boot 3"
		"hcguest: powering off@@60@@boot 3's power off")
	qemu_args "$RUN/a.img" "$RUN/state.img"
	qs_run "$RUN" 1500 "$QEMU" "${QARGS[@]}"
elif [ $case = watchdog ]; then
	. "$ROOT/tests/qemu/kernel.sh"
	for f in "$B/qemu/patterns" "$B/vmcore-probe" "$B/crashcap"; do
		[ -x "$f" ] || { echo "FAIL - $f missing (make all)"; exit 1; }
	done
	command -v vmcore-dmesg >/dev/null || { echo "FAIL - vmcore-dmesg missing (scripts/deps.sh: kexec-tools)"; exit 1; }
	hc_watchdog_guest || exit 1
	# the watchdog in every stage: SysPrep0000's device path names the ESP's PCI slot
	QEMU_EXTRA=$HC_WATCHDOG
	stage1_sysprep
	SEED=$((RANDOM * 32768 + RANDOM + 1)) PIPE_SEED=$((RANDOM * 32768 + RANDOM + 2)) PAGES=64 WDT=4
	esp_linux console=ttyS0 crashkernel=16M panic=0 hangdrill.seed=$SEED hangdrill.pipeseed=$PIPE_SEED \
		hangdrill.pages=$PAGES hangdrill.wdt=$WDT
	truncate -s 1G "$RUN/target.img"
	truncate -s 1M "$RUN/state.img"
	QS_SHOW='hangcap:|hdguest:'
	QS_PHASES=("hangcap: hang record invalid@@180@@hangcap.efi on the junk variable"
		"hdguest: boot 1@@300@@Linux boot 1 (UEFI shell, startup.nsh)"
		"hdguest: stopped feeding@@180@@crashcap load and the patterns in boot 1"
		"hangcap: hang record valid@@180@@the watchdog's reset and hangcap.efi after it"
		"hdguest: boot 2@@600@@hangcap.efi's capture and Linux boot 2"
		"hdguest: rebooting cleanly@@120@@boot 2: arming the second disk, unloading"
		"hdguest: boot 3@@300@@Linux boot 3, after the clean reboot"
		"hdguest: powering off@@60@@boot 3's status")
	truncate -s 512M "$RUN/second.img"
	QEMU_MEM=512M qemu_args "$RUN/a.img" "$RUN/target.img" "$RUN/state.img" "$RUN/second.img"
	qs_run "$RUN" 1500 "$QEMU" "${QARGS[@]}"
else
	. "$ROOT/tests/qemu/kernel.sh"
	kernel_fetch --driver CONFIG_VIRTIO_PCI:virtio_pci --driver CONFIG_VIRTIO_BLK:virtio_blk \
		--driver CONFIG_EFIVAR_FS:efivarfs || { echo "FAIL - no kernel (tests/qemu/kernel.sh)"; exit 1; }
	"$ROOT/tests/qemu/initramfs.sh" --out "$RUN/initrd.img" --modules "$KERNEL_MODULES" \
		--init "$ROOT/tests/qemu/hangcap-init" || { echo "FAIL - initramfs"; exit 1; }
	stage1_sysprep
	SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ') MARK=$(od -An -N8 -tx8 /dev/urandom | tr -d ' ') PIPES=64
	esp_linux console=ttyS0 crashkernel=16M panic=0 hcseed=$SEED hcmark=$MARK hcpipes=$PIPES
	truncate -s 1G "$RUN/target.img"
	truncate -s 1025M "$RUN/target2.img"
	truncate -s 1M "$RUN/state.img"
	QS_SHOW='hangcap:|hcguest:'
	QS_PHASES=("hangcap: hang record invalid@@180@@hangcap.efi on the junk variable"
		"hcguest: boot 1@@300@@Linux boot 1 (UEFI shell, startup.nsh)"
		"hcguest: resetting@@120@@crashcap load in boot 1"
		"hangcap: hang record valid@@180@@hangcap.efi after the warm reset"
		"hangcap: hang capture ended@@1200@@hangcap.efi capturing 512 MiB through Block I/O"
		"hcguest: boot 2@@300@@Linux boot 2"
		"hcguest: powering off without a clean stop@@300@@crashcap status, save and load in boot 2")
	QEMU_MEM=512M qemu_args "$RUN/a.img" "$RUN/target.img" "$RUN/target2.img" "$RUN/state.img"
	qs_run "$RUN" 2400 "$QEMU" "${QARGS[@]}"
	cp "$RUN/console.log" "$RUN/warm.log"
	WARM_EXPIRED=$QS_EXPIRED WARM_RC=$QS_RC
	# a cold boot: a new QEMU, the same firmware variables and disks
	QS_PHASES=("hangcap: hang record valid@@180@@hangcap.efi after the cold boot"
		"hcguest: boot 3@@300@@Linux boot 3"
		"hcguest: powering off@@60@@unload in boot 3")
	qs_run "$RUN" 900 "$QEMU" "${QARGS[@]}"
	cp "$RUN/console.log" "$RUN/cold.log"
fi
if [ $case = install ]; then
	[ -z "$QS_EXPIRED" ] && ok "every phase within its bound" || fail "timed out waiting for $QS_EXPIRED"
	check "QEMU ended by boot 3's power off, exit 0 (was $QS_RC)" test "$QS_RC" = 0
	l() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/console.log" | tr -d '\r' | grep -a "$@"; }
	# part N: the console from "hcguest: boot N" up to the next boot's line
	part() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/console.log" | tr -d '\r' |
		awk -v n="$1" '/^hcguest: boot [0-9]/ { b = $3 } b == n' | grep -a "${@:2}"; }
	check "boot 1: install says where, which SysPrep option, first in SysPrepOrder, from /lib/crashcap" \
		l -q '^hcguest: install: crashcap: hangcap.efi installed: /boot/efi/EFI/crashcap/hangcap.efi ('"$(stat -c %s "$B/hangcap.efi")"' bytes, from /bin/../lib/crashcap/hangcap.efi), SysPrep[0-9A-F]\{4\} "crashcap hangcap" first in SysPrepOrder (/dev/vda partition 1): the firmware starts it at every boot$'
	check "boot 1: install exit 0" l -q '^hcguest: install exit 0$'
	ebm_ours() { part 1 '^hcguest: efibootmgr: SysPrep[0-9A-F]\{4\}\* crashcap hangcap' | grep -cF 'File(\EFI\crashcap\hangcap.efi)'; }
	check "boot 1: efibootmgr lists SysPrepOrder and the option, active, with its file" \
		test "$(part 1 -c '^hcguest: efibootmgr: SysPrepOrder: [0-9A-F]\{4\}')" = 1 -a "$(ebm_ours)" = 1
	check "before boot 1 (fresh variables): hangcap.efi did not run" test "$(l -B100000 -m1 '^hcguest: boot 1$' | grep -c '^hangcap:')" = 0
	check "between boot 1 and boot 2: hangcap.efi ran once, found no record" \
		test "$(part 1 -c '^hangcap: ')" = 1 -a "$(part 1 -c '^hangcap: no hang record: nothing to capture, back to the boot manager after [0-9]* us$')" = 1
	check "boot 2: remove deleted the option and its order entry, and the file" \
		eval "l -q '^hcguest: remove: crashcap: removed SysPrep[0-9A-F]\{4\} \"crashcap hangcap\" and its SysPrepOrder entry$' && l -q '^hcguest: remove: crashcap: removed /boot/efi/EFI/crashcap/hangcap.efi$' && l -q '^hcguest: remove exit 0$' && l -q '^hcguest: file: gone$'"
	check "boot 2: efibootmgr lists no crashcap option" test "$(part 2 -c '^hcguest: efibootmgr: .*crashcap')" = 0
	check "between boot 2 and boot 3: hangcap.efi did not run" test "$(part 2 -c '^hangcap:')" = 0
	check "the ESP image has no EFI/crashcap/hangcap.efi left" bash -c "! mdir -i '$RUN/a.img@@1M' ::/EFI/crashcap/hangcap.efi >/dev/null 2>&1"
	l '^hcguest: \(install\|remove\|efibootmgr\|boot\|file\)\|^hangcap:' | sed 's/^/  | /'
	[ $FAILS = 0 ] && echo "hangcap/$case: passed" || echo "hangcap/$case: $FAILS checks failed"
	exit $((FAILS > 0))
fi
if [ $case = watchdog ]; then
	[ -z "$QS_EXPIRED" ] && ok "every phase within its bound" || fail "timed out waiting for $QS_EXPIRED"
	check "QEMU ended by boot 3's power off, exit 0 (was $QS_RC)" test "$QS_RC" = 0
	g() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/console.log" | tr -d '\r' | grep -a "$@"; }
	check "boot 1: /dev/watchdog (i6300esb) started, then fed no more" g -q '^hdguest: stopped feeding the watchdog'
	check "boot 1 was reset by the watchdog, not by the guest: boots 1, 2, 3 in order" \
		test "$(g -o '^hdguest: boot [0-9]*' | tr '\n' ' ')" = "hdguest: boot 1 hdguest: boot 2 hdguest: boot 3 "
	check "hangcap.efi after the watchdog's reset: record valid, RAM survived, capturing" \
		g -q '^hangcap: hang record valid; canaries [0-8] of [0-8] match, [0-8] of [0-8] in free memory: RAM survived; capturing after [0-9]* us$'
	check "hangcap.efi: the capture ended complete" g -q '^hangcap: hang capture ended: ok (0)$'
	check "boot 2: no record left (hangcap.efi deletes it before it dumps)" g -q '^hdguest: show: hang record: none$'
	check "boot 2: the guest's status says complete, a hang capture" \
		eval "g -q '^hdguest: status: state  *dump complete' && g -q '^hdguest: status: .*hang capture (watchdog or reset, no CPU registers)'"
	check "the clean reboot: boot 2 armed the second disk with a record, unload removed it" \
		eval "g -q '^hdguest: load 2: hang  *record written' && g -q '^hdguest: unload: crashcap: hang record removed$'"
	check "after the clean reboot: hangcap.efi found no record and captured nothing" \
		test "$(g -A100000 '^hdguest: rebooting cleanly' | grep -c '^hangcap: no hang record')" = 1 -a "$(g -A100000 '^hdguest: rebooting cleanly' | grep -c '^hangcap: \(record deleted\|hang capture\)')" = 0
	check "boot 3: the second disk is still empty (armed, no dump)" g -q '^hdguest: status 2: state  *empty'
	"$B/crashcap" status "$RUN/target.img" >"$RUN/status.txt" 2>&1
	check "crashcap status on the host: complete, hang capture" \
		eval "grep -q '^state  *dump complete' '$RUN/status.txt' && grep -q 'hang capture (watchdog or reset, no CPU registers)' '$RUN/status.txt'"
	"$B/crashcap" save "$RUN/target.img" -o "$RUN/vmcore" >"$RUN/save.txt" 2>&1
	check "crashcap save: exit 0 ($(tail -1 "$RUN/save.txt"))" test -s "$RUN/vmcore"
	vmcore-dmesg "$RUN/vmcore" >"$RUN/dmesg.txt" 2>"$RUN/dmesg.err"
	check "vmcore-dmesg: the marker, the last line before the hang" \
		grep -q "hangdrill: marker $SEED $PIPE_SEED, the last line before the hang" "$RUN/dmesg.txt"
	"$B/vmcore-probe" "$RUN/vmcore" --find "$SEED:$PAGES" "$PIPE_SEED:$PAGES" >"$RUN/find.txt" 2>&1
	read -r _ _ _ _ a_n _ _ _ a_d _ _ < <(grep "^find $SEED " "$RUN/find.txt")
	read -r _ _ _ _ p_n _ _ _ p_d _ _ < <(grep "^find $PIPE_SEED " "$RUN/find.txt")
	# OVMF takes memory near the top of low memory, where Linux puts pipe buffers
	# (docs/hangcap.md): some pipe pages are gone, none may come back damaged
	check "pipe pages (kernel memory) found by content: at least 1 of $PAGES, none damaged (found ${p_n:-none}, damaged ${p_d:-?})" \
		test "${p_n:-0}" -ge 1 -a "${p_d:-x}" = 0
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
	# check_patterns: the anonymous pattern pages (known physical addresses,
	# level 23 keeps them) and the pipe pages (kernel memory, by content).
	# RAM the firmware owned when hangcap ran (save's "firmware:" lines, the
	# dump's note) may hold anything: every page outside it must be exact.
	# So may OVMF's SEC decompression area, written at every start before any
	# memory map exists and free in the map hangcap reads: the LZMA output at
	# the DXEFV's base + 1 MiB (0xa00000), 128 + PEIFV (0xe0000) + 16 + DXEFV
	# (0xc00000) bytes, then 64 KiB of scratch at the next MiB
	# (OvmfPkg/DecomprScratchEnd.fdf.inc; OVMF_CODE_4M.fd of Debian's 2022.11).
	# Past the DXEFV's own range (BootServicesData 0x900000-0x14fffff):
	OVMF_SEC_AREA="1500000 170ffff"
	in_fw() { # in_fw ADDR: inside one of $fw's "lo hi" or OVMF_SEC_AREA (hex, inclusive)
		local lo hi
		while read -r lo hi; do
			[ -n "$lo" ] && (( $1 >= 0x$lo && $1 <= 0x$hi )) && return 0
		done <<<"$fw
$OVMF_SEC_AREA"
		return 1
	}
	check_patterns() {
		local pat l paddr seed index a inside=0 outside=0 good_out=0 good_in=0 bad="" pn pd
		fw=""
		mapfile -t pat < <(w -o "pattern: CCPAT [0-9a-f]* $((SEED + 1)) [0-9]*" | sed 's/^pattern: //')
		fw=$(sed -n 's/^firmware: 0x\([0-9a-f]*\)-0x\([0-9a-f]*\) .*/\1 \2/p' "$RUN/save.host")
		local said
		said=$(w '^hangcap: the firmware owns [0-9]* ranges now' | sed -n 's/^hangcap: the firmware owns \([0-9]*\) ranges.*/\1/p')
		check "save: the firmware's ranges printed from the dump's note, as many as hangcap said ($(grep -c '^firmware: ' "$RUN/save.host") lines, hangcap: ${said:-none})" \
			test -n "$fw" -a "$(grep -c '^firmware: ' "$RUN/save.host")" = "${said:-x}"
		mkdir -p "$RUN/pat"
		: >"$RUN/pat/list"
		for l in "${pat[@]}"; do
			read -r _ paddr seed index <<<"$l"
			"$B/qemu/patterns" --emit "$seed" "$index" >"$RUN/pat/$index" || break
			"$B/vmcore-probe" "$RUN/vmcore" --expect "$paddr:$RUN/pat/$index" >"$RUN/pat/$index.txt" 2>&1
			a=$((0x$paddr))
			if in_fw "$a"; then
				inside=$((inside + 1)); grep -q '^ok ' "$RUN/pat/$index.txt" && good_in=$((good_in + 1))
			else
				outside=$((outside + 1))
				if grep -q '^ok ' "$RUN/pat/$index.txt"; then good_out=$((good_out + 1)); else bad+=" $paddr"; fi
			fi
		done
		check "the guest said where its $PIPES anonymous pattern pages are (${#pat[@]} CCPAT lines)" test "${#pat[@]}" = "$PIPES"
		check "anonymous pattern pages outside the firmware's ranges and OVMF's SEC area: $good_out of $outside at their physical addresses, byte for byte (${bad:-none wrong}); $good_in of $inside inside them intact" \
			test "$outside" -gt 0 -a "$good_out" = "$outside"
		"$B/vmcore-probe" "$RUN/vmcore" --find "$SEED:$PIPES" >"$RUN/find.txt" 2>&1
		read -r _ _ _ _ pn _ _ _ pd _ <"$RUN/find.txt"
		# Linux puts pipe pages near the top of low memory, where OVMF works:
		# 11-16 of 64 come back (docs/hangcap.md), so at least one, none damaged
		check "pipe-buffer pattern pages (kernel memory, seed $SEED) found by content, none damaged: $(head -n1 "$RUN/find.txt") (the firmware overwrites most: docs/hangcap.md)" \
			test "${pn:-0}" -gt 0 -a "${pd:-x}" = 0
	}
	# check_capture: hangcap.efi's capture after the warm reset, judged by
	# its lines, the guest's status and save, and on the host by crashcap
	# save of the disk image, the real vmcore-dmesg and vmcore-probe.
	check_capture() {
		local g s h line dm
		check "hangcap: RAM survived, so it captures (the canaries in free memory: docs/hangcap.md)" \
			test "$wv" = "RAM survived"
		check "hangcap: the record deleted first (used once), the boot watchdog off" \
			w -q '^hangcap: record deleted (used once), boot watchdog off; clock: TSC [0-9]* MHz'
		check "hangcap: exactly one Block I/O disk is the armed target, the 1 GiB one" \
			w -q '^hangcap: target: Block I/O .*, 2097152 sectors of 512 bytes'
		check "hangcap: header committed complete, capture ended ok" \
			bash -c "grep -aq '^hangcap: header committed: complete' '$RUN/warm.log' && grep -aq '^hangcap: hang capture ended: ok (0)' '$RUN/warm.log'"
		line=$(w '^hangcap: blockio .* MiB written in [0-9]* WriteBlocks calls' | tail -n1)
		check "hangcap: Block I/O throughput said (hangcap's clock, TSC calibrated against Stall): ${line#hangcap: }; load $(cut -d' ' -f1-3 /proc/loadavg)" \
			test -n "$line"
		check "boot 2: the record is gone (hangcap used it)" w -q '^hcguest: show: hang record: none$'
		check "boot 2: status: dump complete" w -q '^hcguest: status: state  *dump complete$'
		check "boot 2: status: origin hang capture" \
			w -q '^hcguest: status: origin  *hang capture (watchdog or reset, no CPU registers)$'
		check "boot 2: save exit 0, and it names the origin" \
			bash -c "grep -aq '^hcguest: save exit 0' '$RUN/warm.log' && grep -aq '^hcguest: save: origin: hang capture (watchdog or reset, no CPU registers)$' '$RUN/warm.log'"
		g=$(w '^hcguest: vmcore: ' | sed -n 's/.*sha256 \([0-9a-f]*\)$/\1/p')
		"$B/crashcap" status "$RUN/target.img" >"$RUN/status.host" 2>&1
		check "host: status of the image: saved, origin hang capture" \
			bash -c "grep -q '^state  *saved$' '$RUN/status.host' && grep -q '^origin  *hang capture (watchdog or reset, no CPU registers)$' '$RUN/status.host'"
		rm -f "$RUN/vmcore"
		"$B/crashcap" save "$RUN/target.img" -o "$RUN/vmcore" >"$RUN/save.host" 2>&1
		h=$(sha256sum <"$RUN/vmcore" 2>/dev/null | cut -c1-64)
		check "host: crashcap save of the image gives the guest's vmcore (sha256 ${g:-none})" test -n "$g" -a "$g" = "$h"
		dm=$(command -v vmcore-dmesg || echo /usr/sbin/vmcore-dmesg)
		"$dm" "$RUN/vmcore" >"$RUN/dmesg.vmcore" 2>"$RUN/dmesg.err"
		check "vmcore-dmesg: the marker line written just before the hang (hcmarker $MARK)" \
			grep -q "hcmarker $MARK: the last line before the hang" "$RUN/dmesg.vmcore"
		check_patterns
		check "no CPU notes (NT_PRSTATUS) in the vmcore: there are no registers after a reset" \
			test -s "$RUN/vmcore" -a "$(readelf -nW "$RUN/vmcore" 2>/dev/null | grep -c NT_PRSTATUS)" = 0
		check "the VMCOREINFO note is in the vmcore" bash -c "readelf -nW '$RUN/vmcore' | grep -q VMCOREINFO"
	}
	check "boot 1: the junk variable, as efivarfs shows a variable it found: 0644, immutable" \
		w -q '^hcguest: variable: mode 644, 20 bytes, immutable$'
	check "boot 1: hangrec show refuses it (no magic) before the load" w -q '^hcguest: show: .*not valid: no magic'
	# ptr_key is made at the kernel's first hashed %p after its RNG is ready: some boots have
	# printed one before the load, some not; then its slot goes to a fifth ro_after_init page
	HANG_WORDS='^hcguest: load: hang  *record written to efivarfs CrashcapHang-d7497578-f1ca-48bb-b56b-fd5c2fa5b66e (2112 bytes, [0-9]* RAM ranges, 8 canaries: boot id found at 0x[0-9a-f]*, '
	check "boot 1: load's hang line: written, 8 canaries: the boot id, ptr_key (or not made yet), the region page, VMCOREINFO, 4 ro_after_init pages (5 without ptr_key)" \
		eval "w -q '${HANG_WORDS}ptr_key found at 0x[0-9a-f]*, region page at 0x[0-9a-f]*, VMCOREINFO found at 0x[0-9a-f]*, 4 ro_after_init pages at 0x[0-9a-f]*-0x[0-9a-f]*)' ||
		      w -q '${HANG_WORDS}ptr_key not found (all zero at 0x[0-9a-f]*: not made yet), region page at 0x[0-9a-f]*, VMCOREINFO found at 0x[0-9a-f]*, 5 ro_after_init pages at 0x[0-9a-f]*-0x[0-9a-f]*)'"
	check "boot 1: the load staged the region canary and a copy of VMCOREINFO as segments of their own" \
		w -q '^hcguest: load: segments .*, canary 0x[0-9a-f]*+4 KiB, vmcoreinfo 0x[0-9a-f]*+[0-9]* KiB; entry'
	vmci_copy=$(w '^hcguest: load: segments ' | sed -n 's/.*, vmcoreinfo \(0x[0-9a-f]*\)+.*/\1/p' | head -1)
	check "boot 1: the record names the crash region's copy of VMCOREINFO ($vmci_copy), not the kernel's page" \
		w -q "^hcguest: show after load: vmcoreinfo $vmci_copy+0x"
	check "boot 1: the record replaced it: mode 600, 4 + 2112 bytes (immutable again: efivarfs sets it)" \
		w -q '^hcguest: variable: mode 600, 2116 bytes, immutable$'
	check "boot 1: hangrec show: valid, this boot" w -q '^hcguest: show after load: boot  *[0-9a-f-]* (this boot)$'
	# hangcap's verdict, and the rule recomputed here from its canary lines: at least 2 that
	# match in Conventional memory, one of them unique (bootid, key, region)
	CANARY_LINE='^hangcap: canary [0-7] (\(bootid\|key\|region\|vmcoreinfo\|roinit\), [0-9]* bytes at 0x[0-9A-Fa-f]*) \(matches\|differs\); [A-Za-z ]* memory there\(, not counted\)\?$'
	rule() { # rule LOG-FN: the verdict the canary lines call for
		local m u
		m=$($1 "$CANARY_LINE" | grep -c 'matches; Conventional memory there$')
		u=$($1 "$CANARY_LINE" | grep 'matches; Conventional memory there$' | grep -c '(\(bootid\|key\|region\),')
		[ "$m" -ge 2 ] && [ "$u" -ge 1 ] && echo "RAM survived" || echo "RAM did not survive"
	}
	check "after the warm reset: RAM survived, capturing" \
		w -q '^hangcap: hang record valid; canaries [0-8] of 8 match, [0-8] of [0-8] in free memory: RAM survived; capturing after [0-9]* us$'
	wv=$(w '^hangcap: hang record valid; canaries' | grep -o 'RAM \(survived\|did not survive\)')
	check "after the warm reset: the verdict follows the rule, recomputed from the canary lines (was: $wv)" \
		test "$(rule w)" = "$wv"
	check "after the warm reset: one line for each of the 8 canaries, with the firmware's memory type there" \
		test "$(w -c "$CANARY_LINE")" = 8
	check "after the warm reset: a canary in the firmware's memory is marked not counted, one in free memory is not" \
		test "$(w "$CANARY_LINE" | grep -c 'Conventional memory there, \|[^l] memory there$')" = 0
	check_capture
	check "after the cold boot: nothing captured, the second target still empty (armed)" \
		bash -c "! grep -aq '^hangcap: \(record deleted\|target:\|hang capture\)' '$RUN/cold.log' && '$B/crashcap' status '$RUN/target2.img' | grep -q '^state  *empty'"
	check "after the cold boot: no canary matches, RAM did not survive" \
		c -q '^hangcap: hang record valid; canaries 0 of 8 match, 0 of [0-8] in free memory: RAM did not survive (fewer than 2 canaries in free memory match); nothing captured, left in place, back after [0-9]* us$'
	check "after the cold boot: all 8 canaries named as differing" \
		test "$(c "$CANARY_LINE" | grep -c ' differs; ')" = 8
	check "after the cold boot: the verdict follows the rule, recomputed from the canary lines" \
		test "$(rule c)" = "RAM did not survive"
	b2=$(w '^hcguest: show after load: boot ' | sed -n 2p | awk '{print $6}') b2s=$(c '^hcguest: show: boot ' | awk '{print $4}')
	b1=$(w '^hcguest: show after load: boot ' | head -1 | awk '{print $6}')
	check "boot 3: the record is boot 2's ($b2), not boot 1's" test -n "$b2" -a "$b2" = "$b2s" -a "$b2" != "$b1"
	check "boot 3: unload removed it" c -q '^hcguest: unload: crashcap: hang record removed$'
	check "boot 3: nothing left" c -q '^hcguest: show after unload: hang record: none$'
	{ w '^hcguest: \(load: hang\|variable\|show: \|show after load: boot\|unload\|status\|save\|vmcore\|pattern\|marker\)\|^hangcap:'
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
	sb=0
	[ $case = secureboot ] && sb=1
	check "boot 3: the boot option started after the SysPrep application, SecureBoot $sb" \
		grep -aq "bootprobe: reached as boot option Boot[0-9A-F]* after the SysPrep application; SecureBoot $sb\$" "$LOG"
fi
if [ $case = secureboot ]; then
	u() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/unsigned.log" | tr -d '\r' | grep -a "$@"; }
	[ -z "$UNSIGNED_EXPIRED" ] && ok "unsigned: every phase within its bound" || fail "unsigned: timed out waiting for $UNSIGNED_EXPIRED"
	check "unsigned: QEMU powered off (bootprobe's shutdown), exit 0 (was $UNSIGNED_RC)" test "$UNSIGNED_RC" = 0
	check "unsigned: the firmware did not start the unsigned hangcap.efi (no hangcap line)" bash -c "! grep -aq 'hangcap:' '$RUN/unsigned.log'"
	check "unsigned: the boot option was reached after the SysPrep entry, SecureBoot 1" \
		u -q 'bootprobe: reached as boot option Boot[0-9A-F]* after the SysPrep application; SecureBoot 1$'
	echo "  unsigned run, the firmware's lines before the boot option:"
	u 'BdsDxe\|Security\|Access\|Denied\|SysPrep\|bootprobe:\|hangcap:' | sed 's/^/  | /'
	k() { sed 's/\x1b\[[0-9;?=]*[a-zA-Z]//g' "$RUN/capture.log" | tr -d '\r' | grep -a "$@"; }
	[ -z "$CAPTURE_EXPIRED" ] && ok "capture: every phase within its bound" || fail "capture: timed out waiting for $CAPTURE_EXPIRED"
	check "capture: QEMU ended by boot 2's power off, exit 0 (was $CAPTURE_RC)" test "$CAPTURE_RC" = 0
	check "capture: the signed kernel booted under Secure Boot, locked down" \
		bash -c "grep -aq 'secureboot: Secure boot enabled' '$RUN/capture.log' && grep -aq 'Kernel is locked down from EFI Secure Boot' '$RUN/capture.log'"
	check "capture: crashcap load used kexec_file_load (the signed capture.efi) and wrote the record" \
		bash -c "grep -aq '^hdguest: load: syscall  *kexec_file_load' '$RUN/capture.log' && grep -aq '^hdguest: load: hang  *record written' '$RUN/capture.log'"
	check "capture: the signed hangcap.efi found RAM survived the watchdog's reset and captured, ok" \
		test "$(k -c '^hangcap: hang record valid; .*RAM survived; capturing\|^hangcap: hang capture ended: ok (0)$')" = 2
	check "capture: boot 2 reads the header: dump complete, hang capture, level 31" \
		k -q '^hdguest: bench result hdef state=dump_complete data=[1-9][0-9]* ram=[1-9][0-9]* elapsed_ms=[0-9]* origin=hang_capture level=31 status=ok_(0)$'
	"$B/crashcap" save "$RUN/target.img" -o "$RUN/vmcore" >"$RUN/save.txt" 2>&1
	check "capture: crashcap save of the target on the host, exit 0 ($(tail -n1 "$RUN/save.txt"))" test -s "$RUN/vmcore"
	"$(command -v vmcore-dmesg || echo /usr/sbin/vmcore-dmesg)" "$RUN/vmcore" 2>/dev/null | grep -a 'secureboot: Secure boot enabled\|locked down from EFI' >"$RUN/dmesg.sb"
	# kexec_file_load stages no copy of VMCOREINFO: the record names the kernel's own
	# page, which OVMF takes in some warm resets (docs/hangcap.md); read the log when
	# hangcap found that page intact
	vci=$(k '^hangcap: canary [0-7] (vmcoreinfo, ' | head -n1)
	if [[ $vci == *" matches; Conventional memory there" ]]; then
		check "capture: vmcore-dmesg of the dump shows the Secure Boot kernel's own lines ($(head -n1 "$RUN/dmesg.sb" | sed 's/^\[ *[0-9.]*\] //'))" \
			test "$(wc -l <"$RUN/dmesg.sb")" = 2
	else
		ok "capture: vmcore-dmesg not asked: the kernel's VMCOREINFO page did not survive (${vci#hangcap: })"
	fi
	rm -f "$RUN/vmcore" "$RUN/target.img"
fi
clean | grep -a 'hangcap:\|bootprobe:' | sed 's/^/  | /'
[ $FAILS = 0 ] && echo "hangcap/$case: passed" || echo "hangcap/$case: $FAILS checks failed"
exit $((FAILS > 0))

# shellcheck shell=bash
# tests/qemu/hangcap-lib.sh - the OVMF guest of hangcap.efi's checks, shared
# by tests/qemu/hangcap_test.sh and tests/qemu/bench --hangcap.  Source it
# from bash after tests/qemu/lib.sh and tests/qemu/qemu-lib.sh, with RUN set
# to the run's directory (the ESP, the variables and the console go there).
#
#   hc_vars                 RUN/vars.fd: a fresh copy of OVMF_VARS
#   make_esp IMAGE SRC:DEST...  a GPT disk with one FAT ESP, the files copied in
#   qemu_args DISK...       QARGS: q35 (QEMU_MACHINE), OVMF_CODE, RUN/vars.fd, the
#                           disks as virtio-blk in bootindex order (QEMU_MEM, QEMU_EXTRA)
#   stage1_sysprep          RUN/a.img with bootprobe.efi and hangcap.efi, one
#                           boot: bootprobe installs hangcap as SysPrep0000
#   esp_linux CMDLINE...    RUN/a.img then boots $KERNEL_IMAGE with
#                           RUN/initrd.img through the UEFI shell's startup.nsh

# OVMF_CODE, OVMF_VARS and QEMU_MACHINE may be set before (Secure Boot:
# tests/qemu/secboot.sh's firmware, its snakeoil variables, q35,smm=on).
OVMF_CODE=${OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}

hc_vars() { cp "$OVMF_VARS" "$RUN/vars.fd"; }

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
	# shellcheck disable=SC2206  # QEMU_EXTRA is words
	QARGS=(-machine "${QEMU_MACHINE:-q35}" -accel tcg -m ${QEMU_MEM:-256M} -display none -serial stdio -monitor none ${QEMU_EXTRA:-}
		-drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
		-drive "if=pflash,format=raw,unit=1,file=$RUN/vars.fd")
	for d in "$@"; do
		QARGS+=(-drive "if=none,id=d$i,format=raw,file=$d" -device "virtio-blk-pci,drive=d$i,bootindex=$i")
		i=$((i + 1))
	done
}

# stage1_sysprep: an ESP with bootprobe.efi as BOOTX64.EFI and hangcap.efi;
# one boot in which bootprobe installs hangcap as SysPrep0000 and writes a
# junk CrashcapHang, then resets (-no-reboot: QEMU ends).  Its console is
# kept as stage1.log.  QEMU_EXTRA must be what the later stages use: the
# option's device path names the ESP's PCI slot.
stage1_sysprep() {
	make_esp "$RUN/a.img" "$B/bootprobe.efi:/EFI/BOOT/BOOTX64.EFI" "$B/hangcap.efi:/EFI/crashcap/hangcap.efi" ||
		{ echo "FAIL - making the ESP"; exit 1; }
	# shellcheck disable=SC2034  # qs_run's
	QS_PHASES=("bootprobe: installed@@180@@stage 1: bootprobe installing SysPrep0000")
	qemu_args "$RUN/a.img"
	qs_run "$RUN" 240 "$QEMU" "${QARGS[@]}" -no-reboot
	cp "$RUN/console.log" "$RUN/stage1.log"
	grep -aq 'bootprobe: installed' "$RUN/stage1.log" || { echo "FAIL - stage 1: SysPrep0000 not installed"; exit 1; }
}

# esp_linux CMDLINE...: the ESP then boots Linux through the UEFI shell's
# startup.nsh (BOOTX64.EFI removed, so the disk's own option fails), with
# $KERNEL_IMAGE, $RUN/initrd.img and the kernel command line given.
esp_linux() {
	printf 'fs0:\r\n\\vmlinuz.efi initrd=\\initrd.img %s\r\n' "$*" >"$RUN/startup.nsh"
	mdel -i "$RUN/a.img@@1M" ::/EFI/BOOT/BOOTX64.EFI &&
		mcopy -i "$RUN/a.img@@1M" "$KERNEL_IMAGE" ::/vmlinuz.efi &&
		mcopy -i "$RUN/a.img@@1M" "$RUN/initrd.img" ::/initrd.img &&
		mcopy -i "$RUN/a.img@@1M" "$RUN/startup.nsh" ::/startup.nsh || { echo "FAIL - filling the ESP"; exit 1; }
}

# hc_watchdog_guest [INITRAMFS-ARGS...]: the watchdog drill's Linux (Debian's generic kernel: it
# has the i6300esb driver) and RUN/initrd.img with tests/qemu/hangdrill-init
# and patterns; HC_WATCHDOG: the QEMU arguments of its watchdog, for
# QEMU_EXTRA in every stage (SysPrep0000's device path names the ESP's PCI
# slot, so the devices must not move).  Needs tests/qemu/kernel.sh.
# shellcheck disable=SC2034  # for the caller
HC_WATCHDOG="-device i6300esb,addr=0x10 -action watchdog=reset"
hc_watchdog_guest() {
	KERNEL_META_PACKAGE=linux-image-amd64 kernel_fetch --driver CONFIG_VIRTIO_PCI:virtio_pci \
		--driver CONFIG_VIRTIO_BLK:virtio_blk --driver CONFIG_EFIVAR_FS:efivarfs \
		--driver CONFIG_I6300ESB_WDT:i6300esb || { echo "FAIL - no kernel (tests/qemu/kernel.sh)"; return 1; }
	"$ROOT/tests/qemu/initramfs.sh" --out "$RUN/initrd.img" --modules "$KERNEL_MODULES" \
		--patterns "$B/qemu/patterns" --init "$ROOT/tests/qemu/hangdrill-init" "$@" || { echo "FAIL - initramfs"; return 1; }
}

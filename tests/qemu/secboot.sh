# shellcheck shell=bash
# tests/qemu/secboot.sh - the Secure Boot side of the crash drill's
# secure-boot scenario (tests/qemu/drill --scenario secure-boot;
# docs/secure-boot.md, "The Secure Boot drill").  Source it from bash.
#
# Everything comes from Debian packages (scripts/deps.sh installs them):
#   ovmf             OVMF_CODE_4M.secboot.fd (read-only pflash, needs SMM),
#                    OVMF_VARS_4M.snakeoil.fd (PK, KEK and db hold the
#                    "snakeoil" certificate; each run boots a copy), and
#                    that certificate's key, PkKek-1-snakeoil.key
#                    (password "snakeoil")
#   sbsigntool       sbattach --remove, sbsign, sbverify
#   systemd-boot-efi linuxx64.efi.stub: with .linux, .initrd and .cmdline
#                    sections added it is one PE (a unified kernel image)
#                    that the firmware verifies as a whole; under Secure
#                    Boot the stub uses its own .cmdline and ignores the
#                    boot entry's, so the command line is signed too
#   dosfstools, mtools  the ESP: a FAT image made and filled without mounting
#
#   secboot_tools                   one line and non-zero when something is missing
#   secboot_config CONFIG           the kernel's config has what the scenario needs
#   secboot_key DIR                 the snakeoil key, decrypted into DIR (0600): SECBOOT_KEY
#   secboot_forget_key              removes it
#   secboot_strip IN OUT            OUT = IN without any signature
#   secboot_sign IN OUT [KEY CERT]  OUT = IN without its signatures, signed with snakeoil
#                                   (needs secboot_key) or KEY and CERT, checked with sbverify
#   secboot_untrusted_key DIR       a new key and self-signed certificate that no
#                                   keyring holds, in DIR (0600): SECBOOT_UNTRUSTED_KEY,
#                                   SECBOOT_UNTRUSTED_CERT
#   secboot_kernel KERNEL DIR       the kernel unsigned and snakeoil-signed, cached in
#                                   $SECBOOT_CACHE/kernel-KEY (KEY: SHA-256 of the kernel
#                                   and the certificate): SECBOOT_KERNEL_UNSIGNED,
#                                   SECBOOT_KERNEL_SIGNED, SECBOOT_KERNEL_CACHED (0 or 1);
#                                   decrypts the key into DIR on a miss
#   secboot_uki KERNEL INITRD CMDLINE OUT   the unified image, unsigned
#   secboot_esp EFI OUT             a FAT ESP holding EFI as \EFI\BOOT\BOOTX64.EFI
#   secboot_qemu ESP VARS           SECBOOT_QEMU: QEMU's firmware, SMM and ESP arguments
#                                   (VARS: this run's copy of the snakeoil variables)
#   secboot_firmware_refuses EFI DIR   boots EFI from an ESP of its own under Secure
#                                   Boot and stops at the firmware's verdict:
#                                   SECBOOT_VERDICT is the BdsDxe line (or empty),
#                                   SECBOOT_VERDICT_S the seconds it took
# Narration goes to stderr, prefixed "secboot: ".

SECBOOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SECBOOT_CACHE=${SECBOOT_CACHE:-$SECBOOT_ROOT/build/cache/secboot}
SECBOOT_CODE=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd
SECBOOT_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
SECBOOT_KEY_ENCRYPTED=/usr/share/ovmf/PkKek-1-snakeoil.key
SECBOOT_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
SECBOOT_STUB=/usr/lib/systemd/boot/efi/linuxx64.efi.stub
SECBOOT_KEY=""

smsg() { echo "secboot: $*" >&2; }

secboot_tools() {
	local f t
	for f in "$SECBOOT_CODE:ovmf" "$SECBOOT_VARS:ovmf" "$SECBOOT_KEY_ENCRYPTED:ovmf" "$SECBOOT_CERT:ovmf" \
		"$SECBOOT_STUB:systemd-boot-efi"; do
		[ -r "${f%%:*}" ] || { smsg "${f%%:*} is missing (scripts/deps.sh installs ${f#*:})"; return 1; }
	done
	for t in sbsign:sbsigntool sbattach:sbsigntool sbverify:sbsigntool openssl:openssl objcopy:binutils \
		objdump:binutils mkfs.vfat:dosfstools mmd:mtools mcopy:mtools; do
		command -v "${t%%:*}" >/dev/null || [ -x "/usr/sbin/${t%%:*}" ] ||
			{ smsg "${t%%:*} is missing (scripts/deps.sh installs ${t#*:})"; return 1; }
	done
}

# What the scenario relies on, each =y: the name and why.
SECBOOT_REQUIRED_Y=(
	"CONFIG_EFI_STUB:the firmware starts the kernel as an EFI application"
	"CONFIG_SECURITY_LOCKDOWN_LSM:/sys/kernel/security/lockdown"
	"CONFIG_LOCK_DOWN_IN_EFI_SECURE_BOOT:Secure Boot locks the kernel down (integrity)"
	"CONFIG_KEXEC_FILE:kexec_file_load(2)"
	"CONFIG_KEXEC_SIG:kexec_file_load checks the image's signature"
	"CONFIG_KEXEC_BZIMAGE_VERIFY_SIG:a bzImage's PE signature is verified"
	"CONFIG_INTEGRITY_PLATFORM_KEYRING:the firmware's db keys verify kexec images"
	"CONFIG_LOAD_UEFI_KEYS:db's snakeoil certificate goes into the platform keyring"
	"CONFIG_SECURITYFS:securityfs, where the lockdown file is"
)

secboot_config() {
	local entry sym val bad=0
	for entry in "${SECBOOT_REQUIRED_Y[@]}"; do
		sym=${entry%%:*}
		val=$(sed -n "s/^$sym=\\(.*\\)$/\\1/p" "$1" | head -n1)
		[ "$val" = y ] || { smsg "$sym is '${val:-not set}', need y (${entry#*:})"; bad=1; }
	done
	return $bad
}

secboot_key() {
	SECBOOT_KEY=$1/snakeoil.key
	(umask 077 && openssl rsa -passin pass:snakeoil -in "$SECBOOT_KEY_ENCRYPTED" -out "$SECBOOT_KEY" 2>/dev/null) ||
		{ smsg "openssl could not decrypt $SECBOOT_KEY_ENCRYPTED (password snakeoil)"; SECBOOT_KEY=""; return 1; }
}
secboot_forget_key() { [ -z "$SECBOOT_KEY" ] || rm -f "$SECBOOT_KEY"; SECBOOT_KEY=""; }

# _secboot_nsigs FILE: how many signatures sbverify lists.
_secboot_nsigs() { sbverify --list "$1" 2>/dev/null | grep -c '^signature [0-9]'; }

secboot_strip() {
	local n
	cp "$1" "$2.tmp" || return 1
	# sbattach --remove takes one signature off; signed twice means twice
	for n in 1 2 3 4 5 6 7 8; do
		[ "$(_secboot_nsigs "$2.tmp")" -gt 0 ] || break
		sbattach --remove "$2.tmp" >/dev/null 2>&1 || { smsg "sbattach --remove $1 failed"; rm -f "$2.tmp"; return 1; }
	done
	[ "$(_secboot_nsigs "$2.tmp")" -eq 0 ] || { smsg "$1 keeps a signature after 8 removals"; rm -f "$2.tmp"; return 1; }
	mv "$2.tmp" "$2"
}

secboot_sign() {
	local key=${3:-$SECBOOT_KEY} cert=${4:-$SECBOOT_CERT}
	[ -n "$key" ] || { smsg "secboot_sign: no key (secboot_key first)"; return 1; }
	secboot_strip "$1" "$2.unsigned" || return 1
	if ! sbsign --key "$key" --cert "$cert" --output "$2" "$2.unsigned" >"$2.log" 2>&1; then
		smsg "sbsign $1 failed: $(grep -v '^warning' "$2.log" | tail -n1)"
		rm -f "$2" "$2.unsigned"
		return 1
	fi
	rm -f "$2.unsigned" "$2.log"
	sbverify --cert "$cert" "$2" >/dev/null 2>&1 || { smsg "sbverify does not accept the signed $2"; return 1; }
}

secboot_untrusted_key() {
	SECBOOT_UNTRUSTED_KEY=$1/untrusted.key SECBOOT_UNTRUSTED_CERT=$1/untrusted.pem
	(umask 077 && openssl req -new -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=crashcap drill, in no keyring/" \
		-keyout "$SECBOOT_UNTRUSTED_KEY" -out "$SECBOOT_UNTRUSTED_CERT" >/dev/null 2>&1) ||
		{ smsg "openssl could not make a key"; return 1; }
}

secboot_kernel() {
	local kernel=$1 dir=$2 key cdir
	key=$(cat "$kernel" "$SECBOOT_CERT" | sha256sum | cut -c1-16)
	cdir=$SECBOOT_CACHE/kernel-$key
	SECBOOT_KERNEL_UNSIGNED=$cdir/vmlinuz.unsigned SECBOOT_KERNEL_SIGNED=$cdir/vmlinuz.snakeoil
	if [ -f "$cdir/.complete" ]; then
		SECBOOT_KERNEL_CACHED=1
		smsg "kernel: unsigned and snakeoil-signed copies cached in ${cdir#"$SECBOOT_ROOT"/}"
		return 0
	fi
	# shellcheck disable=SC2034  # for the caller
	SECBOOT_KERNEL_CACHED=0
	mkdir -p "$cdir" || return 1
	smsg "kernel: $(_secboot_nsigs "$kernel") signature(s) on $(basename "$kernel"): removing them, signing with snakeoil"
	[ -n "$SECBOOT_KEY" ] || secboot_key "$dir" || return 1
	secboot_strip "$kernel" "$SECBOOT_KERNEL_UNSIGNED" || return 1
	secboot_sign "$kernel" "$SECBOOT_KERNEL_SIGNED" || return 1
	touch "$cdir/.complete"
}

# secboot_uki: the stub's sections stay where they are; the command line,
# the kernel and the initrd follow its last section, each page aligned.
secboot_uki() {
	local kernel=$1 initrd=$2 cmdline=$3 out=$4 end vma_cmd vma_linux vma_initrd
	local idx size vma rest
	end=0
	while read -r idx _ size vma rest; do
		[[ $idx =~ ^[0-9]+$ ]] || continue
		[ $((0x$vma + 0x$size)) -le "$end" ] || end=$((0x$vma + 0x$size))
	done < <(objdump -h "$SECBOOT_STUB")
	[ "$end" -gt 0 ] || { smsg "cannot read the sections of $SECBOOT_STUB"; return 1; }
	printf '%s' "$cmdline" >"$out.cmdline"
	align() { echo $(( ($1 + 0xfff) & ~0xfff )); }
	vma_cmd=$(align "$end")
	vma_linux=$(align $((vma_cmd + ${#cmdline} + 1)))
	vma_initrd=$(align $((vma_linux + $(stat -c %s "$kernel"))))
	if ! objcopy --add-section .cmdline="$out.cmdline" --change-section-vma .cmdline="$vma_cmd" \
		--add-section .linux="$kernel" --change-section-vma .linux="$vma_linux" \
		--add-section .initrd="$initrd" --change-section-vma .initrd="$vma_initrd" \
		"$SECBOOT_STUB" "$out" 2>"$out.log"; then
		smsg "objcopy could not build the unified image: $(tail -n1 "$out.log")"
		return 1
	fi
	rm -f "$out.cmdline" "$out.log"
}

secboot_esp() {
	local efi=$1 out=$2 kib
	# FAT's own structures and some slack: 4 MiB more than the file
	kib=$(( ($(stat -c %s "$efi") / 1048576 + 4) * 1024 ))
	rm -f "$out"
	mkfs.vfat -C -n ESP "$out" "$kib" >"$out.log" 2>&1 &&
		mmd -i "$out" ::/EFI ::/EFI/BOOT 2>>"$out.log" &&
		mcopy -i "$out" "$efi" ::/EFI/BOOT/BOOTX64.EFI 2>>"$out.log" ||
		{ smsg "cannot make the ESP $out: $(tail -n1 "$out.log")"; return 1; }
	rm -f "$out.log"
}

secboot_qemu() {
	# shellcheck disable=SC2054  # the commas are QEMU's
	SECBOOT_QEMU=(-global driver=cfi.pflash01,property=secure,value=on
		-drive "if=pflash,format=raw,unit=0,file=$SECBOOT_CODE,readonly=on"
		-drive "if=pflash,format=raw,unit=1,file=$2"
		-drive "if=none,id=esp,file=$1,format=raw" -device ide-hd,drive=esp,bus=ide.0)
}

secboot_firmware_refuses() {
	local efi=$1 dir=$2
	SECBOOT_VERDICT="" SECBOOT_VERDICT_S=""
	secboot_esp "$efi" "$dir/esp-refused.img" || return 1
	cp "$SECBOOT_VARS" "$dir/vars-refused.fd" || return 1
	secboot_qemu "$dir/esp-refused.img" "$dir/vars-refused.fd"
	mkdir -p "$dir/refused"
	# shellcheck source=tests/qemu/qemu-lib.sh
	. "$SECBOOT_ROOT/tests/qemu/qemu-lib.sh"
	# The verdict: the ESP's boot option failed to load (refused), or it
	# starts (accepted).  Either ends the run.
	# (no ^: the firmware's first line starts with terminal escapes)
	local QS_PHASES=("BdsDxe: (loading|failed to load) Boot[0-9A-F]+ .*QEMU HARDDISK@@60@@the firmware to try the ESP (BdsDxe: loading ...)")
	local QS_STOP='BdsDxe: (failed to load|starting) Boot[0-9A-F]+ .*QEMU HARDDISK'
	local QS_SHOW=$QS_STOP
	qs_run "$dir/refused" 90 qemu-system-x86_64 -accel tcg -M q35,smm=on -m 256M -nographic -no-reboot \
		-no-user-config -net none "${SECBOOT_QEMU[@]}"
	[ -n "$QS_STOPPED" ] || { smsg "no verdict from the firmware: ${QS_EXPIRED:-QEMU exit $QS_RC}"; return 1; }
	SECBOOT_VERDICT=$QS_STOPPED
	SECBOOT_VERDICT_S=$(qs_elapsed "$QS_T0" "$QS_TEXIT")
}

# ---- the drill's checks (tests/qemu/drill's ok, fail, console_has,
# console_line and LOG) ---------------------------------------------------------------------
# secboot_check_firmware: the unsigned kernel's verdict (secboot_firmware_refuses).
secboot_check_firmware() {
	local v
	v=$(printf '%s' "$SECBOOT_VERDICT" | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g')
	if [[ $v == *"failed to load Boot"*": Access Denied" ]]; then
		ok "the firmware refuses the kernel without a signature: '$v' (${SECBOOT_VERDICT_S}s)"
	else
		fail "the firmware did not refuse the unsigned kernel: '${v:-no verdict}'"
	fi
}

# secboot_check_boot: what the stub and the kernel said as they started.
secboot_check_boot() {
	local l
	l=$(console_line 'BdsDxe: starting Boot[0-9A-F]+ .*QEMU HARDDISK' | sed 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/ from .*//')
	check_if "the firmware started the snakeoil-signed image from the ESP: '$l'" \
		"the firmware did not start the ESP's image (no 'BdsDxe: starting Boot.... QEMU HARDDISK' line)" \
		[ -n "$l" ]
	check_if "the kernel's EFI stub: '$(console_line '^EFI stub: UEFI Secure Boot is enabled')'" \
		"no 'EFI stub: UEFI Secure Boot is enabled.' line" console_has '^EFI stub: UEFI Secure Boot is enabled\.'
	check_if "the kernel: '$(console_line 'secureboot: Secure boot enabled$' | sed 's/^\[ *[0-9.]*\] //')'" \
		"no 'secureboot: Secure boot enabled' kernel line" console_has 'secureboot: Secure boot enabled$'
	check_if "the kernel: '$(console_line 'Kernel is locked down from EFI Secure Boot' | sed 's/^\[ *[0-9.]*\] //')'" \
		"no 'Kernel is locked down from EFI Secure Boot' kernel line" console_has 'Kernel is locked down from EFI Secure Boot'
	# kexec_file_load verifies against the platform keyring: db's certificate must be in it
	check_if "the kernel put db's certificate in its platform keyring: '$(console_line "integrity: Loaded X.509 cert 'SnakeOil" | sed 's/^\[ *[0-9.]*\] //')'" \
		"no \"integrity: Loaded X.509 cert 'SnakeOil...\" kernel line: db's certificate is not in the platform keyring" \
		console_has "integrity: Loaded X.509 cert 'SnakeOil: "
}

# secboot_check_guest: the secboot step's lines (tests/qemu/init).
secboot_check_guest() {
	local v lk
	v=$(sed -n 's/^drill: secboot: SecureBoot variable //p' "$LOG" | head -n1)
	check_if "efivarfs: SecureBoot = $v" "the SecureBoot variable: '${v:-no line}', want 1 (5 bytes)" [ "$v" = "1 (5 bytes)" ]
	lk=$(sed -n 's/^drill: secboot: lockdown //p' "$LOG" | head -n1)
	check_if "/sys/kernel/security/lockdown: '$lk'" "/sys/kernel/security/lockdown: '${lk:-no line}', want [integrity]" \
		[ "$lk" = "none [integrity] confidentiality" ]
}

# secboot_check_refusal N RC LOADED SPEC: the Nth refuse step
# (SPEC "ARGS@@WHAT@@=LINE or ERE@@KERNEL ERE"): crashcap load exits 1, nothing
# is loaded, the loader's line and the kernel's are there.
secboot_check_refusal() {
	local n=$1 rc=$2 loaded=$3 spec=$4 args what want kwant said klines
	args=${spec%%@@*} spec=${spec#*@@}
	what=${spec%%@@*} spec=${spec#*@@}
	want=${spec%%@@*} kwant=${spec#*@@}
	said=$(sed -n "s/^drill: refuse $n: //p" "$LOG" | grep -v '^running: ')
	klines=$(sed -n "s/^drill: refuse $n dmesg: //p" "$LOG")
	local good=1 why=""
	[ "$rc" = 1 ] || { good=0; why+=" exit $rc, want 1;"; }
	[ "$loaded" = 0 ] || { good=0; why+=" kexec_crash_loaded '$loaded', want 0;"; }
	if [[ $want == =* ]]; then
		grep -qxF -- "${want#=}" <<<"$said" || { good=0; why+=" the loader did not say exactly '${want#=}';"; }
	else
		grep -qE -- "$want" <<<"$said" || { good=0; why+=" no loader line matching /$want/;"; }
	fi
	if [ -n "$kwant" ]; then
		grep -qE -- "$kwant" <<<"$klines" || { good=0; why+=" no kernel line matching /$kwant/;"; }
	fi
	if [ $good = 1 ]; then
		ok "$what refused (crashcap load${args:+ $args}: exit 1, kexec_crash_loaded 0): '$(head -n1 <<<"$said")'${kwant:+; kernel: '$(grep -E -m1 -- "$kwant" <<<"$klines" | sed 's/^\[ *[0-9.]*\] //')'}"
	else
		fail "$what (crashcap load${args:+ $args}):$why the loader said: '$(tr '\n' ' ' <<<"$said")'${kwant:+ kernel: '$(tr '\n' ' ' <<<"$klines")'}"
	fi
}

#!/bin/bash
# tests/host/hangcap_cmd_test.sh - what of `crashcap hangcap install|remove`,
# `crashcap hangrec clear --stale` and crashcap-save's removal of a stale
# hang record can run on the host: a fake efivarfs (--root), the real
# efibootmgr (which finds no UEFI here and says so), and every refusal as
# one line with exit 1 (2 for usage).  The install that makes hangcap.efi
# run at the next boot is tests/qemu/hangcap_test.sh install.
set -u

. "$(dirname "$0")/lib.sh"

GLOBAL=8be4df61-93ca-11d2-aa0d-00e098032b8c
HANG=CrashcapHang-d7497578-f1ca-48bb-b56b-fd5c2fa5b66e
VARS=fake/sys/firmware/efi/efivars
mkdir -p "$VARS" fake/proc/self fake/proc/sys/kernel/random
printf '22 1 253:1 / / rw,relatime shared:1 - ext4 /dev/mapper/root rw\n' >fake/proc/self/mountinfo
BOOT_ID=5e1f0c3d-8821-4a0b-9c11-223344556677
echo "$BOOT_ID" >fake/proc/sys/kernel/random/boot_id

# loadopt FILE DESCRIPTION: an efivarfs file (attributes 7) holding an
# EFI_LOAD_OPTION: active, DESCRIPTION in UCS-2, a device path of one end node
loadopt() {
	python3 - "$@" <<'PY'
import struct, sys
d = sys.argv[2].encode("utf-16-le") + b"\0\0"
path = bytes([0x7f, 0xff, 0x04, 0x00])
open(sys.argv[1], "wb").write(struct.pack("<IIH", 7, 1, len(path)) + d + path)
PY
}

# ---- usage -----------------------------------------------------------------------------
run "$CRASHCAP" hangcap
check "no action: usage, exit 2, one line" eval '[ "$rc" -eq 2 ] && [ "$(wc -l <err)" -eq 1 ] && err_has "usage: crashcap hangcap install"'
run "$CRASHCAP" hangcap frob
check "an unknown action: exit 2, one line" eval '[ "$rc" -eq 2 ] && err_has "hangcap: frob: use install or remove"'
run "$CRASHCAP" hangcap install --esp a --esp b
check "--esp twice: exit 2" eval '[ "$rc" -eq 2 ] && err_has "given twice"'
run "$CRASHCAP" hangcap remove --image x
check "remove --image: exit 2" eval '[ "$rc" -eq 2 ] && err_has "remove takes no --image"'

# ---- install: the image first, then UEFI, then the ESP --------------------------------
run "$CRASHCAP" hangcap install --image "$W/none.efi"
check "a missing image: one line, exit 1" eval 'failed_one_line && err_has "hangcap: $W/none.efi: No such file or directory"'
head -c 4096 /dev/urandom >junk.efi
run "$CRASHCAP" hangcap install --image junk.efi
check "an image that is no EFI application: one line" \
	eval 'failed_one_line && err_has "junk.efi is not an x86-64 EFI application (PE32+, subsystem 10): not a hangcap.efi"'
if [ -e "$ROOT/build/hangcap.efi" ]; then
	# hangcap.efi with its Subsystem (PE optional header + 68) made 3, a console application
	cp "$ROOT/build/hangcap.efi" sub3.efi
	pe=$(od -An -t u4 -j 60 -N 4 sub3.efi | tr -d ' ')
	printf '\x03' | dd of=sub3.efi bs=1 seek=$((pe + 24 + 68)) conv=notrunc status=none
	run "$CRASHCAP" hangcap install --image sub3.efi
	check "a PE32+ image of another subsystem: refused, one line" \
		eval 'failed_one_line && err_has "sub3.efi is not an x86-64 EFI application"'
	run "$CRASHCAP" hangcap install --image "$ROOT/build/hangcap.efi" --root nowhere
	check "no UEFI: one line" eval 'failed_one_line && err_has "hangcap: no nowhere/sys/firmware/efi: the system was not booted through UEFI: hangcap.efi needs UEFI"'
	run "$CRASHCAP" hangcap install --image "$ROOT/build/hangcap.efi" --root fake
	check "no ESP mounted at /boot/efi or /efi: one line" \
		eval 'failed_one_line && err_has "hangcap: no EFI system partition: neither /boot/efi nor /efi is mounted; give --esp DIR"'
	run "$CRASHCAP" hangcap install --image "$ROOT/build/hangcap.efi" --root fake --esp "$W/nodir"
	check "--esp that does not exist: one line" \
		eval 'failed_one_line && err_has "hangcap: the EFI system partition $W/nodir: No such file or directory"'
	# Secure Boot on (the SecureBoot variable, attributes BS|RT, value 1): the unsigned
	# image is refused before the ESP; a signed one (a throwaway key: only its
	# presence is checked, the firmware checks db) goes on to the ESP step
	printf '\x06\x00\x00\x00\x01' >"$VARS/SecureBoot-$GLOBAL"
	run "$CRASHCAP" hangcap install --image "$ROOT/build/hangcap.efi" --root fake
	check "Secure Boot on, an unsigned image: refused before the ESP, one line" \
		eval 'failed_one_line && err_has "hangcap: Secure Boot is on and $ROOT/build/hangcap.efi carries no signature: the firmware would refuse it at every boot, without a word; sign it with a key in db (sbsign; docs/secure-boot.md) and give the signed copy with --image"'
	if command -v sbsign >/dev/null && openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=hangcap-test \
		-keyout t.key -out t.pem >/dev/null 2>&1 && sbsign --key t.key --cert t.pem --output signed.efi "$ROOT/build/hangcap.efi" >/dev/null 2>&1; then
		run "$CRASHCAP" hangcap install --image signed.efi --root fake
		check "Secure Boot on, a signed image: accepted (says so), then the ESP step" \
			eval 'failed_one_line && grep -q "^crashcap: Secure Boot is on; signed.efi is signed (the firmware checks the signature against db at every boot)$" out && err_has "hangcap: no EFI system partition"'
		# the Certificate Table's entry made a WIN_CERT_TYPE 1 (X.509): no Authenticode signature
		pe=$(od -An -t u4 -j 60 -N 4 signed.efi | tr -d ' ')
		off=$(od -An -t u4 -j $((pe + 24 + 112 + 32)) -N 4 signed.efi | tr -d ' ')
		cp signed.efi type1.efi && printf '\x01' | dd of=type1.efi bs=1 seek=$((off + 6)) conv=notrunc status=none
		run "$CRASHCAP" hangcap install --image type1.efi --root fake
		check "Secure Boot on, a certificate table without Authenticode: refused" eval 'failed_one_line && err_has "type1.efi carries no signature"'
	else
		fail "sbsign or openssl missing (scripts/deps.sh: sbsigntool, openssl): the signed case did not run"
	fi
	printf '\x06\x00\x00\x00\x00' >"$VARS/SecureBoot-$GLOBAL"
	run "$CRASHCAP" hangcap install --image "$ROOT/build/hangcap.efi" --root fake
	check "Secure Boot off: the unsigned image goes on to the ESP step" \
		eval 'failed_one_line && err_has "hangcap: no EFI system partition" && ! grep -q "Secure Boot" out err'
	rm -f "$VARS/SecureBoot-$GLOBAL" t.key t.pem signed.efi type1.efi
	mkdir esp
	run "$CRASHCAP" hangcap install --image "$ROOT/build/hangcap.efi" --esp "$W/esp"
	check "on this host (no UEFI) the real run stops at UEFI before touching the ESP" \
		eval 'failed_one_line && err_has "the system was not booted through UEFI: hangcap.efi needs UEFI" && [ -z "$(ls -A esp)" ]'
else
	fail "build/hangcap.efi missing (gnu-efi): the install checks after the image did not run"
fi

# ---- remove: the options named "crashcap hangcap", then the file ------------------------
loadopt "$VARS/SysPrep0002-$GLOBAL" "someone else's"
loadopt "$VARS/Boot0003-$GLOBAL" "crashcap hangcap"   # a Boot#### of that name is not ours to touch
mkdir -p esp/EFI/crashcap && echo x >esp/EFI/crashcap/hangcap.efi
run "$CRASHCAP" hangcap remove --root fake --esp "$W/esp"
check "remove, no option of ours: says so, removes the file and the empty directory, exit 0" \
	eval '[ "$rc" -eq 0 ] && [ "$(cat out)" = "crashcap: no SysPrep option \"crashcap hangcap\"
crashcap: removed $W/esp/EFI/crashcap/hangcap.efi" ] && [ ! -e esp/EFI/crashcap ] && [ -d esp/EFI ]'
run "$CRASHCAP" hangcap remove --root fake --esp "$W/esp"
check "remove again: no file, exit 0" eval '[ "$rc" -eq 0 ] && grep -q "^crashcap: no file $W/esp/EFI/crashcap/hangcap.efi$" out'
loadopt "$VARS/SysPrep0001-$GLOBAL" "crashcap hangcap"
run "$CRASHCAP" hangcap remove --root fake --esp "$W/esp"
check "remove with an option of ours: the real efibootmgr runs and fails here (no UEFI): one line naming it" \
	eval 'failed_one_line && err_has "^crashcap: hangcap: deleting SysPrep0001: efibootmgr exit [0-9]*: ."'
mkdir bin && ln -s "$(command -v python3)" bin/python3
run env PATH="$W/bin" "$CRASHCAP" hangcap remove --root fake --esp "$W/esp"
check "remove without efibootmgr: one line, install it" \
	eval 'failed_one_line && err_has "deleting SysPrep0001: efibootmgr could not be run: is it installed? (apt-get install efibootmgr)"'
check "... the other options are untouched" [ -e "$VARS/SysPrep0002-$GLOBAL" -a -e "$VARS/Boot0003-$GLOBAL" ]
rm -f "$VARS"/SysPrep* "$VARS"/Boot*

# ---- hangrec clear --stale --------------------------------------------------------------
# record FILE BOOT_ID_HEX: a valid record of that boot (tests/host/hangrec_test.sh's, canary-less)
record() {
	python3 - "$@" <<'PY'
import struct, sys, zlib
b = bytearray(0x840)
b[0:8] = b"CCHANGRC"
struct.pack_into("<II", b, 0x08, 1, 0x840)
b[0x18:0x28] = bytes.fromhex(sys.argv[2])
struct.pack_into("<QIIIIQQQQQ", b, 0x28, 1796000000, 2, 0, 31, 1, 0x3ffd2000, 0x1000,
                 0x1000000, 0x2a00000, 0xffffffff81000000)
struct.pack_into("<IBBBBQQII", b, 0x70, 3, 0, 5, 0, 0, 2048, 1 << 21, 512, 1)
b[0x90:0xa0] = bytes(range(0xa0, 0xb0))
struct.pack_into("<I", b, 0xa0, 2)
struct.pack_into("<QQQQ", b, 0x300, 0, 0x9f000, 0x100000, 0x3fee0000)
struct.pack_into("<I", b, 0x10, zlib.crc32(bytes(b)))
open(sys.argv[1], "wb").write(struct.pack("<I", 7) + bytes(b))
PY
}
run "$CRASHCAP" hangrec clear --stale --root fake
check "clear --stale, no record: says so" [ "$rc" -eq 0 -a "$(cat out)" = "crashcap: no hang record" ]
record "$VARS/$HANG" 5e1f0c3d88214a0b9c11223344556677
run "$CRASHCAP" hangrec clear --stale --root fake
check "clear --stale, this boot's record: kept" \
	[ "$rc" -eq 0 -a "$(cat out)" = "crashcap: the hang record is this boot's: kept" -a -e "$VARS/$HANG" ]
printf 'x' | dd of="$VARS/$HANG" bs=1 seek=$((4 + 0x200)) conv=notrunc status=none
run "$CRASHCAP" hangrec clear --stale --root fake
check "clear --stale, a broken record: kept, says why" \
	[ "$rc" -eq 0 -a "$(cat out)" = "crashcap: the hang record is not valid (checksum wrong): kept (crashcap hangrec clear removes it)" -a -e "$VARS/$HANG" ]
record "$VARS/$HANG" 0123456789abcdef0123456789abcdef
run "$CRASHCAP" hangrec clear --stale --root fake
check "clear --stale, an earlier boot's record: removed, one line naming it" \
	[ "$rc" -eq 0 -a "$(cat out)" = "crashcap: removed the hang record of an earlier boot (01234567-89ab-cdef-0123-456789abcdef, armed 2026-11-30 00:53:20 UTC), which hangcap.efi did not consume" -a ! -e "$VARS/$HANG" ]

# ---- crashcap-save: the stale record first, one journal line, then the save as before ---
SCRIPT=$ROOT/loader/dist/crashcap-save.in
printf '#!/bin/sh\n[ "$1" = hangrec ] && exec "%s" "$@" --root "%s"\nexec "%s" "$@"\n' \
	"$CRASHCAP" "$W/fake" "$CRASHCAP" >crashcap-root # the real crashcap, efivarfs below fake/
chmod +x crashcap-root
printf 'TARGET=\n' >c.conf
record "$VARS/$HANG" 0123456789abcdef0123456789abcdef
run env CRASHCAP="$W/crashcap-root" CRASHCAP_CONFIG="$W/c.conf" sh "$SCRIPT"
check "crashcap-save removes an earlier boot's record: one line, then goes on (no TARGET), exit 0" \
	[ "$rc" -eq 0 -a ! -s err -a "$(cat out)" = "crashcap-save: removed the hang record of an earlier boot (01234567-89ab-cdef-0123-456789abcdef, armed 2026-11-30 00:53:20 UTC), which hangcap.efi did not consume
crashcap-save: no TARGET in $W/c.conf: nothing to save" -a ! -e "$VARS/$HANG" ]
record "$VARS/$HANG" 5e1f0c3d88214a0b9c11223344556677
run env CRASHCAP="$W/crashcap-root" CRASHCAP_CONFIG="$W/c.conf" sh "$SCRIPT"
check "crashcap-save keeps this boot's record and says nothing of it" \
	[ "$rc" -eq 0 -a "$(cat out)" = "crashcap-save: no TARGET in $W/c.conf: nothing to save" -a -e "$VARS/$HANG" ]
rm -f "$VARS/$HANG" && mkdir "$VARS/$HANG"
run env CRASHCAP="$W/crashcap-root" CRASHCAP_CONFIG="$W/c.conf" sh "$SCRIPT"
check "crashcap-save, the record unreadable: one line on stderr, the save goes on, exit 0" \
	[ "$rc" -eq 0 -a "$(wc -l <err)" -eq 1 -a "$(cat out)" = "crashcap-save: no TARGET in $W/c.conf: nothing to save" ] && err_has "^crashcap-save: crashcap: hang record: .*$HANG"

echo "$failures failed"
[ "$failures" -eq 0 ]

#!/bin/bash
# tests/host/efi_image_test.sh - build/capture.efi as the kernel's bzImage64
# loader and its Authenticode verifier read it, and as sbsign signs it
# (include/crashcap/bootparam.h, docs/entry.md "capture.efi").  The fields
# are read here with Python's struct, independently of scripts/mkefi.c:
#   - the setup header: what bzImage64_probe demands (HdrS, aa55, protocol
#     >= 2.12, LOADED_HIGH, XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G, and
#     XLF_5LEVEL), init_size = capture.bin's memory size, cmdline_size room
#     for elfcorehdr= (30 bytes);
#   - the loaded part ((setup_sects + 1) * 512 on) is capture.bin byte for
#     byte, zero padded, and its +0x200 is entry_bzimage (cli; cld);
#   - PE32+: MZ, e_lfanew, one section covering the file after the headers,
#     no certificate yet; the checks verify_pefile's pefile_parse_binary
#     makes; objdump -p and sbverify --list take it;
#   - sbsign with a throwaway key made by openssl: sbverify --cert passes
#     with that certificate and fails with another, the signed file still
#     passes the kernel's parse checks with its certificate table after the
#     image, and its first bytes are unchanged.
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
set -u

. "$(dirname "$0")/lib.sh"
EFI=$ROOT/build/capture.efi BIN=$ROOT/build/capture.bin SYM=$ROOT/build/capture.sym
for t in python3 sbsign sbverify openssl objdump; do
	command -v $t >/dev/null || { echo "FAIL - $t missing (scripts/deps.sh installs it)"; exit 1; }
done
[ -s "$EFI" ] || { echo "FAIL - $EFI missing: run make"; exit 1; }

# pecheck FILE SIGNED(0|1): the kernel's checks, one line per failure, exit 1 if any
pecheck() {
	python3 - "$@" <<-'PY'
	import struct, sys
	f, signed = sys.argv[1], int(sys.argv[2])
	b = open(f, "rb").read()
	bad = []
	def need(cond, what):
	    if not cond: bad.append(what)
	need(b[:2] == b"MZ", "no MZ at 0")
	pe = struct.unpack_from("<I", b, 0x3c)[0]
	need(pe + 24 + 240 <= len(b), "e_lfanew %#x past the file" % pe)
	sig, machine, nsec, _, _, _, optsz, _ = struct.unpack_from("<IHHIIIHH", b, pe)
	need(sig == 0x4550, "no PE signature at e_lfanew")
	need(machine == 0x8664, "machine %#x, not AMD64" % machine)
	opt = pe + 24
	need(struct.unpack_from("<H", b, opt)[0] == 0x20b, "not PE32+")
	need(optsz == 240, "optional header %d bytes" % optsz)
	hdrsize = struct.unpack_from("<I", b, opt + 60)[0]
	ndirs = struct.unpack_from("<I", b, opt + 108)[0]
	cursor = opt + 112
	# pefile_parse_binary: cursor < header_size < file, the data dirs and the sections fit
	need(cursor < hdrsize < len(b), "header_size %#x" % hdrsize)
	need(ndirs == 16 and ndirs <= (hdrsize - cursor) // 8, "%d data directories" % ndirs)
	cert_va, cert_size = struct.unpack_from("<II", b, cursor + 4 * 8)
	cursor += 8 * ndirs
	need(nsec >= 1 and nsec <= (hdrsize - cursor) // 40, "%d sections" % nsec)
	secs = [struct.unpack_from("<8sIIII", b, cursor + 40 * i) for i in range(nsec)]
	end = max(off + raw for _, _, _, raw, off in secs)
	need(min(off for _, _, _, raw, off in secs) == hdrsize, "the first section does not start at header_size")
	if signed:
	    need(cert_va and cert_size, "no certificate table")
	    need(cert_va >= hdrsize and cert_va + cert_size == len(b), "certificate table %#x+%#x" % (cert_va, cert_size))
	    need(cert_va >= end and cert_va % 8 == 0, "certificate table %#x not after the sections" % cert_va)
	    length, rev, typ = struct.unpack_from("<IHH", b, cert_va)
	    need(rev == 0x0200 and typ == 2, "WIN_CERTIFICATE revision %#x type %d" % (rev, typ))
	else:
	    need(cert_va == 0 and cert_size == 0, "a certificate directory in the unsigned image")
	    need(end == len(b), "the sections end at %#x, the file at %#x" % (end, len(b)))
	for w in bad: print(w)
	sys.exit(1 if bad else 0)
	PY
}

# setup header fields: one line "name value" each
python3 - "$EFI" "$BIN" >fields <<-'PY'
import struct, sys
e, b = open(sys.argv[1], "rb").read(), open(sys.argv[2], "rb").read()
u8 = lambda o: e[o]
u16 = lambda o: struct.unpack_from("<H", e, o)[0]
u32 = lambda o: struct.unpack_from("<I", e, o)[0]
u64 = lambda o: struct.unpack_from("<Q", e, o)[0]
setup = (u8(0x1f1) + 1) * 512
for k, v in [("size", len(e)), ("setup_sects", u8(0x1f1)), ("boot_flag", u16(0x1fe)), ("jump", u8(0x200)),
             ("hdr_end", 0x202 + u8(0x201)), ("magic", e[0x202:0x206].decode("latin1")), ("version", u16(0x206)),
             ("loadflags", u8(0x211)), ("kernel_alignment", u32(0x230)), ("relocatable", u8(0x234)),
             ("xloadflags", u16(0x236)), ("cmdline_size", u32(0x238)), ("pref_address", u64(0x258)),
             ("init_size", u32(0x260)), ("syssize", u32(0x1f4)),
             ("bin_mem_size", struct.unpack_from("<I", b, 0x18)[0]), ("bin_size", len(b)),
             ("loaded_is_bin", int(e[setup:setup + len(b)] == b)), ("padding_zero", int(e[setup + len(b):] == bytes(len(e) - setup - len(b)))),
             ("entry_bytes", e[setup + 0x200:setup + 0x202].hex())]:
    print(k, v)
PY
f() { awk -v k="$1" '$1 == k { print $2 }' fields; }
check "setup header: boot_flag 0xaa55, jump 0xeb, HdrS" [ "$(f boot_flag) $(f jump) $(f magic)" = "$((0xaa55)) $((0xeb)) HdrS" ]
check "setup header: protocol $(printf %#x $(f version)) >= 2.12 (0x20c)" [ "$(f version)" -ge $((0x20c)) ]
check "setup header: the jump goes past the whole header (0x202 + byte 0x201 = $(printf %#x $(f hdr_end)) >= 0x268)" \
	[ "$(f hdr_end)" -ge $((0x268)) ]
check "setup header: loadflags LOADED_HIGH" [ $(($(f loadflags) & 1)) -eq 1 ]
check "setup header: xloadflags = XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G | XLF_5LEVEL (0x23)" \
	[ "$(f xloadflags)" -eq $((0x23)) ]
check "setup header: cmdline_size $(f cmdline_size) >= 30 (elfcorehdr=0x%lx ) + 1 (crashcap's empty string)" \
	[ "$(f cmdline_size)" -ge 31 ]
check "setup header: init_size $(f init_size) = capture.bin's memory size, page aligned, >= what is loaded" \
	[ "$(f init_size)" -eq "$(f bin_mem_size)" ] && [ $(($(f init_size) % 4096)) -eq 0 ] && \
	[ "$(f init_size)" -ge $(($(f size) - ($(f setup_sects) + 1) * 512)) ]
check "setup header: kernel_alignment 4096, relocatable, pref_address above 1 MiB" \
	[ "$(f kernel_alignment) $(f relocatable)" = "4096 1" ] && [ "$(f pref_address)" -ge $((1 << 20)) ]
check "setup header: syssize = the loaded part in 16-byte units" \
	[ $(($(f syssize) * 16)) -eq $(($(f size) - ($(f setup_sects) + 1) * 512)) ]
check "the loaded part is capture.bin byte for byte, then zeros to a 512-byte multiple" \
	[ "$(f loaded_is_bin) $(f padding_zero) $(($(f size) % 512))" = "1 1 0" ]
check "load address + 0x200 is entry_bzimage (cli; cld = fa fc), as capture.sym says" \
	[ "$(f entry_bytes)" = fafc ] && grep -q '^0000000000000200 T entry_bzimage$' "$SYM"

run pecheck "$EFI" 0
check "PE32+: MZ, e_lfanew, AMD64, one section covering the file, no certificate (verify_pefile's checks)" \
	[ "$rc" -eq 0 ] || sed 's/^/# /' out
run objdump -p "$EFI"
check "objdump -p reads it as pei-x86-64" grep -q 'file format pei-x86-64' out
run sbverify --list "$EFI"
check "sbverify --list reads it: no signature table yet" grep -q 'No signature table present' out err

openssl req -new -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 \
	-subj "/CN=crashcap efi test/" >/dev/null 2>&1
openssl req -new -x509 -newkey rsa:2048 -nodes -keyout other.key -out other.pem -days 2 \
	-subj "/CN=someone else/" >/dev/null 2>&1
run sbsign --key key.pem --cert cert.pem --output signed.efi "$EFI"
check "sbsign signs it" [ "$rc" -eq 0 ] && [ -s signed.efi ]
run sbverify --cert cert.pem signed.efi
check "sbverify --cert with the signing certificate: Signature verification OK" \
	[ "$rc" -eq 0 ] && grep -q 'Signature verification OK' out
run sbverify --cert other.pem signed.efi
check "sbverify --cert with another certificate: fails" [ "$rc" -ne 0 ]
run pecheck signed.efi 1
check "signed: the kernel's parse checks pass, one WIN_CERTIFICATE (0x0200, PKCS_SIGNED_DATA) after the image" \
	[ "$rc" -eq 0 ] || sed 's/^/# /' out
check "signed: the setup block and the payload are unchanged (only the PE checksum and certificate entry differ)" \
	cmp -s <(tail -c +$((0x1f1 + 1)) "$EFI") <(tail -c +$((0x1f1 + 1)) signed.efi | head -c $(($(f size) - 0x1f1)))
cp signed.efi t-signed.efi && printf '\x91' | dd of=t-signed.efi bs=1 seek=$((1024 + 0x300)) conv=notrunc status=none
run sbverify --cert cert.pem t-signed.efi
check "a payload byte changed after signing: sbverify fails" [ "$rc" -ne 0 ]

[ "$failures" -eq 0 ] && echo "all ok" || echo "$failures failed"
[ "$failures" -eq 0 ]

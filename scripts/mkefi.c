/* scripts/mkefi.c - build/capture.efi from build/capture.bin: a setup
 * block of CC_BZ_SETUP_BYTES in front of the payload, padded to whole
 * 512-byte units.  The block is three things at once (docs/entry.md,
 * "capture.efi"):
 *   - an MZ stub whose e_lfanew points at PE32+ headers with one section
 *     covering the payload, so Authenticode tools (sbsign) can sign the
 *     file and the kernel's verify_pefile can check it;
 *   - a Linux boot-protocol 2.12 setup header, so the kernel's bzImage64
 *     loader takes it as a 64-bit relocatable kernel (kexec_file_load);
 *   - a UEFI entry point that returns EFI_UNSUPPORTED: this is not a UEFI
 *     application, and firmware that starts it gets that answer.
 * Every offset and field comes from include/crashcap/bootparam.h.
 * Usage: mkefi capture.bin capture.efi */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crashcap/bootparam.h"
#include "crashcap/image.h"

#define PE_FILE_EXECUTABLE    0x0002
#define PE_FILE_LINE_STRIPPED 0x0004
#define PE_FILE_LOCAL_STRIPPED 0x0008
#define PE_FILE_LARGE_ADDRESS 0x0020
#define PE_FILE_DEBUG_STRIPPED 0x0200
#define PE_SUBSYSTEM_EFI_APP  10
#define PE_SCN_CODE           0x00000020
#define PE_SCN_EXECUTE        0x20000000
#define PE_SCN_READ           0x40000000
#define PE_SCN_WRITE          0x80000000

/* mov rax, EFI_UNSUPPORTED (0x8000000000000003); ret */
static const uint8_t efi_unsupported[] = { 0x48, 0xb8, 0x03, 0, 0, 0, 0, 0, 0, 0x80, 0xc3 };

static uint32_t align_up(uint32_t v, uint32_t a) { return (v + a - 1) / a * a; }

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: mkefi capture.bin capture.efi\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "rb");
	if (!in) {
		perror(argv[1]);
		return 1;
	}
	static uint8_t bin[1 << 20];
	size_t len = fread(bin, 1, sizeof(bin), in);
	int more = fgetc(in) != EOF;
	fclose(in);
	struct cc_image_header ih;
	if (more) {
		fprintf(stderr, "mkefi: %s: larger than %zu bytes, more than a payload image can be\n", argv[1], sizeof(bin));
		return 1;
	}
	if (len < sizeof(ih)) {
		fprintf(stderr, "mkefi: %s: %zu bytes: not a payload image\n", argv[1], len);
		return 1;
	}
	memcpy(&ih, bin, sizeof(ih));
	uint32_t body = align_up((uint32_t)len, CC_PE_FILE_ALIGN);
	if (ih.magic != CC_IMG_MAGIC || ih.file_size != len || ih.mem_size % 4096 || ih.mem_size < body ||
	    ih.load_align > CC_BZ_ALIGN) {
		fprintf(stderr, "mkefi: %s: image header: magic %llx, file %u (have %zu), memory %u, align %u\n", argv[1],
			(unsigned long long)ih.magic, ih.file_size, len, ih.mem_size, ih.load_align);
		return 1;
	}

	static uint8_t out[CC_BZ_SETUP_BYTES + sizeof(bin)];
	uint8_t *s = out;
	s[0] = 'M';
	s[1] = 'Z';
	uint32_t lfanew = CC_PE_OFFSET;
	memcpy(s + PE_OFF_LFANEW, &lfanew, 4);

	struct pe_coff_header coff = {
		.signature = PE_SIGNATURE, .machine = PE_MACHINE_AMD64, .sections = CC_PE_SECTIONS,
		.opt_size = PE_OPT_SIZE,
		.characteristics = PE_FILE_EXECUTABLE | PE_FILE_LINE_STRIPPED | PE_FILE_LOCAL_STRIPPED |
				   PE_FILE_LARGE_ADDRESS | PE_FILE_DEBUG_STRIPPED,
	};
	struct pe_opt_header opt = {
		.magic = PE_OPT_MAGIC_PE32PLUS, .code_size = body, .entry_point = PE_OFF_EFI_STUB,
		.code_base = CC_BZ_SETUP_BYTES, .section_align = CC_PE_FILE_ALIGN, .file_align = CC_PE_FILE_ALIGN,
		.image_size = CC_BZ_SETUP_BYTES + ih.mem_size, .header_size = CC_BZ_SETUP_BYTES,
		.subsystem = PE_SUBSYSTEM_EFI_APP, .data_dirs = PE_DATA_DIRS,
		/* dir[PE_DIR_CERTIFICATE] stays 0: unsigned; sbsign fills it */
	};
	struct pe_section text = {
		.name = ".text", .virtual_size = ih.mem_size, .virtual_address = CC_BZ_SETUP_BYTES,
		.raw_size = body, .raw_offset = CC_BZ_SETUP_BYTES,
		.characteristics = PE_SCN_CODE | PE_SCN_EXECUTE | PE_SCN_READ | PE_SCN_WRITE,
	};
	memcpy(s + CC_PE_OFFSET, &coff, sizeof(coff));
	memcpy(s + PE_OFF_OPT, &opt, sizeof(opt));
	memcpy(s + PE_OFF_SECTIONS, &text, sizeof(text));
	memcpy(s + PE_OFF_EFI_STUB, efi_unsupported, sizeof(efi_unsupported));

	struct bz_setup_header h = {
		.setup_sects = CC_BZ_SETUP_SECTS, .syssize = body / 16, .boot_flag = BZ_BOOT_FLAG,
		.jump = (uint16_t)(0xeb | (BZ_HDR_END - (BZ_OFF_JUMP + 2)) << 8), /* jmp short past the header */
		.header = BZ_MAGIC, .version = BZ_VERSION, .loadflags = BZ_LOADED_HIGH,
		.code32_start = 0x100000, .initrd_addr_max = 0x7fffffff, .kernel_alignment = CC_BZ_ALIGN,
		.relocatable_kernel = 1, .min_alignment = 12, .xloadflags = BZ_XLOADFLAGS,
		.cmdline_size = CC_BZ_CMDLINE_SIZE, .pref_address = CC_BZ_PREF_ADDRESS, .init_size = ih.mem_size,
	};
	memcpy(s + BZ_OFF_SETUP_SECTS, &h, sizeof(h));

	memcpy(out + CC_BZ_SETUP_BYTES, bin, len); /* the rest of out is zero: the padding */
	FILE *o = fopen(argv[2], "wb");
	if (!o || fwrite(out, 1, CC_BZ_SETUP_BYTES + body, o) != CC_BZ_SETUP_BYTES + body || fclose(o)) {
		perror(argv[2]);
		return 1;
	}
	return 0;
}

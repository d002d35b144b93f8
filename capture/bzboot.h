/* capture/bzboot.h - the kexec_file path (capture.efi, entry_bzimage):
 * what the kernel handed over in struct boot_params, and the ELF core
 * header it built, into the parameter block.  Pure: every function reads
 * only the bytes it is given (host-tested in tests/unit/test_bzboot.c);
 * capture/main.c bounds the physical addresses before it hands them over.
 * docs/entry.md, "The kexec_file entry". */
#ifndef CAPTURE_BZBOOT_H
#define CAPTURE_BZBOOT_H
#include <stddef.h>
#include <stdint.h>
#include "crashcap/bootparam.h"
#include "crashcap/params.h"

#define BZ_LOW_LIMIT   0x100000ull /* 1 MiB: the kernel leaves [0, 1 MiB) out of its header */
#define BZ_NOTE_MAX    65536u      /* a note buffer larger than this is not the kernel's */

/* What boot_params says, copied out of it. */
struct bz_boot {
	uint64_t cmdline;            /* physical; cmd_line_ptr | ext_cmd_line_ptr << 32 */
	uint64_t initrd;             /* ramdisk_image | ext_ramdisk_image << 32 */
	uint64_t initrd_size;        /* ramdisk_size | ext_ramdisk_size << 32 */
	uint64_t rsdp;               /* acpi_rsdp_addr, 0 = none */
	uint32_t nr_e820;
	struct bp_e820_entry e820[BP_E820_MAX];
};

/* The zero page (BP_SIZE bytes): its setup header must be capture.efi's
 * (the kernel copies ours), its e820 count at most BP_E820_MAX.  0, or -1
 * with one line in err. */
int bzboot_read(const uint8_t *bp, struct bz_boot *b, char *err, size_t errlen);

/* Bytes from addr to the end of the e820 RAM entry at or above 1 MiB that
 * holds addr (the crash kernel's memory: the crash region without the ELF
 * header), or 0 if none does. */
uint64_t bzboot_ram_room(const struct bz_boot *b, uint64_t addr);

/* "elfcorehdr=0x..." as the first word the kernel prepended to the command
 * line (n bytes at cl, NUL terminated within them).  0, or -1 with err. */
int bzboot_elfcorehdr_arg(const char *cl, size_t n, uint64_t *addr, char *err, size_t errlen);

/* The kernel's ELF core header (crash_prepare_elf64_headers): hdr with
 * avail readable bytes.  Fills p->ranges (the kernel text PT_LOAD first,
 * then RAM sorted, with the e820 RAM below 1 MiB added: the kernel leaves
 * it out, and it is read where it is), p->note_bufs (every PT_NOTE but the
 * last) and p->vmcoreinfo_* (the last PT_NOTE).  *dropped counts CPU note
 * buffers beyond CC_MAX_NOTE_BUFS.  0, or -1 with one line in err. */
int bzboot_elfcorehdr(const uint8_t *hdr, uint64_t avail, const struct bz_boot *b, struct cc_params *p,
		      uint32_t *dropped, char *err, size_t errlen);

#endif

/* crashcap/notes.h - the ELF notes crashcap adds to a dump's PT_NOTE, after
 * the crashed kernel's own (CPU registers, VMCOREINFO).  All are named
 * CC_NOTE_NAME; readers that do not know them skip them, as ELF asks.
 * docs/dump-format.md, "crashcap's notes", is the prose. */
#ifndef CRASHCAP_NOTES_H
#define CRASHCAP_NOTES_H

#include <stdint.h>

#define CC_NOTE_NAME     "CRASHCAP"
#define CC_NT_DIRECT     0x43430001u /* text: the direct boot's command line (no crashed kernel) */
#define CC_NT_NO_REGS    0x43430002u /* text: a hang capture: why there are no CPU registers */
#define CC_NT_FW_RANGES  0x43430003u /* struct cc_fw_range[]: what the firmware owned when hangcap.efi ran */

/* One range of the UEFI memory map that was not EfiConventionalMemory
 * just before hangcap.efi started writing the dump: what the firmware (and
 * hangcap itself) used, so what may no longer hold the old kernel's bytes.
 * Adjacent descriptors of one type are merged; sorted as the map was. */
struct cc_fw_range {
	uint64_t paddr;    /* 0x00 page aligned */
	uint64_t size;     /* 0x08 bytes, whole pages */
	uint32_t efi_type; /* 0x10 EFI_MEMORY_TYPE: 1 LoaderCode ... 4 BootServicesData, 5/6 Runtime, 9/10 ACPI, 11 MMIO ... */
	uint32_t reserved; /* 0x14 zero */
};

#define CC_FW_RANGES_MAX 512 /* hangcap.efi writes at most this many; the rest are counted in the NO_REGS text */

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_fw_range) == 24, "cc_fw_range layout");
#endif

#endif

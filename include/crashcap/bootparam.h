/* crashcap/bootparam.h - the parts of the Linux x86 boot protocol that
 * build/capture.efi speaks (Documentation/arch/x86/boot.rst, "The real-mode
 * kernel header" and "64-bit Boot Protocol"; arch/x86/include/uapi/asm/
 * bootparam.h), and the PE/COFF headers that make the same file signable
 * (Microsoft PE format; the kernel's verify_pefile.c).
 *
 * One definition for everyone: scripts/mkefi.c writes the headers from
 * these, capture/bzboot.c reads boot_params with them, boot/head.asm places
 * its entry at CC_BZ_ENTRY_OFFSET (through build/gen/layout.inc), and the
 * host tests check the file against them.  Offsets are into the file (the
 * setup block) or into struct boot_params (the "zero page"). */
#ifndef CRASHCAP_BOOTPARAM_H
#define CRASHCAP_BOOTPARAM_H

/* ---- the setup block: file offsets ----------------------------------------- */
#define CC_BZ_SETUP_SECTS     1       /* 512-byte sectors after the first */
#define CC_BZ_SETUP_BYTES     ((CC_BZ_SETUP_SECTS + 1) * 512) /* the kernel loads what follows */
#define CC_BZ_ENTRY_OFFSET    0x200   /* 64-bit entry: load address + 0x200 (boot.rst) */

#define BZ_OFF_SETUP_SECTS    0x1f1
#define BZ_OFF_SYSSIZE        0x1f4   /* 32-bit code size in 16-byte units */
#define BZ_OFF_BOOT_FLAG      0x1fe
#define BZ_OFF_JUMP           0x200   /* 0xeb, byte: end of the header - 0x202 */
#define BZ_OFF_HEADER         0x202   /* "HdrS" */
#define BZ_OFF_VERSION        0x206
#define BZ_OFF_TYPE_OF_LOADER 0x210
#define BZ_OFF_LOADFLAGS      0x211
#define BZ_OFF_RAMDISK_IMAGE  0x218
#define BZ_OFF_RAMDISK_SIZE   0x21c
#define BZ_OFF_CMD_LINE_PTR   0x228
#define BZ_OFF_INITRD_ADDR_MAX 0x22c
#define BZ_OFF_KERNEL_ALIGNMENT 0x230
#define BZ_OFF_RELOCATABLE    0x234
#define BZ_OFF_MIN_ALIGNMENT  0x235
#define BZ_OFF_XLOADFLAGS     0x236
#define BZ_OFF_CMDLINE_SIZE   0x238
#define BZ_OFF_PREF_ADDRESS   0x258
#define BZ_OFF_INIT_SIZE      0x260
#define BZ_OFF_HANDOVER       0x264
#define BZ_HDR_END            0x268   /* end of the 2.12 header */

#define BZ_BOOT_FLAG          0xaa55
#define BZ_MAGIC              0x53726448u /* "HdrS" little endian */
#define BZ_VERSION            0x020c  /* 2.12: the first the kexec_file loader takes */
#define BZ_LOADED_HIGH        (1u << 0)
#define BZ_XLF_KERNEL_64      (1u << 0)
#define BZ_XLF_ABOVE_4G       (1u << 1)
#define BZ_XLF_5LEVEL         (1u << 5)
#define BZ_XLOADFLAGS         (BZ_XLF_KERNEL_64 | BZ_XLF_ABOVE_4G | BZ_XLF_5LEVEL)
/* What crashcap passes is "" (the kernel prepends "elfcorehdr=0x%lx ",
 * at most 30 bytes, MAX_ELFCOREHDR_STR_LEN); room for newer prefixes. */
#define CC_BZ_CMDLINE_SIZE    1023
#define CC_BZ_ALIGN           4096    /* kernel_alignment: pages (the image is position independent) */
#define CC_BZ_PREF_ADDRESS    0x1000000 /* pref_address: unused by kexec, above the low 1 MiB */

/* ---- struct boot_params ("zero page"): offsets ----------------------------- */
#define BP_SIZE               4096
#define BP_OFF_ACPI_RSDP      0x070
#define BP_OFF_EXT_RAMDISK_IMAGE 0x0c0
#define BP_OFF_EXT_RAMDISK_SIZE 0x0c4
#define BP_OFF_EXT_CMD_LINE_PTR 0x0c8
#define BP_OFF_E820_ENTRIES   0x1e8
#define BP_OFF_HDR            0x1f1   /* the setup header, offsets as in the file */
#define BP_OFF_E820_TABLE     0x2d0
#define BP_E820_MAX           128     /* E820_MAX_ENTRIES_ZEROPAGE */
#define BP_E820_ENTRY_SIZE    20      /* u64 addr, u64 size, u32 type, packed */
#define BP_E820_RAM           1

/* ---- PE/COFF (in the setup block, before the setup header) --------------------- */
#define PE_OFF_LFANEW         0x3c    /* in the MZ header: offset of "PE\0\0" */
#define CC_PE_OFFSET          0x40    /* where mkefi puts it */
#define PE_SIGNATURE          0x00004550u /* "PE\0\0" */
#define PE_MACHINE_AMD64      0x8664
#define PE_OPT_MAGIC_PE32PLUS 0x20b
#define PE_COFF_SIZE          20
#define PE_OPT_SIZE           240     /* PE32+ optional header with 16 data directories */
#define PE_DATA_DIRS          16
#define PE_DIR_CERTIFICATE    4       /* IMAGE_DIRECTORY_ENTRY_SECURITY */
#define PE_SECTION_SIZE       40
#define CC_PE_SECTIONS        1       /* ".text": the whole payload */
#define PE_OFF_OPT            (CC_PE_OFFSET + 4 + PE_COFF_SIZE)
#define PE_OFF_SECTIONS       (PE_OFF_OPT + PE_OPT_SIZE)
#define PE_OFF_EFI_STUB       0x300   /* a UEFI entry that returns EFI_UNSUPPORTED */
#define CC_PE_FILE_ALIGN      512

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The setup header, 2.12, at 0x1f1 (file and boot_params alike). */
struct __attribute__((packed)) bz_setup_header {
	uint8_t  setup_sects;      /* 0x1f1 */
	uint16_t root_flags;       /* 0x1f2 */
	uint32_t syssize;          /* 0x1f4 */
	uint16_t ram_size;         /* 0x1f8 */
	uint16_t vid_mode;         /* 0x1fa */
	uint16_t root_dev;         /* 0x1fc */
	uint16_t boot_flag;        /* 0x1fe */
	uint16_t jump;             /* 0x200 */
	uint32_t header;           /* 0x202 */
	uint16_t version;          /* 0x206 */
	uint32_t realmode_swtch;   /* 0x208 */
	uint16_t start_sys_seg;    /* 0x20c */
	uint16_t kernel_version;   /* 0x20e */
	uint8_t  type_of_loader;   /* 0x210 */
	uint8_t  loadflags;        /* 0x211 */
	uint16_t setup_move_size;  /* 0x212 */
	uint32_t code32_start;     /* 0x214 */
	uint32_t ramdisk_image;    /* 0x218 */
	uint32_t ramdisk_size;     /* 0x21c */
	uint32_t bootsect_kludge;  /* 0x220 */
	uint16_t heap_end_ptr;     /* 0x224 */
	uint8_t  ext_loader_ver;   /* 0x226 */
	uint8_t  ext_loader_type;  /* 0x227 */
	uint32_t cmd_line_ptr;     /* 0x228 */
	uint32_t initrd_addr_max;  /* 0x22c */
	uint32_t kernel_alignment; /* 0x230 */
	uint8_t  relocatable_kernel; /* 0x234 */
	uint8_t  min_alignment;    /* 0x235 */
	uint16_t xloadflags;       /* 0x236 */
	uint32_t cmdline_size;     /* 0x238 */
	uint32_t hardware_subarch; /* 0x23c */
	uint64_t hardware_subarch_data; /* 0x240 */
	uint32_t payload_offset;   /* 0x248 */
	uint32_t payload_length;   /* 0x24c */
	uint64_t setup_data;       /* 0x250 */
	uint64_t pref_address;     /* 0x258 */
	uint32_t init_size;        /* 0x260 */
	uint32_t handover_offset;  /* 0x264 */
};                                 /* 0x268 */

#define BZ_FIELD(f) (BZ_OFF_SETUP_SECTS + __builtin_offsetof(struct bz_setup_header, f))
_Static_assert(BZ_FIELD(syssize) == BZ_OFF_SYSSIZE, "syssize");
_Static_assert(BZ_FIELD(boot_flag) == BZ_OFF_BOOT_FLAG, "boot_flag");
_Static_assert(BZ_FIELD(jump) == BZ_OFF_JUMP, "jump");
_Static_assert(BZ_FIELD(header) == BZ_OFF_HEADER, "header");
_Static_assert(BZ_FIELD(version) == BZ_OFF_VERSION, "version");
_Static_assert(BZ_FIELD(type_of_loader) == BZ_OFF_TYPE_OF_LOADER, "type_of_loader");
_Static_assert(BZ_FIELD(loadflags) == BZ_OFF_LOADFLAGS, "loadflags");
_Static_assert(BZ_FIELD(ramdisk_image) == BZ_OFF_RAMDISK_IMAGE, "ramdisk_image");
_Static_assert(BZ_FIELD(ramdisk_size) == BZ_OFF_RAMDISK_SIZE, "ramdisk_size");
_Static_assert(BZ_FIELD(cmd_line_ptr) == BZ_OFF_CMD_LINE_PTR, "cmd_line_ptr");
_Static_assert(BZ_FIELD(initrd_addr_max) == BZ_OFF_INITRD_ADDR_MAX, "initrd_addr_max");
_Static_assert(BZ_FIELD(kernel_alignment) == BZ_OFF_KERNEL_ALIGNMENT, "kernel_alignment");
_Static_assert(BZ_FIELD(relocatable_kernel) == BZ_OFF_RELOCATABLE, "relocatable_kernel");
_Static_assert(BZ_FIELD(min_alignment) == BZ_OFF_MIN_ALIGNMENT, "min_alignment");
_Static_assert(BZ_FIELD(xloadflags) == BZ_OFF_XLOADFLAGS, "xloadflags");
_Static_assert(BZ_FIELD(cmdline_size) == BZ_OFF_CMDLINE_SIZE, "cmdline_size");
_Static_assert(BZ_FIELD(pref_address) == BZ_OFF_PREF_ADDRESS, "pref_address");
_Static_assert(BZ_FIELD(init_size) == BZ_OFF_INIT_SIZE, "init_size");
_Static_assert(BZ_FIELD(handover_offset) == BZ_OFF_HANDOVER, "handover_offset");
_Static_assert(BZ_OFF_SETUP_SECTS + sizeof(struct bz_setup_header) == BZ_HDR_END, "setup header end");
_Static_assert(PE_OFF_SECTIONS + CC_PE_SECTIONS * PE_SECTION_SIZE <= BZ_OFF_SETUP_SECTS,
	       "the PE headers end before the setup header");
_Static_assert(PE_OFF_EFI_STUB >= BZ_HDR_END && PE_OFF_EFI_STUB + 16 <= CC_BZ_SETUP_BYTES, "EFI stub");
_Static_assert(CC_BZ_CMDLINE_SIZE >= 30 + 1, "cmdline_size: elfcorehdr= and our empty string");

struct __attribute__((packed)) bp_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
};
_Static_assert(sizeof(struct bp_e820_entry) == BP_E820_ENTRY_SIZE, "e820 entry");
_Static_assert(BP_OFF_E820_TABLE + BP_E820_MAX * BP_E820_ENTRY_SIZE <= BP_SIZE, "e820 table in the zero page");

/* PE/COFF headers as mkefi writes them (Microsoft PE format). */
struct __attribute__((packed)) pe_coff_header {
	uint32_t signature;        /* "PE\0\0" */
	uint16_t machine;
	uint16_t sections;
	uint32_t timestamp;
	uint32_t symtab;
	uint32_t symbols;
	uint16_t opt_size;
	uint16_t characteristics;
};
struct __attribute__((packed)) pe_data_dir {
	uint32_t rva;              /* the certificate table: a file offset */
	uint32_t size;
};
struct __attribute__((packed)) pe_opt_header {
	uint16_t magic;
	uint8_t  linker_major, linker_minor;
	uint32_t code_size, data_size, bss_size;
	uint32_t entry_point, code_base;
	uint64_t image_base;
	uint32_t section_align, file_align;
	uint16_t os_major, os_minor, image_major, image_minor, subsys_major, subsys_minor;
	uint32_t win32_version;
	uint32_t image_size;
	uint32_t header_size;
	uint32_t checksum;
	uint16_t subsystem;
	uint16_t dll_characteristics;
	uint64_t stack_reserve, stack_commit, heap_reserve, heap_commit;
	uint32_t loader_flags;
	uint32_t data_dirs;
	struct pe_data_dir dir[PE_DATA_DIRS];
};
struct __attribute__((packed)) pe_section {
	char     name[8];
	uint32_t virtual_size;
	uint32_t virtual_address;
	uint32_t raw_size;
	uint32_t raw_offset;
	uint32_t reloc_offset, lineno_offset;
	uint16_t relocs, linenos;
	uint32_t characteristics;
};
_Static_assert(sizeof(struct pe_coff_header) == 4 + PE_COFF_SIZE, "COFF header");
_Static_assert(sizeof(struct pe_opt_header) == PE_OPT_SIZE, "PE32+ optional header");
_Static_assert(sizeof(struct pe_section) == PE_SECTION_SIZE, "section header");
#endif

#endif

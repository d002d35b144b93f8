/* crashcap/hangrec.h - the hang record: what `crashcap load` leaves for
 * hangcap.efi in a non-volatile UEFI variable, so that after an unplanned
 * reset (a watchdog, a BMC) the firmware-started hangcap.efi can dump the
 * RAM the old kernel left behind.  docs/hangcap.md has the design.
 *
 * One fixed-size block, little endian, no pointers.  checksum = CRC-32 as
 * the dump header's (IEEE 802.3, zlib's crc32) over all sizeof(struct
 * cc_hang_record) bytes with the checksum field taken as zero.  Unused
 * array entries, reserved fields and devpath bytes past devpath_len are
 * zero; a reader refuses a record where they are not
 * (capture/hangrec.c, hangrec_check). */
#ifndef CRASHCAP_HANGREC_H
#define CRASHCAP_HANGREC_H

#include <stdint.h>
#include "crashcap/params.h"

#define CC_HANG_MAGIC       "CCHANGRC"  /* 8 bytes, no terminator */
#define CC_HANG_VERSION     1

/* The UEFI variable: name, crashcap's vendor GUID (random, ours alone),
 * attributes NON_VOLATILE | BOOTSERVICE_ACCESS | RUNTIME_ACCESS.  Through
 * efivarfs the file is CC_HANG_VAR_NAME "-" CC_HANG_VAR_GUID, and its
 * content is the 4 attribute bytes, then the record. */
#define CC_HANG_VAR_NAME    "CrashcapHang"
#define CC_HANG_VAR_GUID    "d7497578-f1ca-48bb-b56b-fd5c2fa5b66e"
/* The same GUID as EFI_GUID's fields (Data1, Data2, Data3, Data4[8]). */
#define CC_HANG_GUID_DATA1  0xd7497578u
#define CC_HANG_GUID_DATA2  0xf1cau
#define CC_HANG_GUID_DATA3  0x48bbu
#define CC_HANG_GUID_DATA4  { 0xb5, 0x6b, 0xfd, 0x5c, 0x2f, 0xa5, 0xb6, 0x6e }
#define CC_HANG_VAR_ATTRS   0x7u

#define CC_HANG_MAX_RANGES   64
#define CC_HANG_MAX_CANARIES 8
#define CC_HANG_DEVPATH_MAX  256
#define CC_HANG_PAGE         4096u

/* Canary kinds (docs/hangcap.md, "What proves RAM survived").  "Unique":
 * random bytes made once for this boot or this arming, which no other
 * boot's RAM holds at that place (capture/hangrec.c, hangrec_kind_unique). */
#define CC_CANARY_BOOTID     1 /* the kernel's boot id, in the kernel image's bss or data: unique */
#define CC_CANARY_REGION     2 /* a page of random bytes the loader staged in the crash region: unique */
#define CC_CANARY_VMCOREINFO 3 /* the VMCOREINFO note as it was when armed */
#define CC_CANARY_KEY        4 /* a random key the kernel made once this boot and keeps in its image
                                * (ptr_key, /proc/kallsyms): unique */
#define CC_CANARY_ROINIT     5 /* a page of the kernel's read-only-after-init data, which the kernel
                                * write-protects once booted */
#define CC_CANARY_KIND_MAX   5

/* The one EFI memory type (UEFI 2.10, 7.2, EFI_MEMORY_TYPE) in which a
 * canary counts for the rule: free memory.  Every other type at hangcap's
 * time is the firmware's (loader, boot-services, runtime, ACPI) or not RAM. */
#define CC_EFI_CONVENTIONAL  7

#define CC_CANARY_MIN_LEN    16
#define CC_CANARY_HEAD       16

/* One RAM range of the old kernel: [paddr, paddr + size), page aligned. */
struct cc_hang_range {
	uint64_t paddr;  /* 0x00 */
	uint64_t size;   /* 0x08 bytes, a multiple of 4096, not 0 */
};

/* A canary: len bytes at paddr (inside one 4 KiB page) whose first 16 are
 * head[] and whose CRC-32 is crc, as they were when the record was made. */
struct cc_hang_canary {
	uint64_t paddr;                /* 0x00 */
	uint32_t len;                  /* 0x08 CC_CANARY_MIN_LEN..4096 */
	uint32_t kind;                 /* 0x0c CC_CANARY_* */
	uint8_t  head[CC_CANARY_HEAD]; /* 0x10 */
	uint32_t crc;                  /* 0x20 CRC-32 of all len bytes */
	uint32_t reserved;             /* 0x24 zero */
};

struct cc_hang_record {
	char     magic[8];          /* 0x000 CC_HANG_MAGIC */
	uint32_t version;           /* 0x008 CC_HANG_VERSION */
	uint32_t size;              /* 0x00c sizeof(struct cc_hang_record) */
	uint32_t checksum;          /* 0x010 CRC-32, above */
	uint32_t flags;             /* 0x014 zero: none defined */
	uint8_t  boot_id[16];       /* 0x018 /proc/sys/kernel/random/boot_id of the armed boot, never all zero */
	uint64_t armed_time;        /* 0x028 Unix seconds when armed */
	uint32_t nr_ranges;         /* 0x030 1..CC_HANG_MAX_RANGES */
	uint32_t nr_canaries;       /* 0x034 0..CC_HANG_MAX_CANARIES */
	uint32_t dump_level;        /* 0x038 CC_DL_* (params.h) */
	uint32_t compress;          /* 0x03c CC_COMPRESS_* */
	uint64_t vmcoreinfo_paddr;  /* 0x040 the VMCOREINFO note, 0 = none */
	uint64_t vmcoreinfo_size;   /* 0x048 */
	uint64_t ktext_paddr;       /* 0x050 the kernel image's view of RAM (the payload's */
	uint64_t ktext_size;        /* 0x058   kernel-text PT_LOAD); all three 0 = none */
	uint64_t ktext_vaddr;       /* 0x060   at or above CC_KERNEL_MAP */
	uint64_t reserved0;         /* 0x068 zero */
	struct cc_target target;    /* 0x070 the target as the payload gets it; CC_TF_UUID set */
	struct cc_disk_id target_id;/* 0x0b0 the disk's identity (CC_ID_*) */
	uint32_t devpath_len;       /* 0x0e0 bytes of devpath used, 0 = none */
	uint32_t reserved1[7];      /* 0x0e4 zero */
	uint8_t  devpath[CC_HANG_DEVPATH_MAX]; /* 0x100 the target's UEFI device path (binary), if known */
	struct cc_mm mm;            /* 0x200 the kernel's memory model, for the page filter */
	struct cc_hang_range ranges[CC_HANG_MAX_RANGES];      /* 0x300 */
	struct cc_hang_canary canaries[CC_HANG_MAX_CANARIES]; /* 0x700 */
};                                                            /* 0x840 */

#define CC_HANG_RECORD_SIZE 0x840

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_hang_range) == 16, "cc_hang_range layout");
_Static_assert(sizeof(struct cc_hang_canary) == 0x28, "cc_hang_canary layout");
_Static_assert(__builtin_offsetof(struct cc_hang_canary, crc) == 0x20, "cc_hang_canary.crc");
_Static_assert(__builtin_offsetof(struct cc_hang_record, checksum) == 0x10, "hang record checksum");
_Static_assert(__builtin_offsetof(struct cc_hang_record, boot_id) == 0x18, "hang record boot_id");
_Static_assert(__builtin_offsetof(struct cc_hang_record, vmcoreinfo_paddr) == 0x40, "hang record vmcoreinfo");
_Static_assert(__builtin_offsetof(struct cc_hang_record, target) == 0x70, "hang record target");
_Static_assert(__builtin_offsetof(struct cc_hang_record, target_id) == 0xb0, "hang record target_id");
_Static_assert(__builtin_offsetof(struct cc_hang_record, devpath) == 0x100, "hang record devpath");
_Static_assert(__builtin_offsetof(struct cc_hang_record, mm) == 0x200, "hang record mm");
_Static_assert(__builtin_offsetof(struct cc_hang_record, ranges) == 0x300, "hang record ranges");
_Static_assert(__builtin_offsetof(struct cc_hang_record, canaries) == 0x700, "hang record canaries");
_Static_assert(sizeof(struct cc_hang_record) == CC_HANG_RECORD_SIZE, "hang record size");
#endif

#endif

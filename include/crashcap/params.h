/* crashcap/params.h - the parameter block: what the payload must know.
 *
 * Filled by the loader (kexec path, loader/) or by the payload itself from
 * the multiboot information (direct-boot path, capture/mbinfo.c); after
 * that both paths run the same code.  The block is plain data: no pointers,
 * every address is physical, every field naturally aligned, little endian.
 * The layout is ABI between `crashcap load` and the payload, so each field
 * carries its offset and the sizes are asserted below.  Documented in
 * docs/parameter-block.md.
 */
#ifndef CRASHCAP_PARAMS_H
#define CRASHCAP_PARAMS_H

#include <stdint.h>
#include "crashcap/mm.h"

#define CC_PARAMS_MAGIC   0x534d415241504343ull /* "CCPARAMS" */
#define CC_PARAMS_VERSION 6 /* 2: options (zero-run elision); 3: dump level, compression, mm;
                               4: target.unit (32 bits) replaces target.port (8 bits);
                               5: target_id (the NVMe namespace's identity);
                               6: cpus (the CPUs that may pack LZ4 blocks) */

#define CC_MAX_RANGES     128 /* PT_LOADs the payload can write */
#define CC_MAX_NOTE_BUFS  256 /* per-CPU crash_notes buffers */
#define CC_CMDLINE_MAX    256

/* The 16550 at the PC's first serial port: serial_port 0 means this, for
 * the payload, the purgatory and the loader's default alike. */
#define CC_COM1_PORT      0x3f8

/* One PT_LOAD: physical range [paddr, paddr+size), its virtual address in
 * the crashed kernel (0 when unknown), and where its bytes are read from at
 * capture time (src == paddr except for the backed-up first 640 KiB). */
struct cc_mem_range {
	uint64_t paddr;  /* 0x00 */
	uint64_t size;   /* 0x08 bytes, multiple of 4096 */
	uint64_t vaddr;  /* 0x10 */
	uint64_t src;    /* 0x18 */
};

/* A buffer of ELF notes in the crashed kernel's memory, walked until an
 * empty note header (n_namesz == 0) or size bytes. */
struct cc_note_buf {
	uint64_t paddr;  /* 0x00 */
	uint64_t size;   /* 0x08 */
};

#define CC_TARGET_NONE        0
#define CC_TARGET_VIRTIO_BLK  1
#define CC_TARGET_AHCI        2
#define CC_TARGET_NVME        3

/* The one device the payload may write to, and where on it. */
struct cc_target {
	uint32_t kind;        /* 0x00 CC_TARGET_* */
	uint8_t  bus;         /* 0x04 PCI address of the controller */
	uint8_t  dev;         /* 0x05 */
	uint8_t  fn;          /* 0x06 */
	uint8_t  reserved0;   /* 0x07 zero (was the AHCI port before version 4) */
	uint64_t lba_start;   /* 0x08 first sector of the target (partition start) */
	uint64_t lba_count;   /* 0x10 sectors in the target; 0 = to the end of the disk */
	uint32_t sector_size; /* 0x18 bytes; 0 = whatever the device reports */
	uint32_t flags;       /* 0x1c CC_TF_* */
	uint8_t  uuid[16];    /* 0x20 identity written by the loader (CC_TF_UUID) */
	uint32_t unit;        /* 0x30 what behind the controller: AHCI port (0..31);
	                         0 for virtio-blk; NVMe: the namespace ID (1..) */
	uint32_t reserved1[3];/* 0x34 zero */
};

#define CC_TF_UUID   (1u << 0) /* uuid is valid: refuse a target that does not carry it */

/* The identity of the disk behind the controller, as the loader saw it
 * (params.target_id), checked by the payload against what the device
 * reports before its first write: another disk at the same PCI address
 * and unit is refused ("wrong disk").  NVMe: the namespace's NGUID where
 * present, else its EUI64, else the controller's serial number (with
 * target.unit, the NSID).  CC_ID_NONE: no check (virtio-blk, AHCI). */
#define CC_ID_NONE    0
#define CC_ID_NGUID   1 /* bytes[0..15]: the NGUID as Identify Namespace gives it */
#define CC_ID_EUI64   2 /* bytes[0..7]: the EUI64 as Identify Namespace gives it */
#define CC_ID_SERIAL  3 /* bytes: the controller's serial number (Identify Controller SN),
                           ASCII, trailing spaces removed, NUL padded */
#define CC_ID_BYTES   40

struct cc_disk_id {
	uint32_t kind;              /* 0x00 CC_ID_* */
	uint32_t len;               /* 0x04 bytes used: 16, 8, or the serial's length (<= 20) */
	uint8_t  bytes[CC_ID_BYTES];/* 0x08 the rest zero */
};

/* The CPUs the crashed kernel had online when crashcap was loaded, by
 * local APIC ID (/proc/cpuinfo's apicid), and which of them booted the
 * machine (Linux's CPU 0).  The payload may start the others, except the
 * boot CPU (an INIT there may reset the machine) and itself, to pack LZ4
 * blocks (docs/smp.md).  nr 0: the payload runs on its own CPU only. */
#define CC_MAX_CPUS 64

struct cc_cpus {
	uint32_t nr;                    /* 0x00 entries in apic_id, <= CC_MAX_CPUS */
	uint32_t boot_apic_id;          /* 0x04 the boot CPU's APIC ID */
	uint32_t apic_id[CC_MAX_CPUS];  /* 0x08 */
};

/* Final actions. */
#define CC_ACTION_REBOOT   0
#define CC_ACTION_POWEROFF 1
#define CC_ACTION_HALT     2

/* Test-only behaviour (never set by `crashcap load` without a test flag). */
#define CC_TEST_EXCEPTION  (1u << 0) /* raise #UD after entry: exercises the handler */
#define CC_TEST_IOMMU_ON   (1u << 1) /* turn IOMMU translation on, blocking DMA, before
                                        capture/iommu.c turns it off (direct boot) */
#define CC_TEST_DMA32      (1u << 2) /* AHCI: act as if CAP.S64A were clear (the bounce path) */

/* How the dump is written (options). */
#define CC_OPT_KEEP_ZEROS  (1u << 0) /* write every byte: no zero-run elision (docs/dump-format.md) */
#define CC_OPT_ORIGIN_HANG (1u << 1) /* set only by hangcap.efi (docs/hangcap.md): the header says
                                        origin hang; the payload refuses it as unknown */

/* Dump level: which pages are left out, makedumpfile's bits (-d N). */
#define CC_DL_ZERO       (1u << 0) /* pages whose bytes are all zero */
#define CC_DL_CACHE      (1u << 1) /* page cache without private data */
#define CC_DL_CACHE_PRI  (1u << 2) /* page cache with private data */
#define CC_DL_USER       (1u << 3) /* user process data (anonymous, hugetlb) */
#define CC_DL_FREE       (1u << 4) /* free pages (buddy allocator) */
#define CC_DL_MAX        31u
#define CC_DL_DEFAULT    31u       /* as distributions default */
/* Levels that need the struct page array (all but CC_DL_ZERO). */
#define CC_DL_NEEDS_MM   (CC_DL_CACHE | CC_DL_CACHE_PRI | CC_DL_USER | CC_DL_FREE)

/* compress: how kept pages are stored (CC_ENC_PAGES, docs/dump-format.md). */
#define CC_COMPRESS_NONE 0 /* LZ4 frames whose blocks are all stored uncompressed */
#define CC_COMPRESS_LZ4  1 /* LZ4 frames, blocks compressed */

struct cc_params {
	uint64_t magic;                 /* 0x0000 CC_PARAMS_MAGIC */
	uint32_t version;               /* 0x0008 CC_PARAMS_VERSION */
	uint32_t size;                  /* 0x000c sizeof(struct cc_params) */
	uint64_t region_start;          /* 0x0010 payload may write only inside */
	uint64_t region_size;           /* 0x0018   [region_start, +region_size) */
	uint32_t action_ok;             /* 0x0020 CC_ACTION_* after a complete dump */
	uint32_t action_fail;           /* 0x0024 CC_ACTION_* after any failure */
	uint16_t debug_exit_port;       /* 0x0028 isa-debug-exit port, 0 = none */
	uint16_t serial_port;           /* 0x002a 16550 base, 0 = CC_COM1_PORT */
	uint32_t test_flags;            /* 0x002c CC_TEST_* */
	uint32_t nr_ranges;             /* 0x0030 */
	uint32_t nr_note_bufs;          /* 0x0034 */
	uint64_t vmcoreinfo_paddr;      /* 0x0038 VMCOREINFO note, 0 = none */
	uint64_t vmcoreinfo_size;       /* 0x0040 */
	uint64_t rsdp_paddr;            /* 0x0048 ACPI RSDP, 0 = search the BIOS area */
	struct cc_target target;        /* 0x0050 */
	char     cmdline[CC_CMDLINE_MAX];                 /* 0x0090 as given */
	struct cc_mem_range ranges[CC_MAX_RANGES];        /* 0x0190 */
	struct cc_note_buf note_bufs[CC_MAX_NOTE_BUFS];   /* 0x1190 */
	uint32_t options;               /* 0x2190 CC_OPT_* */
	uint32_t dump_level;            /* 0x2194 CC_DL_* bits, 0..CC_DL_MAX */
	uint32_t compress;              /* 0x2198 CC_COMPRESS_* */
	uint32_t reserved;              /* 0x219c zero */
	struct cc_mm mm;                /* 0x21a0 the crashed kernel's memory model (mm.h) */
	struct cc_disk_id target_id;    /* 0x22a0 the disk's identity (CC_ID_*) */
	struct cc_cpus cpus;            /* 0x22d0 CPUs that may help (docs/smp.md) */
};                                                    /* 0x23d8 */

/* dump_level 0 with CC_COMPRESS_NONE writes the raw ELF core (CC_ENC_ELF);
 * anything else writes CC_ENC_PAGES (dumphdr.h, dumpfmt.h). */

#define CC_PARAMS_SIZE 0x23d8

#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct cc_mem_range) == 32, "cc_mem_range layout");
_Static_assert(sizeof(struct cc_note_buf) == 16, "cc_note_buf layout");
_Static_assert(sizeof(struct cc_target) == 0x40, "cc_target layout");
_Static_assert(__builtin_offsetof(struct cc_params, target) == 0x50, "params.target");
_Static_assert(__builtin_offsetof(struct cc_target, unit) == 0x30, "cc_target.unit");
_Static_assert(__builtin_offsetof(struct cc_params, cmdline) == 0x90, "params.cmdline");
_Static_assert(__builtin_offsetof(struct cc_params, ranges) == 0x190, "params.ranges");
_Static_assert(__builtin_offsetof(struct cc_params, note_bufs) == 0x1190, "params.note_bufs");
_Static_assert(__builtin_offsetof(struct cc_params, options) == 0x2190, "params.options");
_Static_assert(__builtin_offsetof(struct cc_params, dump_level) == 0x2194, "params.dump_level");
_Static_assert(__builtin_offsetof(struct cc_params, mm) == 0x21a0, "params.mm");
_Static_assert(sizeof(struct cc_disk_id) == 0x30, "cc_disk_id layout");
_Static_assert(__builtin_offsetof(struct cc_params, target_id) == 0x22a0, "params.target_id");
_Static_assert(sizeof(struct cc_cpus) == 0x108, "cc_cpus layout");
_Static_assert(__builtin_offsetof(struct cc_params, cpus) == 0x22d0, "params.cpus");
_Static_assert(sizeof(struct cc_params) == CC_PARAMS_SIZE, "cc_params size");
#endif

#endif

/* drivers/amdvi_regs.h - AMD I/O Virtualization (AMD-Vi, "AMD IOMMU")
 * layouts: the ACPI IVRS table and the few IOMMU MMIO registers crashcap
 * touches.  After "AMD I/O Virtualization Technology (IOMMU)
 * Specification", publication 48882 rev 3.x; cited by the names the spec
 * gives its registers ("MMIO Offset 0018h IOMMU Control Register") and
 * structures (IVRS, IVHD, DTE).  Offsets are in bytes. */
#ifndef DRIVERS_AMDVI_REGS_H
#define DRIVERS_AMDVI_REGS_H

/* ---- IVRS: I/O Virtualization Reporting Structure -----------------------
 * A standard ACPI header (36 bytes), then: */
#define IVRS_OFF_IVINFO      36  /* u32 IVinfo */
                                 /* 40..47 reserved */
#define IVRS_OFF_BLOCKS      48  /* I/O virtualization definition blocks (IVHD, IVMD) */

/* Every definition block starts with: */
#define IVDB_OFF_TYPE        0   /* u8 */
#define IVDB_OFF_FLAGS       1   /* u8 */
#define IVDB_OFF_LENGTH      2   /* u16 bytes, this header included */
#define IVDB_HDR_LEN         4

/* IVHD: I/O Virtualization Hardware Definition, one per IOMMU and type.
 * Firmware may describe the same IOMMU once per type it supports. */
#define IVHD_TYPE_10H        0x10  /* fixed format, legacy */
#define IVHD_TYPE_11H        0x11  /* fixed format, with the EFR image */
#define IVHD_TYPE_40H        0x40  /* mixed format (ACPI HID devices) */
#define IVHD_OFF_DEVICE_ID   4   /* u16 the IOMMU's own PCI bus/dev/fn */
#define IVHD_OFF_CAP_OFFSET  6   /* u16 its capability block in PCI config space */
#define IVHD_OFF_BASE        8   /* u64 IOMMU Base Address: the MMIO registers */
#define IVHD_OFF_SEGMENT     16  /* u16 PCI Segment Group */
#define IVHD_MIN_LEN         24  /* type 10h header; 11h and 40h are 40 */

/* ---- IOMMU MMIO registers, from the IVHD base ------------------------- */
#define AMDVI_DEV_TABLE_BASE 0x0000 /* 64 Device Table Base Address Register */
#define AMDVI_CONTROL        0x0018 /* 64 IOMMU Control Register */
#define AMDVI_STATUS         0x2020 /* 64 IOMMU Status Register */
#define AMDVI_MMIO_LEN       0x4000 /* 16 KiB: the smallest register window */

/* Device Table Base Address Register */
#define AMDVI_DEVTAB_BASE_MASK 0x000ffffffffff000ull /* DevTabBase 51:12 */
#define AMDVI_DEVTAB_SIZE_MASK 0x1ffull              /* Size 8:0: 4 KiB pages - 1 */

/* IOMMU Control Register bits */
#define AMDVI_CTRL_IOMMU_EN      (1ull << 0)  /* IommuEn: translate (0: pass upstream untranslated) */
#define AMDVI_CTRL_EVENT_LOG_EN  (1ull << 2)  /* EventLogEn */
#define AMDVI_CTRL_EVENT_INT_EN  (1ull << 3)  /* EventIntEn */
#define AMDVI_CTRL_COM_WAIT_INT_EN (1ull << 4) /* ComWaitIntEn */
#define AMDVI_CTRL_CMD_BUF_EN    (1ull << 12) /* CmdBufEn */
#define AMDVI_CTRL_PPR_LOG_EN    (1ull << 13) /* PPRLogEn */
#define AMDVI_CTRL_PPR_INT_EN    (1ull << 14) /* PprIntEn */
#define AMDVI_CTRL_GA_LOG_EN     (1ull << 28) /* GALogEn */
#define AMDVI_CTRL_GA_INT_EN     (1ull << 29) /* GAIntEn */
/* The engines that read or write memory on their own (command buffer,
 * logs) and their interrupts: stopped before IommuEn, as Linux's
 * iommu_disable() does. */
#define AMDVI_CTRL_ENGINES (AMDVI_CTRL_EVENT_LOG_EN | AMDVI_CTRL_EVENT_INT_EN | AMDVI_CTRL_COM_WAIT_INT_EN | \
	AMDVI_CTRL_CMD_BUF_EN | AMDVI_CTRL_PPR_LOG_EN | AMDVI_CTRL_PPR_INT_EN | AMDVI_CTRL_GA_LOG_EN | \
	AMDVI_CTRL_GA_INT_EN)

/* IOMMU Status Register bits */
#define AMDVI_STATUS_EVENT_LOG_RUN (1ull << 3) /* EventLogRun */
#define AMDVI_STATUS_CMD_BUF_RUN   (1ull << 4) /* CmdBufRun */

/* Device Table Entry (DTE), 256 bits, one per requester ID; quadword 0: */
#define AMDVI_DTE_BYTES      32
#define AMDVI_DTE_V          (1ull << 0)   /* V: DTE valid */
#define AMDVI_DTE_TV         (1ull << 1)   /* TV: translation information valid */
#define AMDVI_DTE_MODE_SHIFT 9             /* Mode 11:9: page-table levels, 0 = none */
#define AMDVI_DTE_IR         (1ull << 61)  /* IR: reads permitted */
#define AMDVI_DTE_IW         (1ull << 62)  /* IW: writes permitted */

#endif

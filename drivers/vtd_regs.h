/* drivers/vtd_regs.h - Intel VT-d layouts: the ACPI DMAR table and the
 * remapping unit's registers.  Names and sections after "Intel
 * Virtualization Technology for Directed I/O, Architecture Specification"
 * rev 4.x (order number D51397): chapter 8 (BIOS considerations: the DMAR
 * table), chapter 11 (register descriptions).  Only what crashcap reads or
 * writes is named; every offset is in bytes. */
#ifndef DRIVERS_VTD_REGS_H
#define DRIVERS_VTD_REGS_H

/* ---- DMAR: DMA Remapping Reporting Structure (8.1) ---------------------
 * A standard ACPI header (36 bytes), then: */
#define DMAR_OFF_HAW         36  /* u8  Host Address Width: N+1 address bits */
#define DMAR_OFF_FLAGS       37  /* u8  DMAR_FLAG_* */
                                 /* 38..47 reserved */
#define DMAR_OFF_STRUCTS     48  /* remapping structures, back to back */

#define DMAR_FLAG_INTR_REMAP          (1u << 0) /* INTR_REMAP: interrupt remapping supported */
#define DMAR_FLAG_X2APIC_OPT_OUT      (1u << 1) /* X2APIC_OPT_OUT */
#define DMAR_FLAG_DMA_CTRL_OPT_IN     (1u << 2) /* DMA_CTRL_PLATFORM_OPT_IN_FLAG */

/* Every remapping structure (8.2) starts with: */
#define DMAR_STRUCT_OFF_TYPE    0  /* u16 DMAR_TYPE_* */
#define DMAR_STRUCT_OFF_LENGTH  2  /* u16 bytes, this header included */
#define DMAR_STRUCT_HDR_LEN     4

/* Remapping structure types (8.2, table "Remapping Structure Types"). */
#define DMAR_TYPE_DRHD  0  /* DMA Remapping Hardware Unit Definition (8.3) */
#define DMAR_TYPE_RMRR  1  /* Reserved Memory Region Reporting (8.4) */
#define DMAR_TYPE_ATSR  2  /* Root Port ATS Capability Reporting (8.5) */
#define DMAR_TYPE_RHSA  3  /* Remapping Hardware Static Affinity (8.6) */
#define DMAR_TYPE_ANDD  4  /* ACPI Name-space Device Declaration (8.7) */
#define DMAR_TYPE_SATC  5  /* SoC Integrated Address Translation Cache (8.8) */

/* DRHD (8.3): one remapping unit. */
#define DRHD_OFF_FLAGS       4   /* u8  DRHD_FLAG_* */
#define DRHD_OFF_SIZE        5   /* u8  bits 3:0: register set is 2^N 4 KiB pages */
#define DRHD_OFF_SEGMENT     6   /* u16 PCI segment the unit serves */
#define DRHD_OFF_REG_BASE    8   /* u64 Register Base Address, 4 KiB aligned */
#define DRHD_OFF_SCOPE       16  /* device scope entries follow */
#define DRHD_MIN_LEN         16
#define DRHD_FLAG_INCLUDE_PCI_ALL (1u << 0) /* INCLUDE_PCI_ALL: every device of the segment not claimed elsewhere */
#define DRHD_SIZE_MASK       0x0f

/* ---- Remapping unit registers (11.4), from the DRHD register base ------ */
#define VTD_VER_REG      0x00  /* 32 Version (11.4.1): MAX 7:4, MIN 3:0 */
#define VTD_CAP_REG      0x08  /* 64 Capability (11.4.2) */
#define VTD_ECAP_REG     0x10  /* 64 Extended Capability (11.4.3) */
#define VTD_GCMD_REG     0x18  /* 32 Global Command (11.4.4.1), write-only */
#define VTD_GSTS_REG     0x1c  /* 32 Global Status (11.4.4.2), read-only */
#define VTD_RTADDR_REG   0x20  /* 64 Root Table Address (11.4) */
#define VTD_PMEN_REG     0x64  /* 32 Protected Memory Enable (11.4) */
#define VTD_REG_PAGE     4096  /* everything above lies in the first page */

#define VTD_VER_MAX(v)   (((v) >> 4) & 0xf)
#define VTD_VER_MIN(v)   ((v) & 0xf)

/* CAP_REG bits (11.4.2) */
#define VTD_CAP_RWBF     (1ull << 4)  /* RWBF: required write-buffer flushing */
#define VTD_CAP_PLMR     (1ull << 5)  /* PLMR: protected low-memory region supported */
#define VTD_CAP_PHMR     (1ull << 6)  /* PHMR: protected high-memory region supported */
#define VTD_CAP_CM       (1ull << 7)  /* CM: caching mode (a virtual unit) */

/* ECAP_REG bits (11.4.3) */
#define VTD_ECAP_QI      (1ull << 1)  /* QI: queued invalidation supported */
#define VTD_ECAP_IR      (1ull << 3)  /* IR: interrupt remapping supported */

/* GCMD_REG bits (11.4.4.1).  Each command bit has a status bit at the same
 * position in GSTS_REG (11.4.4.2), listed beside it. */
#define VTD_GCMD_TE      (1u << 31)   /* TE:    Translation Enable           GSTS.TES */
#define VTD_GCMD_SRTP    (1u << 30)   /* SRTP:  Set Root Table Pointer       GSTS.RTPS */
#define VTD_GCMD_SFL     (1u << 29)   /* SFL:   Set Fault Log                GSTS.FLS */
#define VTD_GCMD_EAFL    (1u << 28)   /* EAFL:  Enable Advanced Fault Log    GSTS.AFLS */
#define VTD_GCMD_WBF     (1u << 27)   /* WBF:   Write Buffer Flush           GSTS.WBFS */
#define VTD_GCMD_QIE     (1u << 26)   /* QIE:   Queued Invalidation Enable   GSTS.QIES */
#define VTD_GCMD_IRE     (1u << 25)   /* IRE:   Interrupt Remapping Enable   GSTS.IRES */
#define VTD_GCMD_SIRTP   (1u << 24)   /* SIRTP: Set Interrupt Remap Table Ptr GSTS.IRTPS */
#define VTD_GCMD_CFI     (1u << 23)   /* CFI:   Compatibility Format Interrupt GSTS.CFIS */

/* GSTS_REG bits (11.4.4.2) */
#define VTD_GSTS_TES     (1u << 31)   /* TES:   translation is enabled */
#define VTD_GSTS_RTPS    (1u << 30)   /* RTPS:  root table pointer latched */
#define VTD_GSTS_FLS     (1u << 29)
#define VTD_GSTS_AFLS    (1u << 28)
#define VTD_GSTS_WBFS    (1u << 27)
#define VTD_GSTS_QIES    (1u << 26)   /* QIES:  queued invalidation is enabled */
#define VTD_GSTS_IRES    (1u << 25)   /* IRES:  interrupt remapping is enabled */
#define VTD_GSTS_IRTPS   (1u << 24)
#define VTD_GSTS_CFIS    (1u << 23)

/* GCMD is write-only and one write carries every control at once: the
 * spec (11.4.4.1) says to start from GSTS, keep the persistent bits, zero
 * the one-shot ones (SRTP, SFL, WBF, SIRTP: writing them 1 would fire them
 * again), then change exactly one bit per write.  The mask is the one in
 * the spec's example. */
#define VTD_GSTS_ONE_SHOT   (VTD_GSTS_RTPS | VTD_GSTS_FLS | VTD_GSTS_WBFS | VTD_GSTS_IRTPS)
#define VTD_GSTS_PERSISTENT (~VTD_GSTS_ONE_SHOT)   /* = 0x96ffffff */
_Static_assert(VTD_GSTS_PERSISTENT == 0x96ffffffu, "VT-d 11.4.4.1 persistent-bit mask");

/* RTADDR_REG (11.4): root table address 63:12, TTM 11:10 (00b legacy mode). */
#define VTD_RTADDR_RTA_MASK 0xfffffffffffff000ull

/* PMEN_REG: protected memory regions block DMA to them whatever TE says. */
#define VTD_PMEN_EPM     (1u << 31)   /* EPM: Enable Protected Memory */
#define VTD_PMEN_PRS     (1u << 0)    /* PRS: Protected Region Status */

#endif

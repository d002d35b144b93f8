/* drivers/nvme_regs.h - NVMe layouts and bits used by the NVMe driver and
 * drivers/nvme_cmd.c.  Names follow "NVM Express Base Specification 1.4"
 * (section numbers below); only what a polled, single-I/O-queue writer
 * needs is here. */
#ifndef DRIVERS_NVME_REGS_H
#define DRIVERS_NVME_REGS_H
#include <stdint.h>

#define NVME_PCI_CLASS  0x010802 /* mass storage, non-volatile memory, NVM Express I/O controller */
#define NVME_PCI_BAR    0        /* BAR 0/1: MLBAR/MUBAR, the registers (64-bit memory) */

/* Controller registers (3.1), offsets from BAR 0. */
#define NVME_CAP        0x00 /* controller capabilities, 64-bit */
#define NVME_VS         0x08 /* version: major 31:16, minor 15:8, tertiary 7:0 */
#define NVME_INTMS      0x0c /* interrupt mask set */
#define NVME_INTMC      0x10 /* interrupt mask clear */
#define NVME_CC         0x14 /* controller configuration */
#define NVME_CSTS       0x1c /* controller status */
#define NVME_AQA        0x24 /* admin queue attributes */
#define NVME_ASQ        0x28 /* admin submission queue base, 64-bit */
#define NVME_ACQ        0x30 /* admin completion queue base, 64-bit */
#define NVME_DOORBELLS  0x1000 /* SQ 0 tail doorbell; the others follow at the CAP.DSTRD stride */

/* CAP fields (3.1.1) */
#define NVME_CAP_MQES(cap)    ((uint32_t)((cap) & 0xffff))          /* maximum queue entries, 0's based */
#define NVME_CAP_CQR          (1ull << 16)                          /* contiguous queues required */
#define NVME_CAP_TO(cap)      ((uint32_t)(((cap) >> 24) & 0xff))    /* timeout, in 500 ms units */
#define NVME_CAP_DSTRD(cap)   ((uint32_t)(((cap) >> 32) & 0xf))     /* doorbell stride: 4 << DSTRD bytes */
#define NVME_CAP_CSS_NVM      (1ull << 37)                          /* CSS bit 0: the NVM command set */
#define NVME_CAP_MPSMIN(cap)  ((uint32_t)(((cap) >> 48) & 0xf))     /* memory page size minimum: 2^(12+MPSMIN) */
#define NVME_CAP_MPSMAX(cap)  ((uint32_t)(((cap) >> 52) & 0xf))

/* CC bits (3.1.5) */
#define NVME_CC_EN            (1u << 0)  /* enable */
#define NVME_CC_CSS_NVM       (0u << 4)  /* I/O command set: NVM */
#define NVME_CC_MPS_SHIFT     7          /* memory page size: 2^(12+MPS) */
#define NVME_CC_AMS_RR        (0u << 11) /* arbitration: round robin */
#define NVME_CC_SHN_MASK      (3u << 14) /* shutdown notification: never set here (nvme.md) */
#define NVME_CC_IOSQES_SHIFT  16         /* I/O SQ entry size: 2^n bytes */
#define NVME_CC_IOCQES_SHIFT  20         /* I/O CQ entry size: 2^n bytes */

/* CSTS bits (3.1.6) */
#define NVME_CSTS_RDY         (1u << 0)  /* ready */
#define NVME_CSTS_CFS         (1u << 1)  /* controller fatal status */
#define NVME_CSTS_SHST_MASK   (3u << 2)  /* shutdown status */
#define NVME_CSTS_GONE        0xffffffffu /* all ones: no device answers at BAR 0 */

/* AQA (3.1.8): sizes, 0's based. */
#define NVME_AQA_SIZES(sq_entries, cq_entries) ((((uint32_t)(cq_entries) - 1) << 16) | ((uint32_t)(sq_entries) - 1))

/* Queue entries (4.2, 4.6) */
#define NVME_SQE_BYTES  64
#define NVME_CQE_BYTES  16
#define NVME_SQES_LOG2  6
#define NVME_CQES_LOG2  4

/* The host memory page: CC.MPS = 0, so PRPs describe 4 KiB pages (4.3). */
#define NVME_PAGE       4096u
#define NVME_PRP_PER_PAGE (NVME_PAGE / 8)

/* Admin opcodes (5) */
#define NVME_ADMIN_CREATE_SQ  0x01
#define NVME_ADMIN_CREATE_CQ  0x05
#define NVME_ADMIN_IDENTIFY   0x06
#define NVME_ADMIN_SET_FEATURES 0x09
/* Feature identifiers (5.21.1) */
#define NVME_FEAT_NUM_QUEUES  0x07 /* dword 11: NCQR 31:16, NSQR 15:0, both 0's based */
/* NVM opcodes (NVM command set 6) */
#define NVME_NVM_FLUSH        0x00
#define NVME_NVM_WRITE        0x01
#define NVME_NVM_READ         0x02

/* Identify CNS values (5.15.1) */
#define NVME_CNS_NAMESPACE    0x00
#define NVME_CNS_CONTROLLER   0x01

/* Create I/O CQ / SQ, dword 11 (5.3, 5.4) */
#define NVME_QUEUE_PC         (1u << 0) /* physically contiguous */

/* Completion queue entry dword 3 (4.6): CID 15:0, P bit 16, status field 31:17. */
#define NVME_CQE_PHASE        (1u << 16)
#define NVME_STATUS_SC(st)    ((st) & 0xff)        /* status code (status field bits 7:0) */
#define NVME_STATUS_SCT(st)   (((st) >> 8) & 0x7)  /* status code type (bits 10:8) */
#define NVME_STATUS_DNR(st)   (((st) >> 14) & 1)   /* do not retry */

/* Identify Controller (5.15.2.2): byte offsets of the fields used. */
#define NVME_IDC_SN           4    /* serial number, 20 ASCII bytes, space padded */
#define NVME_IDC_MN           24   /* model number, 40 bytes */
#define NVME_IDC_MDTS         77   /* maximum data transfer size: 2^n of CAP.MPSMIN pages, 0 none */
#define NVME_IDC_NN           516  /* number of namespaces, 32-bit */
#define NVME_IDC_VWC          525  /* volatile write cache: bit 0 present */

/* Identify Namespace (NVM command set, 5.15.2.1 / NVM 4.1.5.1). */
#define NVME_IDNS_NSZE        0    /* namespace size in logical blocks, 64-bit */
#define NVME_IDNS_NLBAF       25   /* number of LBA formats, 0's based */
#define NVME_IDNS_FLBAS       26   /* formatted LBA size: bits 3:0 the format, bit 4 extended LBA */
#define NVME_IDNS_NGUID       104  /* namespace globally unique identifier, 16 bytes */
#define NVME_IDNS_EUI64       120  /* IEEE extended unique identifier, 8 bytes */
#define NVME_IDNS_LBAF        128  /* LBA formats, 4 bytes each: MS 15:0, LBADS 23:16 (2^n), RP 25:24 */
#define NVME_IDNS_FLBAS_EXT   (1u << 4)

struct nvme_sqe {
	uint32_t cdw0;   /* opcode 7:0, fused 9:8, PSDT 15:14 (0: PRPs), CID 31:16 */
	uint32_t nsid;
	uint32_t cdw2, cdw3;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
};

struct nvme_cqe {
	uint32_t dw0;    /* command specific */
	uint32_t dw1;
	uint16_t sqhd;   /* SQ head pointer */
	uint16_t sqid;
	uint32_t dw3;    /* CID 15:0, phase 16, status field 31:17 */
};

_Static_assert(sizeof(struct nvme_sqe) == NVME_SQE_BYTES, "submission queue entry (4.2)");
_Static_assert(sizeof(struct nvme_cqe) == NVME_CQE_BYTES, "completion queue entry (4.6)");
_Static_assert((1u << NVME_SQES_LOG2) == NVME_SQE_BYTES && (1u << NVME_CQES_LOG2) == NVME_CQE_BYTES, "entry sizes");

#endif

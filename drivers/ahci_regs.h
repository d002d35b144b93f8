/* drivers/ahci_regs.h - AHCI layouts and bits used by ahci.c and ahci_prd.c.
 * Names follow "Serial ATA AHCI 1.3.1 Specification" (section numbers
 * below); the SATA FIS and the ATA commands are in ata.h. */
#ifndef DRIVERS_AHCI_REGS_H
#define DRIVERS_AHCI_REGS_H
#include <stdint.h>

#define AHCI_PCI_CLASS  0x010601 /* mass storage, SATA, AHCI 1.0 programming interface (2.1) */
#define AHCI_PCI_ABAR   5        /* BAR 5: the HBA's registers (2.1.11) */

/* Generic host control registers (3.1), offsets from ABAR. */
#define AHCI_CAP        0x00 /* host capabilities */
#define AHCI_GHC        0x04 /* global host control */
#define AHCI_IS         0x08 /* interrupt status, one bit per port (RWC) */
#define AHCI_PI         0x0c /* ports implemented */
#define AHCI_VS         0x10 /* version: major 31:16, minor 15:0 (BCD) */
#define AHCI_CAP2       0x24 /* host capabilities extended */

/* CAP bits (3.1.1) */
#define AHCI_CAP_NP_MASK    0x1fu      /* NP: number of ports - 1 */
#define AHCI_CAP_NCS_SHIFT  8          /* NCS: command slots - 1 (12:8) */
#define AHCI_CAP_NCS_MASK   0x1fu
#define AHCI_CAP_SAM        (1u << 18) /* SAM: supports AHCI mode only */
#define AHCI_CAP_SCLO       (1u << 24) /* SCLO: supports command list override */
#define AHCI_CAP_SSS        (1u << 27) /* SSS: supports staggered spin-up */
#define AHCI_CAP_SNCQ       (1u << 30) /* SNCQ: supports native command queuing */
#define AHCI_CAP_S64A       (1u << 31) /* S64A: supports 64-bit addressing */
#define AHCI_CAP_NCS(cap)   ((((cap) >> AHCI_CAP_NCS_SHIFT) & AHCI_CAP_NCS_MASK) + 1)

/* GHC bits (3.1.2) */
#define AHCI_GHC_HR         (1u << 0)  /* HR: HBA reset, self-clearing */
#define AHCI_GHC_IE         (1u << 1)  /* IE: interrupt enable */
#define AHCI_GHC_AE         (1u << 31) /* AE: AHCI enable */

/* Port registers (3.3): AHCI_PORT_BASE + port * AHCI_PORT_SIZE. */
#define AHCI_MAX_PORTS  32
#define AHCI_PORT_BASE  0x100
#define AHCI_PORT_SIZE  0x80
#define AHCI_PxCLB      0x00 /* command list base, 1 KiB aligned */
#define AHCI_PxCLBU     0x04 /*   upper 32 bits */
#define AHCI_PxFB       0x08 /* received FIS base, 256-byte aligned */
#define AHCI_PxFBU      0x0c /*   upper 32 bits */
#define AHCI_PxIS       0x10 /* interrupt status (RWC) */
#define AHCI_PxIE       0x14 /* interrupt enable */
#define AHCI_PxCMD      0x18 /* command and status */
#define AHCI_PxTFD      0x20 /* task file data: ATA status 7:0, error 15:8 */
#define AHCI_PxSIG      0x24 /* signature of the attached device */
#define AHCI_PxSSTS     0x28 /* SStatus (SCR0) */
#define AHCI_PxSCTL     0x2c /* SControl (SCR2) */
#define AHCI_PxSERR     0x30 /* SError (SCR1), RWC */
#define AHCI_PxSACT     0x34 /* SActive (NCQ tags outstanding) */
#define AHCI_PxCI       0x38 /* command issue, one bit per slot */

/* PxIS bits (3.3.5) */
#define AHCI_PxIS_DHRS  (1u << 0)  /* DHRS: device to host register FIS received */
#define AHCI_PxIS_PSS   (1u << 1)  /* PSS: PIO setup FIS received */
#define AHCI_PxIS_PCS   (1u << 6)  /* PCS: port connect change */
#define AHCI_PxIS_PRCS  (1u << 22) /* PRCS: PhyRdy change */
#define AHCI_PxIS_OFS   (1u << 24) /* OFS: overflow (device sent more than the PRDT holds) */
#define AHCI_PxIS_INFS  (1u << 26) /* INFS: interface non-fatal error */
#define AHCI_PxIS_IFS   (1u << 27) /* IFS: interface fatal error */
#define AHCI_PxIS_HBDS  (1u << 28) /* HBDS: host bus data error */
#define AHCI_PxIS_HBFS  (1u << 29) /* HBFS: host bus fatal error */
#define AHCI_PxIS_TFES  (1u << 30) /* TFES: task file error (status ERR set) */
/* Any of these ends our command as failed (6.1.2 fatal, 6.1.3 non-fatal). */
#define AHCI_PxIS_ERROR (AHCI_PxIS_TFES | AHCI_PxIS_HBFS | AHCI_PxIS_HBDS | AHCI_PxIS_IFS | \
			 AHCI_PxIS_INFS | AHCI_PxIS_OFS)

/* PxCMD bits (3.3.7) */
#define AHCI_PxCMD_ST   (1u << 0)  /* ST: start (process the command list) */
#define AHCI_PxCMD_SUD  (1u << 1)  /* SUD: spin-up device (with CAP.SSS) */
#define AHCI_PxCMD_POD  (1u << 2)  /* POD: power on device (with PxCMD.CPD) */
#define AHCI_PxCMD_FRE  (1u << 4)  /* FRE: FIS receive enable */
#define AHCI_PxCMD_FR   (1u << 14) /* FR: FIS receive running */
#define AHCI_PxCMD_CR   (1u << 15) /* CR: command list running */
#define AHCI_PxCMD_CPD  (1u << 20) /* CPD: cold presence detection */
#define AHCI_PxCMD_ICC_MASK   (0xfu << 28) /* ICC: interface communication control */
#define AHCI_PxCMD_ICC_ACTIVE (1u << 28)

/* PxTFD (3.3.8): the ATA status and error registers. */
#define AHCI_PxTFD_STS_ERR  (1u << 0)  /* ERR: the command failed */
#define AHCI_PxTFD_STS_DRQ  (1u << 3)  /* DRQ: data transfer requested */
#define AHCI_PxTFD_STS_BSY  (1u << 7)  /* BSY: device busy */
#define AHCI_PxTFD_ERR_SHIFT 8

/* PxSIG values (3.3.9; SATA 3.x 11.3) */
#define AHCI_SIG_ATA    0x00000101u
#define AHCI_SIG_ATAPI  0xeb140101u
#define AHCI_SIG_SEMB   0xc33c0101u
#define AHCI_SIG_PM     0x96690101u

/* PxSSTS (3.3.10) and PxSCTL (3.3.11) */
#define AHCI_PxSSTS_DET_MASK   0xfu
#define AHCI_PxSSTS_DET_PHY    0x3u        /* device present, Phy communication established */
#define AHCI_PxSCTL_DET_MASK   0xfu
#define AHCI_PxSCTL_DET_NONE   0x0u        /* no detection or initialisation requested */
#define AHCI_PxSCTL_DET_COMRESET 0x1u      /* perform interface initialisation (COMRESET) */
#define AHCI_PxSCTL_IPM_MASK   (0xfu << 8)
#define AHCI_PxSCTL_IPM_NONE   (0x3u << 8) /* no Partial or Slumber transitions */

/* Command header (4.2.2): 32 per port, the command list. */
struct ahci_cmd_header {
	uint32_t flags;    /* 0x00 CFL 4:0, A 5, W 6, P 7, R 8, B 9, C 10, PMP 15:12, PRDTL 31:16 */
	uint32_t prdbc;    /* 0x04 PRD byte count: bytes transferred (HBA writes) */
	uint32_t ctba;     /* 0x08 command table base, 128-byte aligned */
	uint32_t ctbau;    /* 0x0c   upper 32 bits */
	uint32_t rsvd[4];  /* 0x10 */
};
_Static_assert(sizeof(struct ahci_cmd_header) == 32, "AHCI command header (4.2.2)");
_Static_assert(__builtin_offsetof(struct ahci_cmd_header, ctba) == 8, "command header CTBA");
#define AHCI_CMD_LIST_SLOTS  32
#define AHCI_CMD_LIST_ALIGN  1024
#define AHCI_CMDH_CFL(dwords) ((uint32_t)(dwords) & 0x1fu) /* command FIS length in dwords */
#define AHCI_CMDH_W           (1u << 6)                    /* W: write (host to device) */
#define AHCI_CMDH_PRDTL(n)    ((uint32_t)(n) << 16)        /* PRD table length in entries */

/* Physical region descriptor (4.2.3.3). */
struct ahci_prd {
	uint32_t dba;      /* 0x00 data base address; bit 0 reserved: word aligned */
	uint32_t dbau;     /* 0x04   upper 32 bits */
	uint32_t rsvd;     /* 0x08 */
	uint32_t dbc;      /* 0x0c DBC 21:0 = byte count - 1 (bit 0 set: even count); I 31 */
};
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI PRD (4.2.3.3)");
#define AHCI_PRD_MAX_BYTES   (4u << 20)   /* DBC is 22 bits: 4 MiB per entry */
#define AHCI_PRD_DBC_MASK    0x3fffffu
#define AHCI_PRD_DBC(bytes)  (((uint32_t)(bytes) - 1) & AHCI_PRD_DBC_MASK)
#define AHCI_PRD_I           (1u << 31)   /* interrupt on completion */

/* Command table (4.2.3): the fixed part; the PRD table follows at 0x80. */
struct ahci_cmd_table_head {
	uint8_t cfis[64];  /* 0x00 command FIS */
	uint8_t acmd[16];  /* 0x40 ATAPI command */
	uint8_t rsvd[48];  /* 0x50 */
};                         /* 0x80 PRDT */
_Static_assert(sizeof(struct ahci_cmd_table_head) == 0x80, "AHCI command table head (4.2.3)");
#define AHCI_CMD_TABLE_ALIGN 128

/* Received FIS area (4.2.1), without FIS-based switching. */
struct ahci_rfis {
	uint8_t dsfis[0x1c];   /* 0x00 DMA setup FIS */
	uint8_t rsvd0[0x04];
	uint8_t psfis[0x14];   /* 0x20 PIO setup FIS */
	uint8_t rsvd1[0x0c];
	uint8_t rfis[0x14];    /* 0x40 D2H register FIS */
	uint8_t rsvd2[0x04];
	uint8_t sdbfis[0x08];  /* 0x58 set device bits FIS */
	uint8_t ufis[0x40];    /* 0x60 unknown FIS */
	uint8_t rsvd3[0x60];   /* 0xa0 */
};
_Static_assert(sizeof(struct ahci_rfis) == 256, "AHCI received FIS area (4.2.1)");
_Static_assert(__builtin_offsetof(struct ahci_rfis, rfis) == 0x40, "received FIS: RFIS");
_Static_assert(__builtin_offsetof(struct ahci_rfis, ufis) == 0x60, "received FIS: UFIS");
#define AHCI_RFIS_ALIGN 256

#endif

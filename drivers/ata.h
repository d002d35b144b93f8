/* drivers/ata.h - the ATA command set as the AHCI driver uses it: the
 * commands, the register FIS that carries them (SATA), and IDENTIFY DEVICE
 * data.  Transport-free and pure (host-tested in tests/unit/test_ata.c).
 * Sections: "ATA/ATAPI Command Set - 3 (ACS-3)" and "Serial ATA Revision
 * 3.x" (FIS layouts). */
#ifndef DRIVERS_ATA_H
#define DRIVERS_ATA_H
#include <stdint.h>

/* Commands (ACS-3 7.x). */
#define ATA_CMD_READ_DMA_EXT    0x25 /* 7.23, 48-bit LBA */
#define ATA_CMD_WRITE_DMA_EXT   0x35 /* 7.58, 48-bit LBA */
#define ATA_CMD_FLUSH_CACHE_EXT 0xea /* 7.11, 48-bit */
#define ATA_CMD_IDENTIFY        0xec /* 7.12, PIO data-in, 512 bytes */

#define ATA_DEV_LBA        (1u << 6)  /* device register: LBA addressing */
#define ATA_LBA48_MAX_COUNT 65536u    /* sectors per EXT command; encoded as 0 */

/* Register FIS, host to device (SATA 3.x 10.5.5). */
#define SATA_FIS_TYPE_REG_H2D 0x27
#define SATA_FIS_H2D_C        0x80    /* flags: C, the command register is updated */
struct sata_fis_h2d {
	uint8_t type;        /* 0x00 SATA_FIS_TYPE_REG_H2D */
	uint8_t flags;       /* 0x01 PM port 3:0, C 7 */
	uint8_t command;     /* 0x02 */
	uint8_t feature_lo;  /* 0x03 */
	uint8_t lba0;        /* 0x04 LBA 7:0 */
	uint8_t lba1;        /* 0x05 LBA 15:8 */
	uint8_t lba2;        /* 0x06 LBA 23:16 */
	uint8_t device;      /* 0x07 */
	uint8_t lba3;        /* 0x08 LBA 31:24 */
	uint8_t lba4;        /* 0x09 LBA 39:32 */
	uint8_t lba5;        /* 0x0a LBA 47:40 */
	uint8_t feature_hi;  /* 0x0b */
	uint8_t count_lo;    /* 0x0c */
	uint8_t count_hi;    /* 0x0d */
	uint8_t icc;         /* 0x0e */
	uint8_t control;     /* 0x0f */
	uint8_t rsvd[4];     /* 0x10 */
};
_Static_assert(sizeof(struct sata_fis_h2d) == 20, "register H2D FIS (SATA 10.5.5)");
_Static_assert(__builtin_offsetof(struct sata_fis_h2d, lba3) == 8, "register H2D FIS: LBA 31:24");
#define SATA_FIS_H2D_DWORDS (sizeof(struct sata_fis_h2d) / 4)

/* IDENTIFY DEVICE data words (ACS-3 7.12.7, table 45). */
#define ATA_ID_WORDS          256
#define ATA_ID_MODEL          27   /* 27-46: model number, 40 ASCII bytes, byte-swapped pairs */
#define ATA_ID_MODEL_LEN      40
#define ATA_ID_CAPABILITY     49   /* bit 9: LBA supported, bit 8: DMA supported */
#define ATA_ID_CMDSET2        83   /* bit 10: 48-bit address feature set; bit 13: FLUSH CACHE EXT */
#define ATA_ID_CMDSET2_ENABLED 86  /* bit 10: 48-bit address feature set enabled */
#define ATA_ID_LBA48_SECTORS  100  /* 100-103: user addressable sectors (48-bit), low word first */
#define ATA_ID_SECTOR_SIZE    106  /* bit 14 set, 15 clear: valid; bit 12: words 117-118 valid */
#define ATA_ID_LOGICAL_SIZE   117  /* 117-118: logical sector size in words, low word first */
#define ATA_ID_CAP_LBA        (1u << 9)
#define ATA_ID_CAP_DMA        (1u << 8)
#define ATA_ID_CMDSET2_LBA48  (1u << 10)
#define ATA_ID_CMDSET2_FLUSH_EXT (1u << 13)
#define ATA_ID_SS_VALID_MASK  (3u << 14)
#define ATA_ID_SS_VALID       (1u << 14)
#define ATA_ID_SS_LONG_LOGICAL (1u << 12)

struct ata_identity {
	uint64_t sectors;       /* user addressable logical sectors */
	uint32_t sector_size;   /* logical sector size in bytes */
	int flush_ext;          /* FLUSH CACHE EXT supported */
	char model[ATA_ID_MODEL_LEN + 1]; /* trailing blanks removed */
};

/* Fill *out from IDENTIFY DEVICE data (little-endian words).  0, or -1 with
 * *why naming what the driver cannot use (no 48-bit LBA, no DMA, odd
 * sector size). */
int ata_identify_parse(const uint16_t w[ATA_ID_WORDS], struct ata_identity *out, const char **why);

/* A register H2D FIS for a 48-bit command: lba, count sectors (1..65536;
 * 65536 is encoded as 0), device register LBA.  IDENTIFY and FLUSH take
 * lba 0 and count 0. */
void ata_fis_command(struct sata_fis_h2d *f, uint8_t command, uint64_t lba, uint32_t count);

#endif

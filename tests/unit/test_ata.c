/* tests/unit/test_ata.c - drivers/ata.c: IDENTIFY DEVICE data (capacity,
 * logical sector size, model string, what the driver refuses) and the
 * register H2D FIS of a 48-bit command. */
#include <stdint.h>

#include "drivers/ata.h"
#include "tests/unit/check.h"

static uint16_t w[ATA_ID_WORDS];

/* A 48-bit DMA disk with FLUSH CACHE EXT, `sectors` of 512 bytes. */
static void disk(uint64_t sectors, const char *model)
{
	memset(w, 0, sizeof(w));
	w[ATA_ID_CAPABILITY] = ATA_ID_CAP_LBA | ATA_ID_CAP_DMA;
	w[ATA_ID_CMDSET2] = ATA_ID_CMDSET2_LBA48 | ATA_ID_CMDSET2_FLUSH_EXT | (1u << 14);
	w[ATA_ID_CMDSET2_ENABLED] = ATA_ID_CMDSET2_LBA48;
	for (int i = 0; i < 4; i++)
		w[ATA_ID_LBA48_SECTORS + i] = (uint16_t)(sectors >> (16 * i));
	char m[ATA_ID_MODEL_LEN];
	memset(m, ' ', sizeof(m));
	memcpy(m, model, strlen(model));
	for (int i = 0; i < ATA_ID_MODEL_LEN / 2; i++) /* first character in the high byte */
		w[ATA_ID_MODEL + i] = (uint16_t)((uint8_t)m[2 * i] << 8 | (uint8_t)m[2 * i + 1]);
}

static void test_identify(void)
{
	struct ata_identity id;
	const char *why = NULL;

	disk(614400, "QEMU HARDDISK");
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_EQ(id.sectors, 614400);
	CHECK_EQ(id.sector_size, 512);
	CHECK_EQ(id.flush_ext, 1);
	CHECK_STR(id.model, "QEMU HARDDISK");

	/* All four words count: a 48-bit capacity beyond 2^32 sectors. */
	disk(0x0000123456789abcull, "WDC WD40EFRX-68N32N0");
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_EQ(id.sectors, 0x123456789abcull);
	CHECK_STR(id.model, "WDC WD40EFRX-68N32N0");

	/* Word 106 valid with bit 12: 4096-byte logical sectors (2048 words). */
	disk(976754646, "4Kn");
	w[ATA_ID_SECTOR_SIZE] = ATA_ID_SS_VALID | ATA_ID_SS_LONG_LOGICAL;
	w[ATA_ID_LOGICAL_SIZE] = 2048;
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_EQ(id.sector_size, 4096);
	/* ... ignored unless word 106 itself is valid (bit 14 set, 15 clear). */
	w[ATA_ID_SECTOR_SIZE] = 0xffff;
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_EQ(id.sector_size, 512);
	/* 512e: bit 12 clear, logical 512 (physical 4096 is not our business). */
	w[ATA_ID_SECTOR_SIZE] = ATA_ID_SS_VALID | (1u << 13) | 3;
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_EQ(id.sector_size, 512);

	/* A 40-character model uses every byte; control characters become '?'. */
	disk(1000, "0123456789012345678901234567890123456789");
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_STR(id.model, "0123456789012345678901234567890123456789");
	w[ATA_ID_MODEL] = 'A' << 8 | 0x07;
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_EQ(id.model[1], '?');

	disk(1000, "x");
	w[ATA_ID_CMDSET2] &= ~ATA_ID_CMDSET2_FLUSH_EXT;
	CHECK_EQ(ata_identify_parse(w, &id, &why), 0);
	CHECK_EQ(id.flush_ext, 0);
}

static void test_refused(void)
{
	struct ata_identity id;
	const char *why = NULL;

	disk(1000, "no lba48");
	w[ATA_ID_CMDSET2_ENABLED] = 0; /* supported but not enabled */
	CHECK_EQ(ata_identify_parse(w, &id, &why), -1);
	CHECK(why && strstr(why, "48-bit"));
	disk(1000, "no dma");
	w[ATA_ID_CAPABILITY] = ATA_ID_CAP_LBA;
	CHECK_EQ(ata_identify_parse(w, &id, &why), -1);
	CHECK(why && strstr(why, "DMA"));
	disk(0, "empty");
	CHECK_EQ(ata_identify_parse(w, &id, &why), -1);
	CHECK(why && strstr(why, "capacity 0"));
	disk(1000, "odd sector");
	w[ATA_ID_SECTOR_SIZE] = ATA_ID_SS_VALID | ATA_ID_SS_LONG_LOGICAL;
	w[ATA_ID_LOGICAL_SIZE] = 260; /* 520 bytes */
	CHECK_EQ(ata_identify_parse(w, &id, &why), -1);
	CHECK(why && strstr(why, "sector size"));
}

static void test_fis(void)
{
	struct sata_fis_h2d f;
	const uint8_t *b = (const uint8_t *)&f;

	ata_fis_command(&f, ATA_CMD_WRITE_DMA_EXT, 0x123456789abcull, 0x1234);
	CHECK_EQ(b[0], 0x27);  /* register H2D */
	CHECK_EQ(b[1], 0x80);  /* C: command register, PM port 0 */
	CHECK_EQ(b[2], 0x35);
	CHECK_EQ(b[4], 0xbc);
	CHECK_EQ(b[5], 0x9a);
	CHECK_EQ(b[6], 0x78);
	CHECK_EQ(b[7], 0x40);  /* device: LBA */
	CHECK_EQ(b[8], 0x56);
	CHECK_EQ(b[9], 0x34);
	CHECK_EQ(b[10], 0x12);
	CHECK_EQ(b[12], 0x34);
	CHECK_EQ(b[13], 0x12);
	CHECK_EQ(b[3] | b[11] | b[14] | b[15] | b[16] | b[17] | b[18] | b[19], 0);

	ata_fis_command(&f, ATA_CMD_READ_DMA_EXT, 0, ATA_LBA48_MAX_COUNT);
	CHECK_EQ(b[2], 0x25);
	CHECK_EQ(b[12], 0);    /* 65536 sectors are encoded as 0 */
	CHECK_EQ(b[13], 0);
	ata_fis_command(&f, ATA_CMD_READ_DMA_EXT, 0, 65535);
	CHECK_EQ(b[12], 0xff);
	CHECK_EQ(b[13], 0xff);

	ata_fis_command(&f, ATA_CMD_IDENTIFY, 0, 0);
	CHECK_EQ(b[2], 0xec);
	CHECK_EQ(b[7], 0);
	ata_fis_command(&f, ATA_CMD_FLUSH_CACHE_EXT, 0, 0);
	CHECK_EQ(b[2], 0xea);
	CHECK_EQ(b[12] | b[13], 0);
}

int main(void)
{
	test_identify();
	test_refused();
	test_fis();
	CHECK_DONE();
}

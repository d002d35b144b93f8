/* drivers/ata.c - see ata.h. */
#include "drivers/ata.h"

int ata_identify_parse(const uint16_t w[ATA_ID_WORDS], struct ata_identity *out, const char **why)
{
	unsigned i, n = 0;
	for (i = 0; i < ATA_ID_MODEL_LEN / 2; i++) {
		out->model[2 * i] = (char)(w[ATA_ID_MODEL + i] >> 8);
		out->model[2 * i + 1] = (char)(w[ATA_ID_MODEL + i] & 0xff);
	}
	for (i = 0; i < ATA_ID_MODEL_LEN; i++)
		if (out->model[i] != ' ' && out->model[i] != '\0')
			n = i + 1;
	out->model[n] = '\0';
	for (i = 0; i < n; i++)
		if (out->model[i] < 0x20 || out->model[i] > 0x7e)
			out->model[i] = '?';

	out->sectors = 0;
	for (i = 0; i < 4; i++)
		out->sectors |= (uint64_t)w[ATA_ID_LBA48_SECTORS + i] << (16 * i);
	out->sector_size = 512;
	uint16_t ss = w[ATA_ID_SECTOR_SIZE];
	if ((ss & ATA_ID_SS_VALID_MASK) == ATA_ID_SS_VALID && (ss & ATA_ID_SS_LONG_LOGICAL))
		out->sector_size = 2 * ((uint32_t)w[ATA_ID_LOGICAL_SIZE] | (uint32_t)w[ATA_ID_LOGICAL_SIZE + 1] << 16);
	out->flush_ext = !!(w[ATA_ID_CMDSET2] & ATA_ID_CMDSET2_FLUSH_EXT);

	if (!(w[ATA_ID_CAPABILITY] & ATA_ID_CAP_LBA) || !(w[ATA_ID_CAPABILITY] & ATA_ID_CAP_DMA)) {
		*why = "no LBA or no DMA (IDENTIFY word 49)";
		return -1;
	}
	if (!(w[ATA_ID_CMDSET2] & ATA_ID_CMDSET2_LBA48) || !(w[ATA_ID_CMDSET2_ENABLED] & ATA_ID_CMDSET2_LBA48)) {
		*why = "no 48-bit LBA (IDENTIFY words 83/86 bit 10)";
		return -1;
	}
	if (!out->sectors) {
		*why = "capacity 0 (IDENTIFY words 100-103)";
		return -1;
	}
	if (out->sector_size < 512 || (out->sector_size & (out->sector_size - 1)) || out->sector_size > 65536) {
		*why = "logical sector size not a power of two in 512..65536 (IDENTIFY words 117-118)";
		return -1;
	}
	return 0;
}

void ata_fis_command(struct sata_fis_h2d *f, uint8_t command, uint64_t lba, uint32_t count)
{
	*f = (struct sata_fis_h2d){
		.type = SATA_FIS_TYPE_REG_H2D,
		.flags = SATA_FIS_H2D_C,
		.command = command,
		.lba0 = (uint8_t)lba,
		.lba1 = (uint8_t)(lba >> 8),
		.lba2 = (uint8_t)(lba >> 16),
		.device = command == ATA_CMD_IDENTIFY ? 0 : ATA_DEV_LBA,
		.lba3 = (uint8_t)(lba >> 24),
		.lba4 = (uint8_t)(lba >> 32),
		.lba5 = (uint8_t)(lba >> 40),
		.count_lo = (uint8_t)count,        /* 65536 -> 0 */
		.count_hi = (uint8_t)(count >> 8),
	};
}

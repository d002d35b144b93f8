/* drivers/ivrs.c - see ivrs.h. */
#include "drivers/ivrs.h"
#include "boot/bytes.h"
#include "drivers/amdvi_regs.h"

#define SDT_OFF_LENGTH 4 /* ACPI system description header: u32 Length */


static int is_ivhd(uint8_t type)
{
	return type == IVHD_TYPE_10H || type == IVHD_TYPE_11H || type == IVHD_TYPE_40H;
}

int ivrs_iter_init(struct ivrs_iter *it, const void *table)
{
	const uint8_t *t = table;
	uint32_t len = get_le32(t + SDT_OFF_LENGTH);
	if (t[0] != 'I' || t[1] != 'V' || t[2] != 'R' || t[3] != 'S' || len < IVRS_OFF_BLOCKS || len > IVRS_MAX_LEN)
		return -1;
	it->table = t;
	it->len = len;
	it->off = IVRS_OFF_BLOCKS;
	return 0;
}

/* Does an IVHD before offset `end` already name this base?  (Blocks before
 * `end` were validated on the way here.) */
static int seen_before(const struct ivrs_iter *it, uint32_t end, uint64_t base)
{
	for (uint32_t off = IVRS_OFF_BLOCKS; off < end; off += get_le16(it->table + off + IVDB_OFF_LENGTH)) {
		const uint8_t *b = it->table + off;
		if (is_ivhd(b[IVDB_OFF_TYPE]) && get_le64(b + IVHD_OFF_BASE) == base)
			return 1;
	}
	return 0;
}

int ivrs_next_iommu(struct ivrs_iter *it, struct ivrs_iommu *out)
{
	while (it->off < it->len) {
		const uint8_t *b = it->table + it->off;
		if (it->len - it->off < IVDB_HDR_LEN)
			return -1;
		uint16_t len = get_le16(b + IVDB_OFF_LENGTH);
		if (len < IVDB_HDR_LEN || len > it->len - it->off)
			return -1;
		if (!is_ivhd(b[IVDB_OFF_TYPE])) {
			it->off += len;
			continue;
		}
		uint64_t base = len >= IVHD_MIN_LEN ? get_le64(b + IVHD_OFF_BASE) : 0;
		if (!base)
			return -1;
		uint32_t here = it->off;
		it->off += len;
		if (seen_before(it, here, base))
			continue;
		out->base = base;
		out->segment = get_le16(b + IVHD_OFF_SEGMENT);
		out->device_id = get_le16(b + IVHD_OFF_DEVICE_ID);
		out->type = b[IVDB_OFF_TYPE];
		return 1;
	}
	return 0;
}

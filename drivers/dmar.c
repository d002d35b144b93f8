/* drivers/dmar.c - see dmar.h.  Offsets after VT-d rev 4.x chapter 8
 * (DMAR 8.1, remapping structure header 8.2, DRHD 8.3) and 11.4.4. */
#include "drivers/dmar.h"
#include "boot/bytes.h"
#include "drivers/vtd_regs.h"

#define SDT_OFF_LENGTH 4 /* ACPI system description header: u32 Length */

/* Tables are read byte-wise: ACPI gives no alignment beyond the byte. */

int dmar_iter_init(struct dmar_iter *it, const void *table)
{
	const uint8_t *t = table;
	uint32_t len = get_le32(t + SDT_OFF_LENGTH);
	if (t[0] != 'D' || t[1] != 'M' || t[2] != 'A' || t[3] != 'R' || len < DMAR_OFF_STRUCTS || len > DMAR_MAX_LEN)
		return -1;
	it->table = t;
	it->len = len;
	it->off = DMAR_OFF_STRUCTS;
	return 0;
}

unsigned dmar_host_address_width(const struct dmar_iter *it) { return it->table[DMAR_OFF_HAW] + 1u; }
unsigned dmar_flags(const struct dmar_iter *it) { return it->table[DMAR_OFF_FLAGS]; }

int dmar_next_drhd(struct dmar_iter *it, struct dmar_drhd *out)
{
	while (it->off < it->len) {
		const uint8_t *s = it->table + it->off;
		if (it->len - it->off < DMAR_STRUCT_HDR_LEN)
			return -1;
		uint16_t type = get_le16(s + DMAR_STRUCT_OFF_TYPE), len = get_le16(s + DMAR_STRUCT_OFF_LENGTH);
		if (len < DMAR_STRUCT_HDR_LEN || len > it->len - it->off)
			return -1;
		if (type != DMAR_TYPE_DRHD) {
			it->off += len;
			continue;
		}
		if (len < DRHD_MIN_LEN)
			return -1;
		uint64_t base = get_le64(s + DRHD_OFF_REG_BASE);
		if (!base || (base & 0xfff))
			return -1;
		out->reg_base = base;
		out->segment = get_le16(s + DRHD_OFF_SEGMENT);
		out->flags = s[DRHD_OFF_FLAGS];
		out->pages_log2 = s[DRHD_OFF_SIZE] & DRHD_SIZE_MASK;
		it->off += len;
		return 1;
	}
	return 0;
}

uint32_t vtd_gcmd_value(uint32_t gsts, uint32_t bit, int on)
{
	uint32_t v = gsts & VTD_GSTS_PERSISTENT;
	return on ? v | bit : v & ~bit;
}

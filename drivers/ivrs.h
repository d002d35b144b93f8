/* drivers/ivrs.h - walking an ACPI IVRS table in memory for its AMD
 * IOMMUs.  Pure: no device access; host-tested in tests/unit/test_ivrs.c.
 * Layouts are in drivers/amdvi_regs.h; drivers/amdvi.c does the registers. */
#ifndef DRIVERS_IVRS_H
#define DRIVERS_IVRS_H
#include <stdint.h>

#define IVRS_MAX_LEN (1u << 20) /* longer is taken as corrupt */

struct ivrs_iommu {
	uint64_t base;      /* MMIO register base */
	uint16_t segment;   /* PCI segment group */
	uint16_t device_id; /* the IOMMU's own bus << 8 | dev << 3 | fn */
	uint8_t  type;      /* IVHD_TYPE_* of the block it came from */
};

struct ivrs_iter {
	const uint8_t *table;
	uint32_t len;
	uint32_t off;
};

/* 0, or -1 when the signature is not "IVRS" or Length is out of range. */
int ivrs_iter_init(struct ivrs_iter *it, const void *table);
/* The next IOMMU: 1 with *out filled, 0 at the end, -1 when the block at
 * it->off is malformed (length below its header or past the table, an
 * IVHD shorter than 24 bytes or with base 0).  Firmware describes one
 * IOMMU in several IVHD types; each base address is returned once (the
 * first block naming it).  IVMD and unknown blocks are skipped. */
int ivrs_next_iommu(struct ivrs_iter *it, struct ivrs_iommu *out);

#endif

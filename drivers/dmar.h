/* drivers/dmar.h - the pure half of VT-d: walking an ACPI DMAR table in
 * memory for its remapping units (DRHD structures), and the rule for the
 * value written to the Global Command register.  No device access, no
 * console: host-tested in tests/unit/test_dmar.c; drivers/vtd.c does the
 * register work.  Layouts are in drivers/vtd_regs.h. */
#ifndef DRIVERS_DMAR_H
#define DRIVERS_DMAR_H
#include <stdint.h>

/* A DMAR table longer than this is taken as corrupt (real ones are a few
 * KiB); the walk never reads past the smaller of the two. */
#define DMAR_MAX_LEN (1u << 20)

/* One remapping unit, from its DRHD (VT-d 8.3). */
struct dmar_drhd {
	uint64_t reg_base;  /* register set, 4 KiB aligned */
	uint16_t segment;   /* PCI segment it serves */
	uint8_t  flags;     /* DRHD_FLAG_* */
	uint8_t  pages_log2; /* register set is 2^pages_log2 4 KiB pages */
};

struct dmar_iter {
	const uint8_t *table;
	uint32_t len;  /* the table's Length field */
	uint32_t off;  /* next remapping structure */
};

/* Start walking the DMAR table at `table`: 0, or -1 when the signature is
 * not "DMAR" or Length is below the fixed part or above DMAR_MAX_LEN. */
int dmar_iter_init(struct dmar_iter *it, const void *table);
/* Host Address Width (bits) and flags (DMAR_FLAG_*) of a table that
 * passed dmar_iter_init. */
unsigned dmar_host_address_width(const struct dmar_iter *it);
unsigned dmar_flags(const struct dmar_iter *it);
/* The next DRHD, skipping other structure types: 1 with *out filled, 0
 * at the end of the table, -1 when the structure at it->off is malformed
 * (length below its header, past the table's end, or a DRHD whose base
 * is 0 or not 4 KiB aligned).  After -1 the walk stays at the bad
 * structure: the table cannot be trusted to list every unit. */
int dmar_next_drhd(struct dmar_iter *it, struct dmar_drhd *out);

/* The value to write to GCMD_REG (VT-d 11.4.4.1) to turn command bit
 * `bit` (one VTD_GCMD_* bit) on or off, given the current GSTS_REG: the
 * persistent bits as GSTS reports them, one-shot bits zero, `bit` set or
 * cleared.  Turning a one-shot command (SRTP, WBF, ...) "on" fires it. */
uint32_t vtd_gcmd_value(uint32_t gsts, uint32_t bit, int on);

#endif

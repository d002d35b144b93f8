/* drivers/ahci_prd.c - see ahci_prd.h. */
#include "drivers/ahci_prd.h"

unsigned ahci_prd_fill(struct ahci_prd *prd, unsigned max, uint64_t phys, uint64_t bytes)
{
	if (!bytes || (phys & 1) || (bytes & 1) || bytes > (uint64_t)max * AHCI_PRD_MAX_BYTES)
		return 0;
	unsigned n = 0;
	while (bytes) {
		uint32_t len = bytes < AHCI_PRD_MAX_BYTES ? (uint32_t)bytes : AHCI_PRD_MAX_BYTES;
		prd[n++] = (struct ahci_prd){
			.dba = (uint32_t)phys,
			.dbau = (uint32_t)(phys >> 32),
			.dbc = AHCI_PRD_DBC(len),
		};
		phys += len;
		bytes -= len;
	}
	return n;
}

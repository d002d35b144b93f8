/* drivers/ahci_prd.h - the PRD table of one AHCI command: a physically
 * contiguous buffer split into entries of at most AHCI_PRD_MAX_BYTES
 * (4 MiB, AHCI 1.3.1 4.2.3.3).  Pure (host-tested in tests/unit/test_ahci_prd.c). */
#ifndef DRIVERS_AHCI_PRD_H
#define DRIVERS_AHCI_PRD_H
#include <stdint.h>
#include "drivers/ahci_regs.h"

/* Describe [phys, phys + bytes) in prd[0..max).  Returns the entries used,
 * or 0 if bytes is 0, phys or bytes is odd (DBA is word aligned, DBC
 * counts even bytes), or more than max entries would be needed.  No
 * entry asks for an interrupt: the driver polls. */
unsigned ahci_prd_fill(struct ahci_prd *prd, unsigned max, uint64_t phys, uint64_t bytes);

#endif

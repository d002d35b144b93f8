/* drivers/vtd.h - Intel VT-d remapping units, found through the ACPI DMAR
 * table: turn DMA translation off before the payload's first DMA.
 *
 * A crash kexec does not shut the IOMMU down (kexec-abi.md 2.1): with
 * `intel_iommu=on` every unit still translates through the crashed
 * kernel's tables, where our buffers are not mapped.  See docs/iommu.md. */
#ifndef DRIVERS_VTD_H
#define DRIVERS_VTD_H
#include <stdint.h>

/* Every unit the DMAR table of this RSDP lists: translation off (GCMD.TE
 * cleared, GSTS.TES polled), protected memory regions off; one console line
 * per unit.  CC_OK (also when there is no DMAR table), CC_ERR_IOMMU when a
 * unit's translation could not be confirmed off or the table is malformed,
 * CC_ERR_NO_MEMORY when its registers could not be mapped. */
int vtd_disable_all(uint64_t rsdp);

/* Test only (test=iommu-on): every unit with translation off gets an empty
 * root table and translation ON, so that all DMA is blocked until
 * vtd_disable_all() turns it off again. */
void vtd_test_translation_on(uint64_t rsdp);

#endif

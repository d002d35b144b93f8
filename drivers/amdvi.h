/* drivers/amdvi.h - AMD IOMMUs (AMD-Vi), found through the ACPI IVRS
 * table: turn DMA translation off before the payload's first DMA, as
 * drivers/vtd.h does for Intel.  See docs/iommu.md. */
#ifndef DRIVERS_AMDVI_H
#define DRIVERS_AMDVI_H
#include <stdint.h>

/* Every IOMMU the IVRS table of this RSDP lists: command buffer, logs and
 * then IommuEn off in the IOMMU Control Register, read back; one console
 * line per IOMMU.  CC_OK (also without an IVRS table), CC_ERR_IOMMU when an
 * IOMMU still reads enabled or the table is malformed. */
int amdvi_disable_all(uint64_t rsdp);

/* Test only (test=iommu-on): every IOMMU that is off gets a device table
 * blocking all DMA of bus 0 devices 0-15 and IommuEn on. */
void amdvi_test_translation_on(uint64_t rsdp);

#endif

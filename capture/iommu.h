/* capture/iommu.h - every IOMMU off before the payload's first DMA.
 *
 * A crash kexec leaves Intel VT-d and AMD-Vi translating through the
 * crashed kernel's tables (kexec-abi.md 2.1), where our buffers are not
 * mapped: the target device's DMA would fault or land elsewhere.  Called
 * after paging_init (the units' registers are mapped on demand) and before
 * target_attach.  docs/iommu.md. */
#ifndef CAPTURE_IOMMU_H
#define CAPTURE_IOMMU_H
#include "crashcap/params.h"

/* CC_OK when no IOMMU translates any more (or none was found);
 * CC_ERR_IOMMU when one could not be turned off: the capture must stop. */
int iommu_off(const struct cc_params *p);

#endif

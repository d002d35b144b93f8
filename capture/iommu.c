/* capture/iommu.c - see iommu.h.  The ACPI tables say which IOMMUs exist:
 * DMAR for Intel (drivers/vtd.c), IVRS for AMD (drivers/amdvi.c). */
#include "capture/iommu.h"
#include "boot/console.h"
#include "crashcap/status.h"
#include "drivers/acpi.h"
#include "drivers/amdvi.h"
#include "drivers/vtd.h"

int iommu_off(const struct cc_params *p)
{
	uint64_t rsdp = acpi_find_rsdp(p->rsdp_paddr);
	if (!rsdp) {
		cc_log("no ACPI RSDP: cannot look for an IOMMU (DMAR, IVRS); going on as if there were none");
		return CC_OK;
	}
	if (p->test_flags & CC_TEST_IOMMU_ON) {
		cc_log("test: turning IOMMU translation on, blocking DMA, before turning it off");
		vtd_test_translation_on(rsdp);
		amdvi_test_translation_on(rsdp);
	}
	int st = vtd_disable_all(rsdp);
	int st_amd = amdvi_disable_all(rsdp);
	return st != CC_OK ? st : st_amd;
}

/* drivers/vtd.c - see vtd.h.  Registers after VT-d rev 4.x (D51397)
 * chapter 11; the DMAR walk and the GCMD rule are in drivers/dmar.c.
 *
 * Only translation is turned off.  Interrupt remapping (GSTS.IRES) and
 * queued invalidation (GSTS.QIES) are left as the crashed kernel set them:
 * the payload takes no interrupts, and neither changes where a device's
 * memory reads and writes go.  Writing GCMD keeps them as they are, by the
 * one-write-carries-everything rule (vtd_gcmd_value). */
#include "drivers/vtd.h"
#include "boot/console.h"
#include "boot/format.h"
#include "boot/poll.h"
#include "boot/paging.h"
#include "boot/x86.h"
#include "crashcap/status.h"
#include "drivers/acpi.h"
#include "drivers/dmar.h"
#include "drivers/vtd_regs.h"

/* How long a unit gets to reflect a GCMD or PMEN write in its status
 * (hardware takes microseconds; the spec gives no bound). */
#define VTD_COMMAND_TIMEOUT_MS 1000

/* A 64-bit register as two aligned 32-bit reads, low half first (11.2
 * allows doubleword access to every register). */

/* Write GCMD to turn `bit` on or off and wait until GSTS bit `status`
 * follows.  0, or -1 after saying what was waited for. */
static int gcmd_and_wait(uint64_t r, uint32_t bit, int on, uint32_t status, const char *status_name)
{
	uint32_t cmd = vtd_gcmd_value(mmio_read32(r + VTD_GSTS_REG), bit, on);
	mmio_write32(r + VTD_GCMD_REG, cmd);
	char who[32], what[64];
	cc_snprintf(who, sizeof(who), "vt-d unit at %lx", r);
	cc_snprintf(what, sizeof(what), "GSTS.%s=%d after writing GCMD %08x", status_name, on, cmd);
	return poll_until(&(struct poll){ poll_mmio32, r + VTD_GSTS_REG, status, on ? status : 0, VTD_COMMAND_TIMEOUT_MS,
					  who, what }, 0);
}

/* Protected memory regions block DMA into them whether or not TE is set;
 * a TXT launch leaves them on.  Off, if the unit has them and they are on. */
static int pmr_off(uint64_t r, uint64_t cap)
{
	if (!(cap & (VTD_CAP_PLMR | VTD_CAP_PHMR)) || !(mmio_read32(r + VTD_PMEN_REG) & VTD_PMEN_PRS))
		return 0;
	mmio_write32(r + VTD_PMEN_REG, 0); /* EPM = 0; the other bits are reserved or read-only */
	char who[32];
	cc_snprintf(who, sizeof(who), "vt-d unit at %lx", r);
	if (poll_until(&(struct poll){ poll_mmio32, r + VTD_PMEN_REG, VTD_PMEN_PRS, 0, VTD_COMMAND_TIMEOUT_MS, who,
				       "PMEN.PRS=0 after clearing EPM" }, 0))
		return -1;
	cc_log("vt-d unit at %lx: protected memory regions off", r);
	return 0;
}

/* Map the unit's registers; 0, or -1 when they cannot be used. */
static int map_unit(const struct dmar_drhd *u)
{
	if (paging_map_mmio(u->reg_base, VTD_REG_PAGE))
		return -1;
	if (mmio_read32(u->reg_base + VTD_VER_REG) == 0xffffffff || mmio_read32(u->reg_base + VTD_GSTS_REG) == 0xffffffff) {
		cc_log("vt-d unit at %lx: registers read all ones: nothing answers at the DMAR's address", u->reg_base);
		return -1;
	}
	return 0;
}

static int unit_off(const struct dmar_drhd *u)
{
	uint64_t r = u->reg_base;
	if (map_unit(u))
		return CC_ERR_IOMMU;
	uint32_t ver = mmio_read32(r + VTD_VER_REG), gsts = mmio_read32(r + VTD_GSTS_REG);
	uint64_t cap = mmio_read64_split(r + VTD_CAP_REG);
	int was_on = !!(gsts & VTD_GSTS_TES);
	if (was_on && gcmd_and_wait(r, VTD_GCMD_TE, 0, VTD_GSTS_TES, "TES")) {
		cc_log("vt-d unit at %lx: translation is still on: no DMA through the crashed kernel's tables", r);
		return CC_ERR_IOMMU;
	}
	if (pmr_off(r, cap))
		return CC_ERR_IOMMU;
	cc_log("vt-d unit at %lx: translation off (%s; version %u.%u, segment %u%s)", r,
	       was_on ? "was on, turned off" : "was off", VTD_VER_MAX(ver), VTD_VER_MIN(ver), u->segment,
	       u->flags & DRHD_FLAG_INCLUDE_PCI_ALL ? ", all devices" : "");
	if (gsts & (VTD_GSTS_IRES | VTD_GSTS_QIES))
		cc_log("vt-d unit at %lx: interrupt remapping %s, queued invalidation %s: left so (no effect on DMA)", r,
		       gsts & VTD_GSTS_IRES ? "on" : "off", gsts & VTD_GSTS_QIES ? "on" : "off");
	return CC_OK;
}

/* The DMAR table of this RSDP: 1 and *it ready, 0 when there is none, -1
 * when it is there but unusable (said on the console). */
static int find_dmar(uint64_t rsdp, struct dmar_iter *it, uint64_t *where)
{
	uint64_t t = acpi_find_table(rsdp, "DMAR");
	*where = t;
	if (!t)
		return 0;
	if (dmar_iter_init(it, phys_ptr(t))) {
		cc_log("DMAR table at %lx: bad header (length %u): cannot tell which VT-d units exist", t,
		       *(uint32_t *)phys_ptr(t + 4));
		return -1;
	}
	return 1;
}

int vtd_disable_all(uint64_t rsdp)
{
	struct dmar_iter it;
	uint64_t t;
	int found = find_dmar(rsdp, &it, &t);
	if (found <= 0) {
		if (!found)
			cc_log("no DMAR table: no VT-d");
		return found ? CC_ERR_IOMMU : CC_OK;
	}
	unsigned flags = dmar_flags(&it);
	cc_log("DMAR table at %lx: host address width %u%s", t, dmar_host_address_width(&it),
	       flags & DMAR_FLAG_INTR_REMAP ? ", interrupt remapping supported" : "");
	struct dmar_drhd u;
	unsigned units = 0;
	int st = CC_OK, r;
	while ((r = dmar_next_drhd(&it, &u)) > 0) {
		units++;
		int s = unit_off(&u);
		if (s && st == CC_OK)
			st = s;
	}
	if (r < 0) {
		cc_log("DMAR table at %lx: malformed remapping structure at offset %u: cannot be sure every VT-d unit is off",
		       t, it.off);
		return CC_ERR_IOMMU;
	}
	if (!units)
		cc_log("DMAR table at %lx lists no remapping unit", t);
	return st;
}

/* ---- test only: test=iommu-on -------------------------------------------
 * Not part of a capture.  Puts each unit in the state a crashed kernel with
 * intel_iommu=on leaves it in, except that the tables are ours and empty:
 * a root table with no entry present, so the unit blocks (and logs) every
 * DMA.  The dump can then only succeed if vtd_disable_all() works.  The
 * unit comes from reset with translation never on, so its context cache
 * and IOTLB hold nothing and the invalidations the spec asks for before
 * setting TE (11.4.4.1) have nothing to do. */
static uint8_t test_root_table[4096] __attribute__((aligned(4096))); /* zero: no root entry present */

void vtd_test_translation_on(uint64_t rsdp)
{
	struct dmar_iter it;
	uint64_t t;
	if (find_dmar(rsdp, &it, &t) <= 0) {
		cc_log("test: no usable DMAR table: no VT-d translation to turn on");
		return;
	}
	struct dmar_drhd u;
	while (dmar_next_drhd(&it, &u) > 0) {
		uint64_t r = u.reg_base;
		if (map_unit(&u) || (mmio_read32(r + VTD_GSTS_REG) & VTD_GSTS_TES))
			continue;
		mmio_write64_split(r + VTD_RTADDR_REG, (uint64_t)test_root_table & VTD_RTADDR_RTA_MASK);
		if (gcmd_and_wait(r, VTD_GCMD_SRTP, 1, VTD_GSTS_RTPS, "RTPS") ||
		    gcmd_and_wait(r, VTD_GCMD_TE, 1, VTD_GSTS_TES, "TES"))
			continue;
		cc_log("test: vt-d unit at %lx: translation ON with an empty root table (all DMA blocked)", r);
	}
}

/* drivers/amdvi.c - see amdvi.h.  Registers after AMD IOMMU specification
 * 48882 rev 3.x (drivers/amdvi_regs.h); the IVRS walk is drivers/ivrs.c.
 *
 * Every control bit we change is in the low half of the 64-bit IOMMU
 * Control Register, so it is read and written as one aligned doubleword
 * (the spec allows 4- and 8-byte accesses).  Unlike VT-d there is no status
 * bit for IommuEn: the register is read back.  Interrupt remapping (in the
 * device table) is left alone: it changes no memory access of a device. */
#include "drivers/amdvi.h"
#include "boot/console.h"
#include "boot/format.h"
#include "boot/poll.h"
#include "boot/paging.h"
#include "boot/x86.h"
#include "crashcap/status.h"
#include "drivers/acpi.h"
#include "drivers/amdvi_regs.h"
#include "drivers/ivrs.h"

#define AMDVI_ENGINE_STOP_TIMEOUT_MS 1000 /* CmdBufRun/EventLogRun to clear */

_Static_assert((AMDVI_CTRL_ENGINES | AMDVI_CTRL_IOMMU_EN) >> 32 == 0, "control bits we change are in the low doubleword");

static void say(const struct ivrs_iommu *u, const char *what)
{
	cc_log("AMD IOMMU at %lx (%02x:%02x.%x, segment %u): %s", u->base, u->device_id >> 8, (u->device_id >> 3) & 0x1f,
	       u->device_id & 7, u->segment, what);
}

/* Map the registers; 0, or -1 when they cannot be used. */
static int map_iommu(const struct ivrs_iommu *u)
{
	if (paging_map_mmio(u->base, AMDVI_MMIO_LEN))
		return -1;
	if (mmio_read32(u->base + AMDVI_CONTROL) == 0xffffffff) {
		say(u, "control register reads all ones: nothing answers at the IVRS's address");
		return -1;
	}
	return 0;
}

static int amdvi_unit_off(const struct ivrs_iommu *u)
{
	uint64_t r = u->base;
	if (map_iommu(u))
		return CC_ERR_IOMMU;
	uint32_t ctrl = mmio_read32(r + AMDVI_CONTROL);
	if (!(ctrl & AMDVI_CTRL_IOMMU_EN)) {
		say(u, "translation off (was off)");
		return CC_OK;
	}
	/* 1. The engines that touch memory by themselves, and their interrupts. */
	mmio_write32(r + AMDVI_CONTROL, ctrl & ~(uint32_t)AMDVI_CTRL_ENGINES);
	/* A timeout is harmless to us: the engines only touch the crashed
	 * kernel's buffers.  The line says so, and we go on. */
	char who[32];
	cc_snprintf(who, sizeof(who), "AMD IOMMU at %lx", r);
	uint32_t run = AMDVI_STATUS_CMD_BUF_RUN | AMDVI_STATUS_EVENT_LOG_RUN;
	poll_until(&(struct poll){ poll_mmio32, r + AMDVI_STATUS, run, 0, AMDVI_ENGINE_STOP_TIMEOUT_MS, who,
				   "CmdBufRun=0 and EventLogRun=0 (going on without)" }, 0);
	/* 2. Translation. */
	mmio_write32(r + AMDVI_CONTROL, ctrl & ~(uint32_t)(AMDVI_CTRL_ENGINES | AMDVI_CTRL_IOMMU_EN));
	uint32_t now = mmio_read32(r + AMDVI_CONTROL);
	if (now & AMDVI_CTRL_IOMMU_EN) {
		cc_log("AMD IOMMU at %lx: IommuEn still reads 1 after writing 0 (control %08x): translation is still on: "
		       "no DMA through the crashed kernel's tables", r, now);
		return CC_ERR_IOMMU;
	}
	say(u, "translation off (was on, turned off)");
	return CC_OK;
}

/* The IVRS table: 1 and *it ready, 0 when there is none, -1 when unusable. */
static int find_ivrs(uint64_t rsdp, struct ivrs_iter *it, uint64_t *where)
{
	uint64_t t = acpi_find_table(rsdp, "IVRS");
	*where = t;
	if (!t)
		return 0;
	if (ivrs_iter_init(it, phys_ptr(t))) {
		cc_log("IVRS table at %lx: bad header (length %u): cannot tell which AMD IOMMUs exist", t,
		       *(uint32_t *)phys_ptr(t + 4));
		return -1;
	}
	return 1;
}

int amdvi_disable_all(uint64_t rsdp)
{
	struct ivrs_iter it;
	uint64_t t;
	int found = find_ivrs(rsdp, &it, &t);
	if (found <= 0)
		return found ? CC_ERR_IOMMU : CC_OK; /* no IVRS: no AMD IOMMU, nothing to say on Intel machines */
	cc_log("IVRS table at %lx", t);
	struct ivrs_iommu u;
	unsigned n = 0;
	int st = CC_OK, r;
	while ((r = ivrs_next_iommu(&it, &u)) > 0) {
		n++;
		int s = amdvi_unit_off(&u);
		if (s && st == CC_OK)
			st = s;
	}
	if (r < 0) {
		cc_log("IVRS table at %lx: malformed block at offset %u: cannot be sure every AMD IOMMU is off", t, it.off);
		return CC_ERR_IOMMU;
	}
	if (!n)
		cc_log("IVRS table at %lx lists no IOMMU", t);
	return st;
}

/* ---- test only: test=iommu-on -------------------------------------------
 * Not part of a capture.  Each IOMMU that is off gets a one-page device
 * table (requester IDs 0-127: bus 0, devices 0-15) whose entries are valid,
 * translation valid, with neither read nor write permission (IR = IW = 0):
 * every DMA of those devices is refused until amdvi_disable_all() turns
 * the IOMMU off.  Mode 1 rather than 0, because QEMU's model passes a mode
 * 0 entry through whatever IR/IW say; the page-table root is never reached
 * (the permission check on the entry comes first) and is left 0. */
static uint64_t test_dev_table[4096 / 8] __attribute__((aligned(4096)));

void amdvi_test_translation_on(uint64_t rsdp)
{
	struct ivrs_iter it;
	uint64_t t;
	if (find_ivrs(rsdp, &it, &t) <= 0)
		return;
	for (unsigned i = 0; i < sizeof(test_dev_table) / AMDVI_DTE_BYTES; i++)
		test_dev_table[i * (AMDVI_DTE_BYTES / 8)] = AMDVI_DTE_V | AMDVI_DTE_TV | (1ull << AMDVI_DTE_MODE_SHIFT);
	barrier();
	struct ivrs_iommu u;
	while (ivrs_next_iommu(&it, &u) > 0) {
		uint64_t r = u.base;
		if (map_iommu(&u) || (mmio_read32(r + AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN))
			continue;
		/* Size 0: one 4 KiB page of entries. */
		mmio_write64_split(r + AMDVI_DEV_TABLE_BASE, (uint64_t)test_dev_table & AMDVI_DEVTAB_BASE_MASK);
		mmio_write32(r + AMDVI_CONTROL, mmio_read32(r + AMDVI_CONTROL) | (uint32_t)AMDVI_CTRL_IOMMU_EN);
		if (mmio_read32(r + AMDVI_CONTROL) & AMDVI_CTRL_IOMMU_EN)
			say(&u, "test: translation ON, bus 0 devices 0-15 blocked");
	}
}

/* boot/lapic.c - see lapic.h. */
#include "boot/lapic.h"
#include "boot/paging.h"
#include "boot/poll.h"
#include "boot/x86.h"

#define MSR_IA32_APIC_BASE  0x1b
#define APIC_BASE_EXTD      (1ull << 10) /* x2APIC mode */
#define APIC_BASE_EN        (1ull << 11) /* APIC global enable */
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ull

/* xAPIC registers: offsets from the base (SDM table 11-1). */
#define APIC_ID             0x020 /* bits 31:24 the ID */
#define APIC_SVR            0x0f0 /* spurious interrupt vector register */
#define APIC_ICR_LO         0x300
#define APIC_ICR_HI         0x310 /* bits 31:24 the destination */
#define APIC_REGS_BYTES     0x1000

/* x2APIC MSRs (SDM table 11-6): 0x800 + xAPIC offset / 16. */
#define MSR_X2APIC_ID       0x802
#define MSR_X2APIC_SVR      0x80f
#define MSR_X2APIC_ICR      0x830 /* bits 63:32 the destination */

#define SVR_APIC_ENABLE     (1u << 8)  /* APIC software enable */
#define SVR_VECTOR_SPURIOUS 0xffu
/* ICR low word (SDM figure 11-12). */
#define ICR_DM_NMI          (4u << 8)  /* delivery mode NMI */
#define ICR_DM_INIT         (5u << 8)  /* delivery mode INIT */
#define ICR_DM_STARTUP      (6u << 8)  /* delivery mode Start Up */
#define ICR_DELIVERY_STATUS (1u << 12) /* xAPIC: send pending */
#define ICR_LEVEL_ASSERT    (1u << 14)
#define ICR_TRIGGER_LEVEL   (1u << 15)
#define XAPIC_MAX_ID        0xfe       /* 0xff is the broadcast destination */

static uint64_t base;  /* xAPIC register base; 0 in x2APIC mode */
static int x2apic;

int lapic_init(const char **why)
{
	uint64_t b = rdmsr(MSR_IA32_APIC_BASE);
	if (!(b & APIC_BASE_EN)) {
		*why = "the local APIC is globally disabled (IA32_APIC_BASE.EN = 0)";
		return -1;
	}
	x2apic = (b & APIC_BASE_EXTD) != 0;
	if (x2apic) {
		uint64_t svr = rdmsr(MSR_X2APIC_SVR);
		if (!(svr & SVR_APIC_ENABLE))
			wrmsr(MSR_X2APIC_SVR, SVR_APIC_ENABLE | SVR_VECTOR_SPURIOUS);
		return 0;
	}
	uint64_t a = b & APIC_BASE_ADDR_MASK;
	if (paging_map_mmio(a, APIC_REGS_BYTES)) {
		*why = "the local APIC's registers could not be mapped";
		return -1;
	}
	base = a;
	uint32_t svr = mmio_read32(base + APIC_SVR);
	if (!(svr & SVR_APIC_ENABLE))
		mmio_write32(base + APIC_SVR, SVR_APIC_ENABLE | SVR_VECTOR_SPURIOUS);
	return 0;
}

int lapic_is_x2apic(void) { return x2apic; }

uint32_t lapic_id(void)
{
	if (x2apic)
		return (uint32_t)rdmsr(MSR_X2APIC_ID);
	return mmio_read32(base + APIC_ID) >> 24;
}

static int send(uint32_t apic_id, uint32_t icr_lo)
{
	if (x2apic) { /* a WRMSR sends; there is no delivery status */
		wrmsr(MSR_X2APIC_ICR, (uint64_t)apic_id << 32 | icr_lo);
		return 0;
	}
	if (apic_id > XAPIC_MAX_ID)
		return -1;
	mmio_write32(base + APIC_ICR_HI, apic_id << 24);
	mmio_write32(base + APIC_ICR_LO, icr_lo);
	struct poll p = { poll_mmio32, base + APIC_ICR_LO, ICR_DELIVERY_STATUS, 0, 10, "local APIC",
			  "ICR delivery status idle (IPI sent)" };
	return poll_until(&p, 0);
}

int lapic_send_init(uint32_t apic_id)
{
	if (send(apic_id, ICR_DM_INIT | ICR_TRIGGER_LEVEL | ICR_LEVEL_ASSERT))
		return -1;
	return send(apic_id, ICR_DM_INIT | ICR_TRIGGER_LEVEL); /* de-assert */
}

int lapic_send_startup(uint32_t apic_id, uint8_t vector)
{
	return send(apic_id, ICR_DM_STARTUP | vector);
}

int lapic_send_nmi(uint32_t apic_id)
{
	return send(apic_id, ICR_DM_NMI);
}

/* boot/smp.c - see smp.h.  The sequence is the SDM's MP initialization
 * (vol. 3A 9.4.4.1): INIT, 10 ms, STARTUP, 200 us, STARTUP; helpers that
 * already run ignore the second STARTUP. */
#include "boot/smp.h"
#include "boot/console.h"
#include "boot/cpu.h"
#include "boot/lapic.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "boot/x86.h"

#define INIT_TO_STARTUP_US    10000
#define STARTUP_TO_STARTUP_US 200
#define CHECK_IN_MS           200   /* a helper runs entry within this after its STARTUP */
#define LOW_MEMORY_END        0x100000ull
#define PAGE                  4096ull
#define MSR_GS_BASE           0xc0000101 /* a helper's is 1 + its ticket; main's 0 (head.asm loads GS) */

extern const uint8_t ap_tramp_start[], ap_tramp_end[];
extern const uint8_t nap_window[], nap_hlt[], nap_out[]; /* boot/nap.asm */

static volatile uint32_t checked_in;
static int started;
static uint32_t main_apic_id;
static void (*helper_entry)(unsigned ticket);
static uint32_t helper_apic_id[SMP_MAX_HELPERS];

static void put32(uint8_t *page, unsigned off, uint32_t v) { memcpy(page + off, &v, 4); }
static void put64(uint8_t *page, unsigned off, uint64_t v) { memcpy(page + off, &v, 8); }
static uint32_t get32(const uint8_t *page, unsigned off) { uint32_t v; memcpy(&v, page + off, 4); return v; }

/* Every helper comes here from boot/aptramp.asm on its own stack. */
static void __attribute__((noreturn)) helper_main(unsigned ticket)
{
	wrmsr(MSR_GS_BASE, 1 + (uint64_t)ticket);
	idt_init_here();
	helper_apic_id[ticket] = lapic_id();
	__atomic_add_fetch(&checked_in, 1, __ATOMIC_RELEASE);
	helper_entry(ticket);
	cli_hlt_forever();
}

void smp_wake(unsigned ticket)
{
	if (ticket < SMP_MAX_HELPERS)
		lapic_send_nmi(helper_apic_id[ticket]);
}

void smp_nmi(uint64_t *rip)
{
	if (*rip >= (uint64_t)(uintptr_t)nap_window && *rip <= (uint64_t)(uintptr_t)nap_hlt)
		*rip = (uint64_t)(uintptr_t)nap_out;
}

int smp_on_helper(void)
{
	/* no APIC read: an MMIO access would take the hypervisor's (or QEMU's
	 * global) lock on every NMI wake-up */
	return started && rdmsr(MSR_GS_BASE) != 0;
}

unsigned smp_start(const struct cc_cpus *cpus, const struct smp_plan *plan)
{
	const char *why;
	uint64_t cr3 = read_cr3();
	if (!cpus->nr || !plan->max)
		return 0;
	if (plan->tramp & (PAGE - 1) || plan->tramp >= LOW_MEMORY_END || plan->tramp < PAGE) {
		cc_log("helper CPUs: start page %lx is not a page below 1 MiB; none started", plan->tramp);
		return 0;
	}
	if (cr3 >> 32) {
		cc_log("helper CPUs: our page tables at %lx are above 4 GiB, out of a starting CPU's reach; none started",
		       cr3);
		return 0;
	}
	if (lapic_init(&why)) {
		cc_log("helper CPUs: %s; none started", why);
		return 0;
	}
	main_apic_id = lapic_id();

	uint8_t *page = phys_ptr(plan->tramp);
	memcpy(page, ap_tramp_start, APT_BYTES);
	put32(page, APT_OFF_FAR32, get32(page, APT_OFF_FAR32) + (uint32_t)plan->tramp);
	put32(page, APT_OFF_FAR64, get32(page, APT_OFF_FAR64) + (uint32_t)plan->tramp);
	put32(page, APT_OFF_GDTR + 2, get32(page, APT_OFF_GDTR + 2) + (uint32_t)plan->tramp);
	put32(page, APT_OFF_CR3, (uint32_t)cr3);
	put32(page, APT_OFF_TICKET, 0);
	put64(page, APT_OFF_ENTRY, (uint64_t)(uintptr_t)helper_main);
	for (unsigned i = 0; i < SMP_MAX_HELPERS; i++)
		put64(page, APT_OFF_STACKS + 8 * i, plan->stack_top[i]);
	helper_entry = plan->entry;
	checked_in = 0;
	started = 1;
	barrier();

	/* Whom: every CPU on the list but the boot CPU and this one. */
	uint32_t to[SMP_MAX_HELPERS];
	unsigned n = 0;
	for (uint32_t i = 0; i < cpus->nr && i < CC_MAX_CPUS && n < plan->max; i++) {
		uint32_t id = cpus->apic_id[i];
		if (id == cpus->boot_apic_id || id == main_apic_id)
			continue;
		if (lapic_send_init(id)) {
			cc_log("helper CPUs: INIT to APIC %u not sent; starting no more", id);
			break;
		}
		to[n++] = id;
	}
	if (!n) {
		cc_log("helper CPUs: none to start (this is APIC %u, the boot CPU APIC %u, %u CPUs listed)", main_apic_id,
		       cpus->boot_apic_id, cpus->nr);
		return 0;
	}
	udelay(INIT_TO_STARTUP_US);
	uint8_t vector = (uint8_t)(plan->tramp >> 12);
	for (int round = 0; round < 2; round++) {
		for (unsigned i = 0; i < n; i++)
			if (lapic_send_startup(to[i], vector))
				cc_log("helper CPUs: STARTUP to APIC %u not sent", to[i]);
		udelay(STARTUP_TO_STARTUP_US);
	}
	struct deadline d = deadline_ms(CHECK_IN_MS);
	while (__atomic_load_n(&checked_in, __ATOMIC_ACQUIRE) < n && !deadline_passed(&d))
		cpu_pause();
	unsigned got = __atomic_load_n(&checked_in, __ATOMIC_ACQUIRE);
	if (got < n)
		cc_log("helper CPUs: %u of %u started within %u ms (%s APIC)", got, n, CHECK_IN_MS,
		       lapic_is_x2apic() ? "x2" : "x");
	else
		cc_log("helper CPUs: %u started (%s APIC, this CPU APIC %u, start page %lx)", got,
		       lapic_is_x2apic() ? "x2" : "x", main_apic_id, plan->tramp);
	return got;
}

/* capture/main.c - the capture payload, from entry to the final action.
 *
 * boot/head.asm gets here on our own GDT and stack with SSE enabled, from
 * either entry: params != 0 (kexec hand-over: the loader filled the block)
 * or mbi != 0 (direct boot: we fill the block from multiboot).  After that
 * both paths run the same steps, each announced by one console line. */
#include "capture/action.h"
#include "boot/console.h"
#include "boot/cpu.h"
#include "capture/dump.h"
#include "capture/iommu.h"
#include "capture/mbinfo.h"
#include "boot/paging.h"
#include "capture/ranges.h"
#include "capture/target.h"
#include "drivers/pci.h"
#include "boot/timer.h"
#include "crashcap/params.h"
#include "crashcap/status.h"

/* The exception report's last step.  A static function: its address is
 * taken RIP-relative (an extern one would go through the GOT, which the
 * static link turns into an absolute address). */
static void exception_ends_capture(uint32_t status) { cc_finish(status); }

void cc_main(struct cc_params *params, uint32_t mbi) __attribute__((noreturn));

static struct cc_params direct_params; /* the block, on the direct-boot path */

static void stop(uint32_t status) __attribute__((noreturn));
static void stop(uint32_t status) { cc_finish(status); }

/* Is this a parameter block of ours at all?  Nothing else in it is
 * trusted, not even the failure action, until this holds. */
static int check_header(const struct cc_params *p)
{
	if (p->magic != CC_PARAMS_MAGIC || p->version != CC_PARAMS_VERSION || p->size != sizeof(*p)) {
		cc_log("parameter block at %p: magic %lx version %u size %u, expected %lx version %u size %u",
		       (const void *)p, p->magic, p->version, p->size, (unsigned long)CC_PARAMS_MAGIC, CC_PARAMS_VERSION,
		       (unsigned)sizeof(*p));
		return CC_ERR_PARAMS;
	}
	if (p->action_ok > CC_ACTION_HALT || p->action_fail > CC_ACTION_HALT) {
		cc_log("parameter block: final actions %u/%u unknown", p->action_ok, p->action_fail);
		return CC_ERR_PARAMS;
	}
	return CC_OK;
}

#define PAGE_MASK 4095ull

/* The contents: limits, page alignment (the ELF layout and the sink rely
 * on whole pages), and that we run inside the region we may write. */
static int check_contents(const struct cc_params *p)
{
	if (p->nr_ranges > CC_MAX_RANGES || p->nr_note_bufs > CC_MAX_NOTE_BUFS) {
		cc_log("parameter block: %u ranges, %u note buffers: over the limits %u, %u",
		       p->nr_ranges, p->nr_note_bufs, CC_MAX_RANGES, CC_MAX_NOTE_BUFS);
		return CC_ERR_PARAMS;
	}
	if (p->options & ~CC_OPT_KEEP_ZEROS) {
		cc_log("parameter block: options %x unknown", p->options & ~CC_OPT_KEEP_ZEROS);
		return CC_ERR_PARAMS;
	}
	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		const struct cc_mem_range *r = &p->ranges[i];
		if ((r->paddr | r->size | r->src) & PAGE_MASK || !r->size) {
			cc_log("parameter block: range %u (%lx+%lx from %lx) is not whole pages", i, r->paddr, r->size, r->src);
			return CC_ERR_PARAMS;
		}
	}
	uint64_t base = image_base(), end = base + image_mem_size();
	if (base < p->region_start || end - p->region_start > p->region_size) {
		cc_log("parameter block: the payload (%lx-%lx) is outside its region %lx+%lx", base, end,
		       p->region_start, p->region_size);
		return CC_ERR_PARAMS;
	}
	return CC_OK;
}

void cc_main(struct cc_params *params, uint32_t mbi)
{
	struct cc_params *p = params ? params : &direct_params;
	console_init(params && params->magic == CC_PARAMS_MAGIC ? params->serial_port : 0);
	idt_init();
	cpu_set_fatal(exception_ends_capture);
	cc_log("crashcap payload at %lx, %lu KiB in memory, entered by %s", image_base(), image_mem_size() >> 10,
	       params ? "purgatory" : "multiboot");
	uint64_t hz = timer_init();
	if (hz)
		cc_log("clock: TSC %lu MHz (PIT calibrated)", hz / 1000000);
	else
		cc_log("clock: no plausible PIT calibration; assuming an 8 GHz TSC, so deadlines last longer, never shorter");

	if (!params) {
		char err[128];
		if (mbinfo_to_params(mbi, p, err, sizeof(err))) {
			action_configure(p->action_ok, p->action_fail, p->debug_exit_port, 0);
			cc_log("command line: %s", err);
			stop(CC_ERR_PARAMS);
		}
	}
	int st = check_header(p);
	if (st)
		stop((uint32_t)st); /* with the default action: reboot */
	action_configure(p->action_ok, p->action_fail, p->debug_exit_port, p->rsdp_paddr);
	st = check_contents(p);
	if (st)
		stop((uint32_t)st);
	if (p->serial_port)
		console_init(p->serial_port);
	cc_log("%u RAM ranges, %lu MiB to dump; region %lx+%lx", p->nr_ranges, ranges_total(p) >> 20,
	       p->region_start, p->region_size);
	if (p->test_flags & CC_TEST_EXCEPTION) {
		cc_log("test: raising #UD");
		asm volatile("ud2");
	}

	st = paging_init(p);
	if (st)
		stop((uint32_t)st);
	pci_enumerate();
	unsigned stopped = pci_stop_bus_masters();
	cc_log("bus mastering off on %u PCI functions (the target's comes back after its reset)", stopped);
	st = iommu_off(p); /* before any DMA: the crashed kernel left it translating */
	if (st)
		stop((uint32_t)st);

	struct blkdev bd;
	st = target_attach(p, &bd);
	if (st)
		stop((uint32_t)st);

	st = dump_run(p, &bd);
	cc_finish((uint32_t)st);
}

/* capture/main.c - the capture payload, from entry to the final action.
 *
 * boot/head.asm gets here on our own GDT and stack with SSE enabled, from
 * one of three entries: params != 0 (kexec_load hand-over: the loader
 * filled the block), mbi != 0 (direct boot: we fill the block from
 * multiboot), or bp != 0 (kexec_file: the block is the initrd, the RAM
 * ranges and notes come from the kernel's ELF header).  After that all
 * paths run the same steps, each announced by one console line. */
#include "capture/action.h"
#include "boot/console.h"
#include "boot/cpu.h"
#include "boot/string.h"
#include "capture/bzboot.h"
#include "capture/elf.h"
#include "capture/helpers.h"
#include "capture/lowmem.h"
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

void cc_main(struct cc_params *params, uint32_t mbi, uint64_t bp) __attribute__((noreturn));

static struct cc_params direct_params; /* the block, on the direct-boot and kexec_file paths */
static struct bz_boot bz;              /* what boot_params said (kexec_file path) */
static char bz_cmdline[CC_BZ_CMDLINE_SIZE + 1];

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
	if (p->cpus.nr > CC_MAX_CPUS) {
		cc_log("parameter block: %u CPUs: over the limit %u", p->cpus.nr, CC_MAX_CPUS);
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

/* Is [a, a + len) inside [lo, lo + size)?  Without wrapping. */
static int inside(uint64_t a, uint64_t len, uint64_t lo, uint64_t size)
{
	return a >= lo && a - lo <= size && len <= size - (a - lo);
}

/* kexec_file path, first half: boot_params, and the parameter block in
 * the initrd, copied into p.  Both lie in the crash kernel's RAM (e820
 * entries at or above 1 MiB: the crash region without the ELF header);
 * nothing is read before its whole extent is known to be there. */
static int bz_find_params(uint64_t bp, struct cc_params *p)
{
	char err[192];
	if (bp & 15 || bp < BZ_LOW_LIMIT || bp > UINT64_MAX - BP_SIZE) {
		cc_log("boot_params at %lx: not a 16-byte aligned address above 1 MiB", bp);
		return CC_ERR_PARAMS;
	}
	if (bzboot_read((const uint8_t *)(uintptr_t)bp, &bz, err, sizeof(err))) {
		cc_log("%s", err);
		return CC_ERR_PARAMS;
	}
	if (bzboot_ram_room(&bz, bp) < BP_SIZE) {
		cc_log("boot_params at %lx: not inside the RAM its own e820 table gives the crash kernel", bp);
		return CC_ERR_PARAMS;
	}
	if (bz.initrd_size != sizeof(*p) || bzboot_ram_room(&bz, bz.initrd) < sizeof(*p)) {
		cc_log("initrd at %lx, %lu bytes: not a parameter block of %u bytes inside the crash kernel's RAM "
		       "(loaded by crashcap load?)", bz.initrd, bz.initrd_size, (unsigned)sizeof(*p));
		return CC_ERR_PARAMS;
	}
	memcpy(p, (const void *)(uintptr_t)bz.initrd, sizeof(*p));
	return CC_OK;
}

/* kexec_file path, second half (the block's header and region checked):
 * the RAM ranges, CPU notes and VMCOREINFO from the ELF core header the
 * kernel built, found by elfcorehdr= on the command line.  Then the
 * region narrows to the payload itself: we write nowhere else. */
static int bz_take_ranges(uint64_t bp, struct cc_params *p)
{
	char err[192];
	uint64_t hdr, rs = p->region_start, rsz = p->region_size;
	if (p->nr_ranges || p->nr_note_bufs || p->vmcoreinfo_paddr) {
		cc_log("parameter block: %u ranges, %u note buffers, VMCOREINFO %lx: on the kexec_file path these "
		       "come from the kernel's ELF header only", p->nr_ranges, p->nr_note_bufs, p->vmcoreinfo_paddr);
		return CC_ERR_PARAMS;
	}
	if (!inside(bp, BP_SIZE, rs, rsz) || !inside(bz.initrd, bz.initrd_size, rs, rsz)) {
		cc_log("boot_params at %lx or the initrd at %lx lie outside the crash region %lx+%lx", bp, bz.initrd,
		       rs, rsz);
		return CC_ERR_PARAMS;
	}
	uint64_t room = bzboot_ram_room(&bz, bz.cmdline);
	if (!room || !inside(bz.cmdline, 1, rs, rsz)) {
		cc_log("command line at %lx: outside the crash region and the crash kernel's RAM", bz.cmdline);
		return CC_ERR_PARAMS;
	}
	size_t n = room < sizeof(bz_cmdline) ? (size_t)room : sizeof(bz_cmdline);
	memcpy(bz_cmdline, (const void *)(uintptr_t)bz.cmdline, n);
	if (bzboot_elfcorehdr_arg(bz_cmdline, n, &hdr, err, sizeof(err))) {
		cc_log("%s", err);
		return CC_ERR_PARAMS;
	}
	if (!inside(hdr, sizeof(Elf64_Ehdr), rs, rsz)) {
		cc_log("elfcorehdr=%lx: outside the crash region %lx+%lx", hdr, rs, rsz);
		return CC_ERR_PARAMS;
	}
	uint32_t dropped;
	if (bzboot_elfcorehdr((const uint8_t *)(uintptr_t)hdr, rs + rsz - hdr, &bz, p, &dropped, err, sizeof(err))) {
		cc_log("%s", err);
		return CC_ERR_PARAMS;
	}
	if (dropped)
		cc_log("%u CPU note buffers beyond the payload's %u: their registers will be missing", dropped,
		       CC_MAX_NOTE_BUFS);
	if (ranges_remove(p, rs, rs + rsz) < 0) { /* never dump the crash region, whatever the header says */
		cc_log("ELF core header: more separate RAM ranges than the payload can dump (%u)", CC_MAX_RANGES);
		return CC_ERR_PARAMS;
	}
	if (!p->rsdp_paddr)
		p->rsdp_paddr = bz.rsdp;
	cc_log("kexec_file: parameter block from the initrd at %lx, ELF core header at %lx: %u ranges, %u CPU notes, "
	       "VMCOREINFO %lx+%lu; RAM below 1 MiB read where it is", bz.initrd, hdr, p->nr_ranges, p->nr_note_bufs,
	       p->vmcoreinfo_paddr, p->vmcoreinfo_size);
	p->region_start = image_base();
	p->region_size = image_mem_size();
	return CC_OK;
}

void cc_main(struct cc_params *params, uint32_t mbi, uint64_t bp)
{
	struct cc_params *p = params ? params : &direct_params;
	console_init(params && params->magic == CC_PARAMS_MAGIC ? params->serial_port : 0);
	idt_init();
	cpu_set_fatal(exception_ends_capture);
	cc_log("crashcap payload at %lx, %lu KiB in memory, entered by %s", image_base(), image_mem_size() >> 10,
	       params ? "purgatory" : bp ? "kexec_file" : "multiboot");
	uint64_t hz = timer_init();
	if (hz)
		cc_log("clock: TSC %lu MHz (PIT calibrated)", hz / 1000000);
	else
		cc_log("clock: no plausible PIT calibration; assuming an 8 GHz TSC, so deadlines last longer, never shorter");

	if (bp) {
		int bst = bz_find_params(bp, p);
		if (bst)
			stop((uint32_t)bst); /* with the default action: reboot */
	} else if (!params) {
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
	if (!st && bp) {
		st = bz_take_ranges(bp, p);
		if (!st)
			st = check_contents(p);
	}
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

	/* The framed stream (any level or compression but level 0 stored) may
	 * use the purgatory's copy of low RAM: first a larger output ring,
	 * then helper CPUs that pack LZ4 blocks (smp.md). */
	unsigned helpers = 0;
	if ((p->dump_level || p->compress != CC_COMPRESS_NONE) && lowmem_init(p)) {
		void *ring = lowmem_take((uint64_t)DUMP_RING_BUFS * DUMP_RING_BYTES);
		if (ring) {
			dump_use_ring(ring, DUMP_RING_BUFS, DUMP_RING_BYTES);
			cc_log("output ring: %u x %u KiB in the purgatory's copy of low RAM", DUMP_RING_BUFS,
			       DUMP_RING_BYTES >> 10);
		}
		if (p->compress == CC_COMPRESS_LZ4)
			helpers = helpers_start(p);
	}
	st = dump_run(p, &bd);
	helpers_stop(helpers);
	cc_finish((uint32_t)st);
}

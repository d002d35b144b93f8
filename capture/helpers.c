/* capture/helpers.c - see helpers.h. */
#include "capture/helpers.h"
#include "boot/console.h"
#include "boot/smp.h"
#include "boot/x86.h"
#include "capture/packq.h"

#define PAGE             4096ull
#define LOW_RAM_END      0xa0000ull  /* conventional memory ends at 640 KiB */
#define HELPER_STACK     (8u * 1024) /* lz4's compressor needs well under 1 KiB */

/* The backed-up RAM below 640 KiB: a range whose bytes are dumped from
 * the purgatory's copy (src != paddr).  0 when there is none. */
static uint64_t low_window(const struct cc_params *p, uint64_t *end)
{
	for (uint32_t i = 0; i < p->nr_ranges; i++) {
		const struct cc_mem_range *r = &p->ranges[i];
		if (r->src == r->paddr || r->paddr >= LOW_RAM_END || !r->paddr)
			continue;
		*end = r->paddr + r->size < LOW_RAM_END ? r->paddr + r->size : LOW_RAM_END;
		return r->paddr;
	}
	return 0;
}

static void __attribute__((noreturn)) helper(unsigned ticket)
{
	lz4f_helper(ticket);
	cli_hlt_forever();
}

unsigned helpers_start(const struct cc_params *p)
{
	if (p->cpus.nr < 2)
		return 0;
	uint64_t end, lo = low_window(p, &end);
	unsigned want = p->cpus.nr - 1 < SMP_MAX_HELPERS ? p->cpus.nr - 1 : SMP_MAX_HELPERS;
	if (!lo || end - lo < PAGE + want * HELPER_STACK) {
		cc_log("helper CPUs: no backed-up RAM below 640 KiB to run them in; packing on this CPU alone");
		return 0;
	}
	struct smp_plan plan = { .tramp = lo, .max = want, .entry = helper };
	uint64_t at = lo + PAGE;
	for (unsigned i = 0; i < want; i++) {
		at += HELPER_STACK;
		plan.stack_top[i] = at;
	}
	if (!lz4f_use_helpers(phys_ptr(at), end - at, want)) {
		cc_log("helper CPUs: %lu KiB below 640 KiB is too little for %u helpers' blocks; packing on this CPU alone",
		       (end - at) >> 10, want);
		return 0;
	}
	unsigned got = smp_start(&p->cpus, &plan);
	struct packq_ops ops = { smp_nap, smp_wake }; /* built at run time: no relocation */
	packq_set_helpers(got, &ops);
	return got;
}

void helpers_stop(unsigned started)
{
	packq_stop();
	if (!started)
		return;
	uint64_t by_main = packq_packed_by(-1), by_helpers = 0;
	for (unsigned t = 0; t < started; t++)
		by_helpers += packq_packed_by((int)t);
	cc_log("LZ4 blocks: %lu packed by %u helper CPUs, %lu by this CPU%s", by_helpers, started, by_main,
	       packq_usable() ? "" : " (helpers given up)");
}

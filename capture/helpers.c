/* capture/helpers.c - see helpers.h. */
#include "capture/helpers.h"
#include "boot/console.h"
#include "boot/smp.h"
#include "boot/x86.h"
#include "capture/lowmem.h"
#include "capture/packq.h"

#define PAGE             4096ull
#define HELPER_STACK     (8u * 1024) /* lz4's compressor needs well under 1 KiB */

static void __attribute__((noreturn)) helper(unsigned ticket)
{
	packq_helper_run(ticket);
	cli_hlt_forever();
}

unsigned helpers_start(const struct cc_params *p)
{
	if (p->cpus.nr < 2)
		return 0;
	unsigned want = p->cpus.nr - 1 < SMP_MAX_HELPERS ? p->cpus.nr - 1 : SMP_MAX_HELPERS;
	uint64_t tramp = (uint64_t)(uintptr_t)lowmem_take(PAGE);
	uint8_t *stacks = lowmem_take((uint64_t)want * HELPER_STACK);
	if (!tramp || !stacks) {
		cc_log("helper CPUs: no room left in the purgatory's copy of low RAM; packing on this CPU alone");
		return 0;
	}
	struct smp_plan plan = { .tramp = tramp, .max = want, .entry = helper };
	for (unsigned i = 0; i < want; i++)
		plan.stack_top[i] = (uint64_t)(uintptr_t)(stacks + (i + 1) * HELPER_STACK);
	uint64_t left = lowmem_left();
	void *ring = lowmem_take(left);
	if (!ring || !lz4f_use_helpers(ring, left, want)) {
		cc_log("helper CPUs: %lu KiB left below 640 KiB is too little for %u helpers' blocks; packing on this CPU alone",
		       left >> 10, want);
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

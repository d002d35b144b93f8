/* boot/smp.h - starting the crashed kernel's other CPUs as helpers
 * (docs/smp.md).  The payload's own CPU stays the only one that touches
 * devices and the console; helpers run one function, entry(ticket), on
 * their own stacks, and never return from it. */
#ifndef BOOT_SMP_H
#define BOOT_SMP_H
#include <stdint.h>
#include "boot/aptramp.h"
#include "crashcap/params.h"

#define SMP_MAX_HELPERS APT_MAX_HELPERS

#pragma GCC visibility push(hidden) /* smp_nap, smp_wake are taken by address: RIP-relative, no GOT */

struct smp_plan {
	uint64_t tramp;                         /* a free 4 KiB page below 1 MiB */
	uint64_t stack_top[SMP_MAX_HELPERS];    /* 16-byte aligned, one per helper */
	unsigned max;                           /* helpers wanted, <= SMP_MAX_HELPERS */
	void (*entry)(unsigned ticket);         /* never returns */
};

/* Start up to plan->max of cpus' CPUs, never the boot CPU (an INIT there
 * may reset the machine) nor this one, and wait (bounded) until they run
 * entry.  The number that did (0 is not an error: the payload goes on
 * alone); each step is one console line. */
unsigned smp_start(const struct cc_cpus *cpus, const struct smp_plan *plan);
/* A helper waits here, halted, until smp_wake (or returns at once when
 * *doorbell is set already); interrupts stay off. */
void smp_nap(const volatile uint32_t *doorbell);
/* Ring helper ticket's doorbell first, then call this: an NMI ends its
 * smp_nap. */
void smp_wake(unsigned ticket);
/* The NMI handler on a helper: an NMI between smp_nap's check and its
 * HLT moves the RIP past the HLT, so no wake-up is lost. */
void smp_nmi(uint64_t *rip);
/* Is this CPU a helper?  (The exception report halts a helper instead of
 * ending the capture.) */
int smp_on_helper(void);

#pragma GCC visibility pop
#endif

/* boot/poll.h - the one way the payload waits for a device register.
 *
 * Every wait names what it waits for and is bounded in real time
 * (boot/timer.h: before the TSC is calibrated, deadlines assume 8 GHz, so
 * they last at least as long as asked).  On expiry poll_until says so in
 * one console line and returns -1:
 *
 *   capture: WHO: timeout (MS ms) waiting for WHAT; reads VALUE
 *
 * docs/guarantees.md, "Polls and their bounds", lists every user. */
#ifndef BOOT_POLL_H
#define BOOT_POLL_H
#include <stdint.h>

#pragma GCC visibility push(hidden) /* taken by address: RIP-relative, no GOT */

struct poll {
	/* Reads the register (or computes the condition) from arg.  A
	 * function pointer built on the stack at run time, never in static
	 * data (the image is position independent). */
	uint32_t (*read)(uint64_t arg);
	uint64_t arg;
	uint32_t mask, want;   /* done when (read(arg) & mask) == want */
	uint32_t ms;           /* the bound */
	const char *who;       /* "ahci 00:1f.2 p0" (poll_until's line) */
	const char *what;      /* "PxCMD.CR=0 (command list stopped)" */
};

/* 0 once the condition holds, -1 after the bound and the line.  *last,
 * if not 0, gets the last value read. */
int poll_until(const struct poll *p, uint32_t *last);
/* The same without the line, for the few waits that say something else
 * on expiry or cannot print: the UART (it is the console), AHCI's link
 * (no link is "no device"), IDENTIFY (a register report), the keyboard
 * controller before a reset (the purgatory has no cc_log). */
int poll_quiet(const struct poll *p, uint32_t *last);

/* Readers for the common cases: arg is the MMIO address or the port. */
uint32_t poll_mmio32(uint64_t addr);
uint32_t poll_port8(uint64_t port);
uint32_t poll_port16(uint64_t port);

#pragma GCC visibility pop

#endif

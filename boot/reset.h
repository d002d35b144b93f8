/* boot/reset.h - the ways to reset a PC, gentlest first, for the payload's
 * and the purgatory's reboot alike.  Each one returns only if the machine
 * is still running after it had time to act; the caller says so and tries
 * the next.  Waits use boot/timer.h (before calibration they assume
 * 8 GHz: longer, never shorter). */
#ifndef BOOT_RESET_H
#define BOOT_RESET_H

/* PCI reset control (0xcf9): a full system reset; waits RESET_SETTLE_MS. */
void reset_by_rst_cnt(void);
/* 8042 keyboard controller: pulse the reset line (command 0xfe), after
 * waiting at most KBC_TIMEOUT_MS for its input buffer (the command is sent
 * anyway); waits RESET_SETTLE_MS. */
void reset_by_kbc(void);
/* An IDT of limit 0 and int3: #DF, then a triple fault, and the chipset
 * resets the CPU.  Returns only if it did not. */
void reset_by_triple_fault(void);

#define RESET_SETTLE_MS 500
#define KBC_TIMEOUT_MS  100

#endif

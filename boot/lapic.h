/* boot/lapic.h - this CPU's local APIC, only as far as starting other
 * CPUs needs it: its mode, its ID, and INIT / STARTUP IPIs.  Names are the
 * Intel SDM's (vol. 3A, chapter 11 "Advanced Programmable Interrupt
 * Controller"; 11.4 the APIC base MSR, 11.6.1 the ICR, 11.12 x2APIC). */
#ifndef BOOT_LAPIC_H
#define BOOT_LAPIC_H
#include <stdint.h>

/* Find the APIC's mode (xAPIC: map its registers; x2APIC: MSRs) and turn
 * on its software enable if the crashed kernel turned it off.  0, or -1
 * with *why set when the APIC is globally disabled or cannot be mapped. */
int lapic_init(const char **why);
int lapic_is_x2apic(void);
/* This CPU's APIC ID (lapic_init first). */
uint32_t lapic_id(void);
/* INIT (assert, then de-assert) to one CPU.  0, or -1 when the ICR did not
 * go idle (the line names the wait). */
int lapic_send_init(uint32_t apic_id);
/* STARTUP with the 4 KiB page at vector << 12 as the entry (CS = vector <<
 * 8, IP = 0).  0 or -1, as lapic_send_init. */
int lapic_send_startup(uint32_t apic_id, uint8_t vector);

/* An NMI to one CPU (a helper's wake-up, boot/smp.c). */
int lapic_send_nmi(uint32_t apic_id);

#endif

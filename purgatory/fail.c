/* purgatory/fail.c - the ways out when the payload must not be started:
 * the failure action (reboot, halt), and the CPU exception handler that
 * leads to it.  The IDT and the reset methods are boot/'s, shared with the
 * payload.  Nothing here spins silently: every path prints first and
 * ends in a reset or in cli; hlt. */
#include "boot/idt.h"
#include "boot/reset.h"
#include "boot/x86.h"
#include "crashcap/params.h"
#include "purgatory/console.h"
#include "purgatory/internal.h"

/* The gates need the stubs' run-time addresses, so the table is built at
 * run time (no pointers in static data: the image is position independent). */
static struct idt_gate idt[PURG_NR_VECTORS] __attribute__((aligned(16)));

static uint32_t fail_action = CC_ACTION_REBOOT;
static int in_exception;

/* Names without pointers, for the same reason. */
static const char vector_names[PURG_NR_VECTORS][4] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
	"#DF", "#09", "#TS", "#NP", "#SS", "#GP", "#PF", "#15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "#22", "#23",
	"#24", "#25", "#26", "#27", "#HV", "#VC", "#SX", "#31",
};
#define VEC_PF 14

void purg_idt_install(void)
{
	/* Our own 64-bit code selector: entry.asm reloaded CS from our GDT. */
	idt_load(idt, PURG_NR_VECTORS, purg_isr_stubs, PURG_ISR_STUB_SIZE);
}

void purg_set_fail_action(uint32_t action)
{
	fail_action = action;
}

static __attribute__((noreturn)) void do_halt(void)
{
	con_puts("purgatory: halted\n");
	cli_hlt_forever();
}

/* The reset methods in order of gentleness; each one that does nothing
 * says so and hands over to the next. */
static __attribute__((noreturn)) void do_reboot(void)
{
	con_puts("purgatory: rebooting\n");

	reset_by_rst_cnt();

	con_puts("purgatory: no reset through port 0xcf9; trying the keyboard controller\n");
	reset_by_kbc();

	con_puts("purgatory: no reset through the keyboard controller; forcing a triple fault\n");
	reset_by_triple_fault();

	con_puts("purgatory: still running after a triple fault\n");
	do_halt();
}

static __attribute__((noreturn)) void take_action(void)
{
	switch (fail_action) {
	case CC_ACTION_HALT:
		do_halt();
	case CC_ACTION_POWEROFF:
		con_puts("purgatory: poweroff needs ACPI, which the purgatory does not parse; halting instead\n");
		do_halt();
	case CC_ACTION_REBOOT:
	default:
		do_reboot();
	}
}

void purg_fail(const char *why)
{
	con_puts("purgatory: ");
	con_puts(why);
	con_putc('\n');
	take_action();
}

void purg_exception(const struct purg_exc_frame *f)
{
	/* A fault inside this report: print nothing more, just act. */
	if (in_exception++) {
		if (fail_action == CC_ACTION_REBOOT)
			reset_by_triple_fault();
		cli_hlt_forever();
	}

	uint64_t base = (uint64_t)(uintptr_t)purgatory_image_start;
	uint64_t end = (uint64_t)(uintptr_t)__purg_image_end;

	con_puts("purgatory: CPU exception ");
	con_dec(f->vector);
	if (f->vector < PURG_NR_VECTORS) {
		con_putc(' ');
		con_puts(vector_names[f->vector]);
	}
	con_puts(" error ");
	con_hex64(f->error);
	con_puts(" rip ");
	con_hex64(f->rip);
	if (f->rip >= base && f->rip < end) {
		/* The number to look up in build/purgatory.lst (linked at 0). */
		con_puts(" (purgatory.lst ");
		con_hex64(f->rip - base);
		con_putc(')');
	}
	if (f->vector == VEC_PF) {
		uint64_t cr2;
		asm volatile("mov %%cr2, %0" : "=r"(cr2));
		con_puts(" cr2 ");
		con_hex64(cr2);
	}
	con_putc('\n');
	take_action();
}

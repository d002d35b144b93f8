/* purgatory/fail.c - the ways out when the payload must not be started:
 * the failure action (reboot, halt), and the CPU exception handler that
 * leads to it.  Nothing here spins silently: every path prints first and
 * ends in a reset or in cli; hlt. */
#include "crashcap/params.h"
#include "purgatory/console.h"
#include "purgatory/internal.h"
#include "purgatory/io.h"

/* Reset Control register of PC chipsets (Intel ICH/PCH "RST_CNT", PIIX3/4,
 * QEMU's i440fx and q35).  Setting RST_CPU (0 -> 1) starts the reset;
 * SYS_RST makes it a full system reset rather than a CPU-only INIT. */
#define PORT_RST_CNT    0xcf9
#define RST_CNT_SYS_RST (1u << 1)
#define RST_CNT_RST_CPU (1u << 2)

/* 8042 keyboard controller: command 0xfe pulses output port bit 0, which
 * is wired to the CPU reset line. */
#define PORT_KBC_STATUS     0x64      /* read */
#define PORT_KBC_CMD        0x64      /* write */
#define KBC_STATUS_IBF      (1u << 1) /* input buffer full: not ready for a command */
#define KBC_CMD_PULSE_RESET 0xfe

/* Waits, in io_delay()s of ~1 us each on hardware (none of them matter
 * under QEMU, where the reset is immediate). */
#define RST_CNT_SETUP_DELAYS 50    /* ~50 us between the two RST_CNT writes, as Linux */
#define RESET_SETTLE_DELAYS  50000 /* ~50 ms for a requested reset to take effect */
#define KBC_IBF_POLLS        10000 /* ~10 ms for the 8042 to take a command */

/* 64-bit IDT gate (SDM Vol. 3A 6.14.1). */
struct idt_gate {
	uint16_t off_lo;   /* 0x0 handler offset 15:0 */
	uint16_t sel;      /* 0x2 code segment selector */
	uint8_t  ist;      /* 0x4 IST index (0: stay on the current stack) */
	uint8_t  type;     /* 0x5 type, DPL, P */
	uint16_t off_mid;  /* 0x6 offset 31:16 */
	uint32_t off_hi;   /* 0x8 offset 63:32 */
	uint32_t reserved; /* 0xc */
};
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

#define IDT_TYPE_INTR64 0xe      /* 64-bit interrupt gate: IF cleared on entry */
#define IDT_P           (1u << 7) /* present; DPL (bits 6:5) 0 */

/* The operand of lgdt/lidt. */
struct desc_ptr {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

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
	uint16_t cs;
	struct desc_ptr dp;

	/* Our own 64-bit code selector: entry.asm reloaded CS from our GDT. */
	asm volatile("mov %%cs, %0" : "=r"(cs));
	for (int v = 0; v < PURG_NR_VECTORS; v++) {
		uint64_t a = (uint64_t)(uintptr_t)(purg_isr_stubs + v * PURG_ISR_STUB_SIZE);
		idt[v].off_lo = (uint16_t)a;
		idt[v].sel = cs;
		idt[v].ist = 0;
		idt[v].type = IDT_P | IDT_TYPE_INTR64;
		idt[v].off_mid = (uint16_t)(a >> 16);
		idt[v].off_hi = (uint32_t)(a >> 32);
		idt[v].reserved = 0;
	}
	dp.limit = sizeof(idt) - 1;
	dp.base = (uint64_t)(uintptr_t)idt;
	asm volatile("lidt %0" : : "m"(dp) : "memory");
}

void purg_set_fail_action(uint32_t action)
{
	fail_action = action;
}

static void delay(unsigned n)
{
	while (n--)
		io_delay();
}

/* An IDT of limit 0 makes the next exception a #DF and then a triple
 * fault: the CPU shuts down and the chipset resets it. */
static void triple_fault(void)
{
	struct desc_ptr none = { 0, 0 };

	asm volatile("lidt %0; int3" : : "m"(none) : "memory");
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

	outb(PORT_RST_CNT, RST_CNT_SYS_RST);
	delay(RST_CNT_SETUP_DELAYS);
	outb(PORT_RST_CNT, RST_CNT_SYS_RST | RST_CNT_RST_CPU);
	delay(RESET_SETTLE_DELAYS);

	con_puts("purgatory: no reset through port 0xcf9; trying the keyboard controller\n");
	for (int i = 0; i < KBC_IBF_POLLS && (inb(PORT_KBC_STATUS) & KBC_STATUS_IBF); i++)
		io_delay();
	outb(PORT_KBC_CMD, KBC_CMD_PULSE_RESET);
	delay(RESET_SETTLE_DELAYS);

	con_puts("purgatory: no reset through the keyboard controller; forcing a triple fault\n");
	triple_fault();

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
			triple_fault();
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

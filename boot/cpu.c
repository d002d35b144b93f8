/* boot/cpu.c - IDT setup and the exception report.
 *
 * Any CPU exception inside the payload prints the vector, error code, RIP
 * (also as an offset into the image, to look up in build/capture.lst), CR2
 * and the general registers, then calls the fatal handler the image set
 * (the payload's cc_finish, with CC_ERR_EXCEPTION); without one it halts.
 * An NMI is reported and ignored (another CPU's watchdog, an NMI button). */
#include "boot/cpu.h"
#include "boot/console.h"
#include "boot/idt.h"
#include "boot/smp.h"
#include "boot/x86.h"
#include "crashcap/status.h"

extern char exception_stubs[];
extern char image_start[];
extern char __image_end[];

static struct idt_gate idt[EXC_VECTORS];

uint64_t image_base(void) { return (uint64_t)image_start; }
uint64_t image_mem_size(void) { return (uint64_t)(__image_end - image_start); }

void idt_init(void)
{
	idt_load(idt, EXC_VECTORS, exception_stubs, EXC_STUB_SIZE);
}

void idt_init_here(void)
{
	idt_use(idt, EXC_VECTORS);
}

static const char exc_names[EXC_VECTORS][6] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO",
	"#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM",
	"#VE", "#CP", "#22", "#23", "#24", "#25", "#26", "#27", "#HV", "#VC",
	"#SX", "#31",
};

static int in_exception;
/* Set at run time (a pointer in static data would need a relocation). */
static void (*fatal)(uint32_t status);

void cpu_set_fatal(void (*fn)(uint32_t status)) { fatal = fn; }

void cc_exception(struct exc_frame *f)
{
	if (smp_on_helper() && f->vector == VEC_NMI) { /* a helper's wake-up (boot/smp.h) */
		smp_nmi(&f->rip);
		return;
	}
	if (f->vector == VEC_NMI) {
		cc_log("NMI ignored at rip %016lx", f->rip);
		return;
	}
	if (smp_on_helper()) { /* the capture goes on without this CPU (capture/packq.c) */
		cc_log("helper CPU: exception %lu at rip %016lx (image+%lx); this helper halts", f->vector, f->rip,
		       f->rip - image_base());
		cli_hlt_forever();
	}
	if (in_exception++) { /* fault while reporting: say the least, stop */
		cc_log("second exception %lu while reporting the first; halted", f->vector);
		cli_hlt_forever();
	}
	uint64_t base = image_base();
	cc_log("CPU exception %lu %s, error code %016lx",
	       f->vector, f->vector < EXC_VECTORS ? exc_names[f->vector] : "?", f->error_code);
	if (f->rip >= base && f->rip < base + image_mem_size())
		cprintf("  rip %016lx (image+%lx, see build/capture.lst)  cr2 %016lx\n", f->rip, f->rip - base, read_cr2());
	else
		cprintf("  rip %016lx (outside the image)  cr2 %016lx\n", f->rip, read_cr2());
	cprintf("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	cprintf("  rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", f->rsi, f->rdi, f->rbp, f->rsp);
	cprintf("  r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", f->r8, f->r9, f->r10, f->r11);
	cprintf("  r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", f->r12, f->r13, f->r14, f->r15);
	cprintf("  cs %04lx ss %04lx rflags %08lx cr3 %016lx cr4 %08lx\n", f->cs, f->ss, f->rflags, read_cr3(), read_cr4());
	if (fatal)
		fatal(CC_ERR_EXCEPTION);
	cc_log("halted");
	cli_hlt_forever();
}

int cpu_has_1g_pages(void)
{
	uint32_t a, b, c, d;
	cpuid(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000001)
		return 0;
	cpuid(0x80000001, 0, &a, &b, &c, &d);
	return (d >> 26) & 1; /* EDX.Page1GB */
}

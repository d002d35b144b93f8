/* boot/reset.c - see reset.h. */
#include "boot/reset.h"
#include "boot/idt.h"
#include "boot/poll.h"
#include "boot/timer.h"
#include "boot/x86.h"

/* Reset Control register of PC chipsets (Intel ICH/PCH "RST_CNT", PIIX3/4,
 * QEMU's i440fx and q35).  Setting RST_CPU (0 -> 1) starts the reset;
 * SYS_RST makes it a full system reset rather than a CPU-only INIT. */
#define PORT_RST_CNT        0xcf9
#define RST_CNT_SYS_RST     (1u << 1)
#define RST_CNT_RST_CPU     (1u << 2)
#define RST_CNT_SETUP_US    50        /* between the two writes, as Linux */

/* 8042 keyboard controller: command 0xfe pulses output port bit 0, which
 * is wired to the CPU reset line. */
#define PORT_KBC_STATUS     0x64      /* read */
#define PORT_KBC_CMD        0x64      /* write */
#define KBC_STATUS_IBF      (1u << 1) /* input buffer full: not ready for a command */
#define KBC_CMD_PULSE_RESET 0xfe

void reset_by_rst_cnt(void)
{
	outb(PORT_RST_CNT, RST_CNT_SYS_RST);
	udelay(RST_CNT_SETUP_US);
	outb(PORT_RST_CNT, RST_CNT_SYS_RST | RST_CNT_RST_CPU);
	udelay(RESET_SETTLE_MS * 1000);
}

void reset_by_kbc(void)
{
	/* No line of its own (who = 0): the caller says what happened next,
	 * and the purgatory has no cc_log. */
	poll_quiet(&(struct poll){ poll_port8, PORT_KBC_STATUS, KBC_STATUS_IBF, 0, KBC_TIMEOUT_MS, 0,
				   "keyboard controller input buffer empty" }, 0);
	outb(PORT_KBC_CMD, KBC_CMD_PULSE_RESET);
	udelay(RESET_SETTLE_MS * 1000);
}

void reset_by_triple_fault(void)
{
	struct desc_ptr none = { 0, 0 };
	asm volatile("lidt %0; int3" : : "m"(none) : "memory");
}

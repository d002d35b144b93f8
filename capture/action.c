/* capture/action.c - see action.h. */
#include "capture/action.h"
#include "boot/console.h"
#include "boot/poll.h"
#include "capture/dumphdr.h"
#include "boot/timer.h"
#include "boot/x86.h"
#include "crashcap/params.h"
#include "crashcap/status.h"
#include "drivers/acpi.h"

#define PORT_RESET_CONTROL 0xcf9     /* PCI reset control register (ICH/PIIX) */
#define RST_CPU            (1u << 2) /* reset on the 0->1 edge */
#define SYS_RST            (1u << 1) /* hard reset instead of CPU-only INIT */
#define KBC_STATUS         0x64
#define KBC_COMMAND        0x64
#define KBC_STATUS_IBF     (1u << 1) /* input buffer full */
#define KBC_CMD_PULSE_RESET 0xfe
#define KBC_TIMEOUT_MS     100
#define RESET_SETTLE_MS    500

static uint32_t act_ok = CC_ACTION_REBOOT, act_fail = CC_ACTION_REBOOT;
static uint16_t exit_port;
static uint64_t rsdp_hint;

void action_configure(uint32_t on_ok, uint32_t on_fail, uint16_t debug_exit_port, uint64_t rsdp)
{
	act_ok = on_ok;
	act_fail = on_fail;
	exit_port = debug_exit_port;
	rsdp_hint = rsdp;
}

const char *action_name(uint32_t action)
{
	switch (action) {
	case CC_ACTION_REBOOT: return "reboot";
	case CC_ACTION_POWEROFF: return "poweroff";
	case CC_ACTION_HALT: return "halt";
	}
	return "?";
}

static void triple_fault(void)
{
	struct __attribute__((packed)) { uint16_t limit; uint64_t base; } null_idt = { 0, 0 };
	asm volatile("lidt %0; int3" : : "m"(null_idt) : "memory");
}

static void reboot(void)
{
	/* 1. PCI reset control: hard reset. */
	outb(PORT_RESET_CONTROL, SYS_RST);
	outb(PORT_RESET_CONTROL, SYS_RST | RST_CPU);
	udelay(RESET_SETTLE_MS * 1000);
	/* 2. Keyboard controller reset line. */
	poll_until(&(struct poll){ poll_port8, KBC_STATUS, KBC_STATUS_IBF, 0, KBC_TIMEOUT_MS, "reboot",
				   "keyboard controller input buffer empty (sending the reset anyway)" }, 0);
	outb(KBC_COMMAND, KBC_CMD_PULSE_RESET);
	udelay(RESET_SETTLE_MS * 1000);
	/* 3. Triple fault. */
	cc_log("reset did not happen through 0xcf9 or the keyboard controller; forcing a triple fault");
	triple_fault();
}

void cc_finish(uint32_t status)
{
	uint32_t action = status == CC_OK ? act_ok : act_fail;
	cc_log("%s (%s): %s", status == CC_OK ? "done" : "failed", cc_status_name(status), action_name(action));
	if (exit_port)
		outl(exit_port, CC_DEBUG_EXIT_BASE + status); /* QEMU exits here in drills */
	switch (action) {
	case CC_ACTION_POWEROFF:
		acpi_poweroff(rsdp_hint); /* returns only on failure, having said why */
		cc_log("poweroff failed; halting instead");
		break;
	case CC_ACTION_REBOOT:
		reboot();
		break;
	default:
		break;
	}
	cli_hlt_forever();
	__builtin_unreachable();
}

/* capture/action.c - see action.h. */
#include "capture/action.h"
#include "boot/console.h"
#include "boot/reset.h"
#include "capture/dumphdr.h"
#include "boot/timer.h"
#include "boot/x86.h"
#include "crashcap/params.h"
#include "crashcap/status.h"
#include "drivers/acpi.h"

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

/* boot/reset.c's methods in order; each returns only if the machine is
 * still running. */
static void reboot(void)
{
	reset_by_rst_cnt();
	reset_by_kbc();
	cc_log("reset did not happen through 0xcf9 or the keyboard controller; forcing a triple fault");
	reset_by_triple_fault();
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

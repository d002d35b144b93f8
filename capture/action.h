/* capture/action.h - how a capture ends: reboot (default), poweroff or
 * halt, chosen separately for success and failure; in drills first a write
 * of CC_DEBUG_EXIT_BASE + status to QEMU's isa-debug-exit port. */
#ifndef CAPTURE_ACTION_H
#define CAPTURE_ACTION_H
#include <stdint.h>

void action_configure(uint32_t on_ok, uint32_t on_fail, uint16_t debug_exit_port, uint64_t rsdp);
/* Says what happens, does it; never returns. */
void cc_finish(uint32_t status) __attribute__((noreturn));
const char *action_name(uint32_t action);

#endif

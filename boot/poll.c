/* boot/poll.c - see poll.h. */
#include "boot/poll.h"
#include "boot/console.h"
#include "boot/timer.h"
#include "boot/x86.h"

int poll_quiet(const struct poll *p, uint32_t *last)
{
	struct deadline d = deadline_ms(p->ms);
	uint32_t v;
	int st = 0;
	while (((v = p->read(p->arg)) & p->mask) != p->want) {
		if (deadline_passed(&d)) {
			/* one last look: the deadline may have passed while we
			 * were not looking (an NMI, a slow console line) */
			if (((v = p->read(p->arg)) & p->mask) != p->want)
				st = -1;
			break;
		}
		cpu_pause();
	}
	if (last)
		*last = v;
	return st;
}

/* Its own function (and section): the purgatory, which has no cc_log,
 * links poll_quiet alone. */
int poll_until(const struct poll *p, uint32_t *last)
{
	uint32_t v;
	int st = poll_quiet(p, &v);
	if (st)
		cc_log("%s: timeout (%u ms) waiting for %s; reads %x", p->who, p->ms, p->what, v);
	if (last)
		*last = v;
	return st;
}

uint32_t poll_mmio32(uint64_t addr) { return mmio_read32(addr); }
uint32_t poll_port8(uint64_t port) { return inb((uint16_t)port); }
uint32_t poll_port16(uint64_t port) { return inw((uint16_t)port); }

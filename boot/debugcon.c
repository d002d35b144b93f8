/* boot/debugcon.c - see debugcon.h. */
#include "boot/debugcon.h"
#include "boot/x86.h"

static int present;

int debugcon_probe(void)
{
	present = inb(DEBUGCON_PORT) == DEBUGCON_PORT;
	return present;
}

void debugcon_putc(char c)
{
	if (present)
		outb(DEBUGCON_PORT, (uint8_t)c);
}

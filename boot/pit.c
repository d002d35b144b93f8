/* boot/pit.c - see pit.h.  Port and bit names after the Intel 8254 data
 * sheet and the PC/AT port 61h layout. */
#include "boot/pit.h"
#include "boot/x86.h"

#define PIT_CH2_DATA   0x42
#define PIT_MODE_CMD   0x43
#define PORT_SYS_CTRL  0x61       /* PC/AT system control port B */

#define MODE_SEL_CH2   (2u << 6)  /* select counter 2 */
#define MODE_LOHI      (3u << 4)  /* access: low byte then high byte */
#define MODE_0         (0u << 1)  /* interrupt on terminal count */
#define SYS_CTRL_GATE2 (1u << 0)  /* counter 2 gate */
#define SYS_CTRL_SPKR  (1u << 1)  /* speaker data enable */
#define SYS_CTRL_OUT2  (1u << 5)  /* counter 2 output (read only) */

/* Bound on the OUT2 poll: each port read takes at least ~0.5 us on real
 * hardware and far longer under emulation, so 20 million reads is at least
 * 10 s - far beyond the 50 ms we wait for. */
#define PIT_MAX_POLLS 20000000u

uint64_t pit_measure_tsc(unsigned ms)
{
	uint32_t count = (uint32_t)((uint64_t)PIT_HZ * ms / 1000);
	if (count == 0 || count > 0xffff)
		return 0;

	uint8_t ctrl = inb(PORT_SYS_CTRL);
	outb(PORT_SYS_CTRL, (ctrl & ~SYS_CTRL_SPKR) & ~SYS_CTRL_GATE2); /* gate low: hold */
	outb(PIT_MODE_CMD, MODE_SEL_CH2 | MODE_LOHI | MODE_0);
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	/* Mode 0 drives OUT2 low once the count is written.  A port that reads
	 * high here (no PIT, or 0xff from nothing) would end the wait at once
	 * and make every deadline tiny: refuse it. */
	if (inb(PORT_SYS_CTRL) & SYS_CTRL_OUT2) {
		outb(PORT_SYS_CTRL, ctrl);
		return 0;
	}

	uint64_t t0 = rdtsc();
	outb(PORT_SYS_CTRL, (ctrl & ~SYS_CTRL_SPKR) | SYS_CTRL_GATE2); /* start counting */
	uint32_t polls = 0;
	while (!(inb(PORT_SYS_CTRL) & SYS_CTRL_OUT2)) {
		if (++polls > PIT_MAX_POLLS) {
			outb(PORT_SYS_CTRL, ctrl);
			return 0;
		}
	}
	uint64_t t1 = rdtsc();
	outb(PORT_SYS_CTRL, ctrl);
	return t1 - t0;
}

/* capture/helpers.h - the capture's helper CPUs (docs/smp.md): where
 * their memory comes from, starting them, what they run (packing LZ4
 * blocks for the frame writer), and stopping them. */
#ifndef CAPTURE_HELPERS_H
#define CAPTURE_HELPERS_H
#include "capture/lz4frame.h"
#include "crashcap/params.h"

/* Start the crashed kernel's other CPUs (p->cpus, never the boot CPU)
 * to pack the LZ4 frames' blocks, with their start page, stacks, lz4
 * states and the block ring in what is left of the purgatory's copy of
 * low RAM (capture/lowmem.h, lowmem_init first).  The number started; 0
 * when there is no room, no CPU to start, or none came up (one line says
 * which). */
unsigned helpers_start(const struct cc_params *p);
/* The frames are done: the helpers halt.  One line: who packed what. */
void helpers_stop(unsigned started);

#endif

/* drivers/blkdev.c - the DMA arena the one running disk driver takes its
 * big buffers from (blkdev.h). */
#include "drivers/blkdev.h"

static uint8_t arena[BLK_DMA_ARENA_BYTES] __attribute__((aligned(4096)));

void *blk_dma_arena(void)
{
	return arena;
}

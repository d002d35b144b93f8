/* loader/writeback.h - start writing the file save makes to disk while it
 * is being made.
 *
 * save ends with fsync.  Left alone, the kernel holds GiBs of a large
 * vmcore dirty in the page cache until then (background writeback starts
 * only at dirty_background_ratio), and the disk sits idle while save reads
 * and decodes.  Every WB_STEP bytes written, writeback_note asks the kernel
 * to start writing the file's dirty pages (sync_file_range with
 * SYNC_FILE_RANGE_WRITE: it starts the I/O and does not wait for it), so
 * the disk works alongside, and the fsync at the end has only the tail. */
#ifndef LOADER_WRITEBACK_H
#define LOADER_WRITEBACK_H

#include <stdint.h>

#define WB_STEP (64ull << 20)

struct writeback {
	int fd;
	uint64_t pending; /* bytes written since writeback was last started */
};

static inline void writeback_init(struct writeback *wb, int fd)
{
	wb->fd = fd;
	wb->pending = 0;
}

/* n more bytes were written to wb->fd.  A failure to start writeback is
 * not an error here: the fsync at the end reports any I/O error. */
void writeback_note(struct writeback *wb, uint64_t n);

#endif

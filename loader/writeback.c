/* loader/writeback.c - see writeback.h. */
#include <fcntl.h>

#include "loader/writeback.h"

void writeback_note(struct writeback *wb, uint64_t n)
{
	wb->pending += n;
	if (wb->pending < WB_STEP)
		return;
	wb->pending = 0;
	/* offset 0, nbytes 0: the whole file */
	sync_file_range(wb->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

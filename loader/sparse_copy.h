/* loader/sparse_copy.h - copy a byte range of the target into a file,
 * leaving holes where whole 4 KiB blocks are zero (most of a RAM dump of
 * an idle machine is).  A target that is a file is read only where it has
 * data (SEEK_DATA/SEEK_HOLE): its holes stay holes unread.  A block
 * device is read whole, and each 4 KiB block checked for zeros. */
#ifndef LOADER_SPARSE_COPY_H
#define LOADER_SPARSE_COPY_H

#include <signal.h>
#include <stdint.h>
#include "loader/target_io.h"

#define SPARSE_BLOCK 4096

/* Copy len bytes of t starting at off into out_fd at offsets 0..len and set
 * its length to len.  Stops early when *stop becomes non-zero.  0, or -1
 * after one line on stderr. */
int sparse_copy(const struct target *t, uint64_t off, uint64_t len,
		int out_fd, const char *out_name, volatile sig_atomic_t *stop);

/* The most bytes of data sparse_copy can write for the same range: the
 * data extents of a file, or all of a block device, each from and to a
 * SPARSE_BLOCK boundary of the output (zero blocks in them become holes,
 * so this is an upper bound).  0, or -1 after one line. */
int sparse_need(const struct target *t, uint64_t off, uint64_t len, uint64_t *need);

#endif

/* loader/sparse_copy.h - copy a byte range of the target into a file,
 * leaving holes where whole 4 KiB blocks are zero (most of a RAM dump of
 * an idle machine is). */
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

#endif

/* loader/dryrun.h - `crashcap load --dry-run FILE`: what would have been
 * passed to kexec_load, written to FILE instead.
 *
 * Format (also in docs/loader.md): a text head of lines, numbers in hex
 * with 0x, NUL-padded to DRYRUN_HEAD_SIZE bytes:
 *
 *   crashcap-dry-run 1
 *   entry 0x...                        kexec_load entry (purgatory entry)
 *   flags 0x3e0001                     kexec_load flags
 *   region 0xSTART 0xEND               the crash region used, end exclusive
 *   (kexec_file_load only:)
 *   syscall kexec_file_load
 *   cmdline "TEXT"                     what is passed (the kernel prepends elfcorehdr=)
 *   segments N
 *   segment NAME mem 0x.. memsz 0x.. bufsz 0x.. offset 0x.. hashed 0|1   (N lines)
 *   header offset 0x.. size 0x..       the dump header the load writes at byte 0 of DEV
 *   end
 *
 * then each segment's bufsz bytes at its offset (4 KiB aligned), in
 * segment order, then the header.  The memory image of a segment is its
 * bytes followed by memsz - bufsz zeros, as the kernel loads it.  For
 * kexec_file_load, entry and every mem are 0 (the kernel chooses) and the
 * two segments are the image file and the initrd (the parameter block). */
#ifndef LOADER_DRYRUN_H
#define LOADER_DRYRUN_H

#include <stdint.h>
#include "crashcap/dumphdr.h"
#include "loader/layout.h"
#include "loader/target_io.h"

#define DRYRUN_VERSION   1
#define DRYRUN_HEAD_SIZE 4096
#define DRYRUN_MAX_SEGMENTS 16

/* Write the file (mode 0644, replacing a regular file's contents).  FILE
 * is checked before it is opened, and again once open: it must be a
 * regular file (or new), and never the target dev itself (st_dev/st_ino,
 * through a symlink or a hard link, or st_rdev for a device): a dry run
 * never writes DEV.  The open does not block (O_NONBLOCK).  0, or -1 after
 * one line on stderr. */
/* The same check of FILE, done early (before anything is staged): 0 or -1
 * after one line. */
int dryrun_check(const char *file, const struct target *dev);
int dryrun_write(const char *file, const struct target *dev, uint64_t entry, unsigned long flags, uint64_t region_start,
		 uint64_t region_end, const char *extra, const struct segment *segs, unsigned n,
		 const struct cc_dump_header *hdr);

#endif

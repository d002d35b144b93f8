/* capture/elfcore.h - the head of the ELF64 core file: ELF header, one
 * PT_NOTE and one PT_LOAD per memory range, then the notes, padded to
 * 4 KiB.  The data of range i follows at p_offset, in range order, each
 * range a multiple of 4 KiB, so every p_offset is page aligned.  Pure
 * (host-tested in tests/unit/test_elfcore.c). */
#ifndef CAPTURE_ELFCORE_H
#define CAPTURE_ELFCORE_H
#include <stddef.h>
#include <stdint.h>
#include "crashcap/params.h"

#define ELFCORE_ALIGN 4096

/* Bytes the head needs for n ranges and notes_len bytes of notes. */
uint64_t elfcore_head_size(uint32_t nr_ranges, size_t notes_len);
/* Write the head into buf (cap bytes).  Returns the head size, or 0 if
 * buf is too small.  *total gets the size of the whole core file. */
uint64_t elfcore_build(void *buf, size_t cap, const struct cc_params *p,
		       const void *notes, size_t notes_len, uint64_t *total);

#endif

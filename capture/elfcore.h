/* capture/elfcore.h - the head of the ELF64 core file: ELF header, one
 * PT_NOTE and the PT_LOADs, then the notes, padded to 4 KiB.  The file
 * bytes of PT_LOAD i follow at p_offset, in PT_LOAD order, each a multiple
 * of 4 KiB, so every p_offset is page aligned.  Pure (host-tested in
 * tests/unit/test_elfcore.c). */
#ifndef CAPTURE_ELFCORE_H
#define CAPTURE_ELFCORE_H
#include <stddef.h>
#include <stdint.h>
#include "capture/coremap.h"
#include "crashcap/params.h"

#define ELFCORE_ALIGN 4096

/* Bytes the head needs for n PT_LOADs and notes_len bytes of notes. */
uint64_t elfcore_head_size(uint32_t nr_loads, size_t notes_len);
/* PT_LOADs that fit in a head of cap bytes next to notes_len bytes of
 * notes (0 if not even the PT_NOTE does). */
uint32_t elfcore_max_loads(size_t cap, size_t notes_len);
/* Write the head into buf (cap bytes).  The PT_LOADs are seg[0..nseg) (a
 * coremap: p_paddr = range paddr + off, p_vaddr = range vaddr + off or 0
 * when the range's vaddr is 0, p_filesz and p_memsz as given); seg NULL
 * means one PT_LOAD per range, whole (p_filesz = p_memsz = size).  Returns
 * the head size, or 0 if buf is too small.  *total gets the size of the
 * whole core file: the head and every p_filesz. */
uint64_t elfcore_build(void *buf, size_t cap, const struct cc_params *p, const struct cm_seg *seg, uint32_t nseg,
		       const void *notes, size_t notes_len, uint64_t *total);

#endif

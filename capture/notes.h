/* capture/notes.h - gathering the ELF notes of the dump into one buffer:
 * every non-empty note of each per-CPU crash_notes buffer, then the
 * VMCOREINFO note, as /proc/vmcore merges them into one PT_NOTE.  Pure
 * (host-tested): buffers are read through their physical address, which
 * the payload has identity mapped. */
#ifndef CAPTURE_NOTES_H
#define CAPTURE_NOTES_H
#include <stddef.h>
#include <stdint.h>
#include "crashcap/params.h"

struct notes {
	uint8_t *buf;
	size_t cap;
	size_t len;
	unsigned count;    /* notes copied */
	unsigned dropped;  /* notes that did not fit */
};

/* Walk one buffer of notes until an empty header or `size` bytes. */
void notes_walk(struct notes *n, uint64_t paddr, uint64_t size);
/* Append one note we make ourselves. */
int notes_add(struct notes *n, const char *name, uint32_t type, const void *desc, uint32_t descsz);
/* All note buffers of the parameter block, then VMCOREINFO, whose room
 * (vmcoreinfo_size) the CPU notes may not take. */
void notes_collect(struct notes *n, const struct cc_params *p);

#endif

/* loader/corehead.h - check the ELF64 core head a CC_ENC_PAGES stream
 * carries in its HEAD record, and find its memory ranges and notes. */
#ifndef LOADER_COREHEAD_H
#define LOADER_COREHEAD_H

#include <stddef.h>
#include "loader/pagestream.h"

/* h->bytes and h->len are set.  Check the head and fill ehdr, notes,
 * notes_len, ranges (malloc'd) and nranges: 0, or -1 with what is wrong in
 * err (no offset: the caller knows where the head is). */
int corehead_parse(struct ps_head *h, char *err, size_t errlen);

#endif

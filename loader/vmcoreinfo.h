/* loader/vmcoreinfo.h - the crashed-to-be kernel's VMCOREINFO text turned
 * into struct cc_mm (include/crashcap/mm.h), the description the payload's
 * page filter reads.  Pure: no I/O, bounded by len, host code.
 * docs/filtering.md lists which entries each field comes from, per kernel
 * version. */
#ifndef LOADER_VMCOREINFO_H
#define LOADER_VMCOREINFO_H

#include <stddef.h>
#include "crashcap/mm.h"

/* Parse len bytes of VMCOREINFO text ("KEY=VALUE" lines; a NUL ends it
 * early).  Returns 0 with *mm complete (version CC_MM_VERSION) when the
 * entries describe a kernel the page filter knows.  Otherwise returns -1,
 * *mm all zero (version 0: the payload leaves out zero pages only) and
 * why = one sentence saying what is missing or wrong (truncated to
 * why_len, always NUL-terminated when why_len > 0). */
int vmcoreinfo_parse(const char *text, size_t len, struct cc_mm *mm, char *why, size_t why_len);

#endif

/* capture/efi/hangparams.h - the parameter block hangcap.efi gives the
 * capture code (capture/dump.c's dump_run), made from a hang record that
 * hangrec_check accepted.  Pure: no UEFI, no I/O (unit-tested hosted). */
#ifndef CAPTURE_EFI_HANGPARAMS_H
#define CAPTURE_EFI_HANGPARAMS_H
#include "crashcap/hangrec.h"
#include "crashcap/params.h"

/* p from r: the kernel image's view first (as the loader orders it), then
 * the RAM ranges read where they are (src = paddr; vaddr 0: the record
 * does not carry the direct map's base), VMCOREINFO, no CPU note buffers
 * (there are no registers after a reset), the target, the dump level,
 * compression, the page filter's cc_mm, and CC_OPT_ORIGIN_HANG. */
void hangparams_from_record(const struct cc_hang_record *r, struct cc_params *p);

#endif

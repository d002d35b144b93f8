/* loader/fwranges.h - what a hang capture's notes say (crashcap/notes.h):
 * the "no registers" text and the ranges the firmware owned when
 * hangcap.efi ran, printed by `crashcap save`.  Pure: walks a PT_NOTE's
 * bytes, every length bounded by them. */
#ifndef LOADER_FWRANGES_H
#define LOADER_FWRANGES_H
#include <stdint.h>
#include <stdio.h>

/* Print, to out, one line for the NO_REGS note and one per firmware range
 * ("firmware: 0x...-0x... BootServicesData, N KiB").  Returns how many
 * ranges it printed, or -1 if the notes are not well formed (nothing more
 * is printed after the bad one). */
int fwranges_print(FILE *out, const unsigned char *notes, uint64_t len);
/* The name of an EFI_MEMORY_TYPE value ("BootServicesData"), or "type N". */
const char *fwranges_type_name(uint32_t type, char *buf, size_t n);

#endif

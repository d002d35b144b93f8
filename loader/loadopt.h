/* loader/loadopt.h - the description of an EFI_LOAD_OPTION (UEFI 2.10,
 * 3.1.3): UINT32 Attributes, UINT16 FilePathListLength, then the
 * Description, a NUL-terminated UCS-2 string, then the device path list.
 * Pure: the bytes of a Boot####, Driver#### or SysPrep#### variable. */
#ifndef LOADER_LOADOPT_H
#define LOADER_LOADOPT_H

#include <stddef.h>
#include <stdint.h>

/* The description as ASCII into desc (size bytes, NUL-terminated): 0, or
 * -1 when the option is too short, the string has no terminator within
 * len, a character is not printable ASCII, desc is too small, or the
 * device path list (FilePathListLength bytes) does not fit after it. */
int loadopt_description(const uint8_t *opt, size_t len, char *desc, size_t size);

#endif

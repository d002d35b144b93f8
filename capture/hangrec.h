/* capture/hangrec.h - sealing and checking struct cc_hang_record
 * (include/crashcap/hangrec.h).  Pure, no I/O, no library: built hosted
 * for the loader and the unit test, and into hangcap.efi. */
#ifndef CAPTURE_HANGREC_H
#define CAPTURE_HANGREC_H
#include <stddef.h>
#include "crashcap/hangrec.h"

/* Fill magic, version, size, then the checksum; other fields as given. */
void hangrec_seal(struct cc_hang_record *r);
/* CRC of the record as stored (checksum field taken as zero). */
uint32_t hangrec_checksum(const struct cc_hang_record *r);

#define HANGREC_OK           0
#define HANGREC_NO_MAGIC    -1  /* not a hang record (or shorter than the magic) */
#define HANGREC_BAD_VERSION -2
#define HANGREC_BAD_SIZE    -3  /* len or the size field is not sizeof(struct cc_hang_record) */
#define HANGREC_BAD_SUM     -4
#define HANGREC_NO_BOOT_ID  -5  /* boot_id all zero */
#define HANGREC_BAD_RESERVED -6 /* flags, a reserved field or devpath past devpath_len not zero */
#define HANGREC_BAD_TARGET  -7  /* kind unknown, CC_TF_UUID clear, UUID zero, devpath_len too large */
#define HANGREC_BAD_RANGE   -8  /* nr_ranges 0 or over the maximum; a range empty, unaligned, wrapping; an unused one not zero */
#define HANGREC_BAD_CANARY  -9  /* nr_canaries over the maximum; a canary's kind, length or page; an unused one not zero */
#define HANGREC_BAD_KTEXT   -10 /* the kernel image's range: unaligned, empty with an address, or vaddr below CC_KERNEL_MAP */
#define HANGREC_BAD_LEVEL   -11 /* dump_level over CC_DL_MAX or compress unknown */

/* Check len bytes read from the variable.  Returns HANGREC_OK or one of
 * the codes above; *at (if not NULL) gets the index of the range or
 * canary at fault, else 0.  The checksum is checked before the contents,
 * so a code after HANGREC_BAD_SUM means the writer made it so. */
int hangrec_check(const void *buf, size_t len, unsigned *at);
/* 1 if len bytes at mem are canary c as it was recorded (the first 16
 * bytes and the CRC-32 of all), else 0.  mem: the canary's physical
 * address as hangcap.efi sees RAM (identity mapped). */
int hangrec_canary_matches(const struct cc_hang_canary *c, const volatile uint8_t *mem);
/* 1 if a canary of this kind is unique to the boot (or to the arming):
 * CC_CANARY_BOOTID, CC_CANARY_KEY, CC_CANARY_REGION. */
int hangrec_kind_unique(uint32_t kind);
/* 1 if a canary in memory of this EFI type counts for the rule (only
 * CC_EFI_CONVENTIONAL: the firmware owns every other type when hangcap
 * runs, and what it holds there says nothing about the reset). */
int hangrec_type_counts(uint32_t efi_type);

/* The rule of docs/hangcap.md.  Bit i of matched: canary i matches RAM;
 * bit i of counted: canary i lies in memory the firmware does not own
 * (hangrec_type_counts of the memory map's type at its address).  Only
 * counted canaries are looked at, matching or not.  RAM survived the reset
 * if at least HANGREC_MIN_MATCH counted canaries match and one of those is
 * unique to the boot.  Bits past nr_canaries are ignored. */
#define HANGREC_MIN_MATCH 2
#define HANGREC_RAM_SURVIVED   0
#define HANGREC_RAM_TOO_FEW   -1 /* fewer than HANGREC_MIN_MATCH counted canaries match */
#define HANGREC_RAM_NO_UNIQUE -2 /* enough match, none of them unique to the boot */
int hangrec_ram_verdict(const struct cc_hang_record *r, uint32_t matched, uint32_t counted);
/* The verdict in words: "RAM survived", "RAM did not survive (...)". */
const char *hangrec_verdict_words(int verdict);

/* A few words for a code, for one-line messages ("checksum wrong"). */
const char *hangrec_error(int code);

#endif

/* capture/dumphdr.h - building and checking struct cc_dump_header
 * (include/crashcap/dumphdr.h).  Pure; shared by payload and loader. */
#ifndef CAPTURE_DUMPHDR_H
#define CAPTURE_DUMPHDR_H
#include "crashcap/dumphdr.h"

/* Fill magic, version (always CC_HDR_VERSION), size, origin_reserved and
 * the checksum; other fields as given. */
void dumphdr_seal(struct cc_dump_header *h);
/* CRC of the header as stored (checksum field taken as zero). */
uint32_t dumphdr_checksum(const struct cc_dump_header *h);

#define DUMPHDR_OK          0
#define DUMPHDR_NO_MAGIC   -1 /* not a crashcap target */
#define DUMPHDR_BAD_VERSION -2
#define DUMPHDR_BAD_SUM    -3
/* Validate a header read from disk: one of DUMPHDR_*.  Versions 1 (128
 * bytes) and 2 (136 bytes) are valid; the CRC covers header_size bytes. */
int dumphdr_check(const struct cc_dump_header *h);
/* CC_ORIGIN_* of a valid header: version 1 is CC_ORIGIN_PANIC whatever its
 * bytes past the checksum hold. */
uint32_t dumphdr_origin(const struct cc_dump_header *h);
/* A valid version-1 header read into memory: set origin (panic) and
 * origin_reserved (0), which its bytes past the checksum do not hold, so
 * that a later dumphdr_seal writes it as version 2 with the right origin. */
void dumphdr_upgrade(struct cc_dump_header *h);
/* Words for an origin: "panic capture", "hang capture (watchdog or reset,
 * no CPU registers)". */
const char *dumphdr_origin_name(uint32_t origin);
/* Words for state and status values, for messages. */
const char *dumphdr_state_name(uint32_t state);
const char *cc_status_name(uint32_t status);

#endif

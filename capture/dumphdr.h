/* capture/dumphdr.h - building and checking struct cc_dump_header
 * (include/crashcap/dumphdr.h).  Pure; shared by payload and loader. */
#ifndef CAPTURE_DUMPHDR_H
#define CAPTURE_DUMPHDR_H
#include "crashcap/dumphdr.h"

/* Fill magic, version, size and the checksum; other fields as given. */
void dumphdr_seal(struct cc_dump_header *h);
/* CRC of the header as stored (checksum field taken as zero). */
uint32_t dumphdr_checksum(const struct cc_dump_header *h);

#define DUMPHDR_OK          0
#define DUMPHDR_NO_MAGIC   -1 /* not a crashcap target */
#define DUMPHDR_BAD_VERSION -2
#define DUMPHDR_BAD_SUM    -3
/* Validate a header read from disk: one of DUMPHDR_*. */
int dumphdr_check(const struct cc_dump_header *h);
/* Words for state and status values, for messages. */
const char *dumphdr_state_name(uint32_t state);
const char *cc_status_name(uint32_t status);

#endif

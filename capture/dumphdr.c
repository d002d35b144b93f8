/* capture/dumphdr.c - see dumphdr.h. */
#include "capture/dumphdr.h"
#include "capture/crc32.h"
#include "crashcap/status.h"

void dumphdr_seal(struct cc_dump_header *h)
{
	static const char magic[8] = CC_HDR_MAGIC;
	for (int i = 0; i < 8; i++)
		h->magic[i] = magic[i];
	h->version = CC_HDR_VERSION;
	h->header_size = sizeof(*h);
	h->origin_reserved = 0;
	h->checksum = dumphdr_checksum(h);
}

/* The bytes the checksum covers: version 1's 128, else the whole struct. */
static uint32_t covered(const struct cc_dump_header *h)
{
	return h->version == CC_HDR_VERSION_V1 && h->header_size == CC_HDR_SIZE_V1 ? CC_HDR_SIZE_V1 : sizeof(*h);
}

uint32_t dumphdr_checksum(const struct cc_dump_header *h)
{
	struct cc_dump_header copy = *h;
	copy.checksum = 0;
	return crc32_update(0, &copy, covered(h));
}

int dumphdr_check(const struct cc_dump_header *h)
{
	static const char magic[8] = CC_HDR_MAGIC;
	for (int i = 0; i < 8; i++)
		if (h->magic[i] != magic[i])
			return DUMPHDR_NO_MAGIC;
	if (!(h->version == CC_HDR_VERSION && h->header_size == CC_HDR_SIZE) &&
	    !(h->version == CC_HDR_VERSION_V1 && h->header_size == CC_HDR_SIZE_V1))
		return DUMPHDR_BAD_VERSION;
	if (dumphdr_checksum(h) != h->checksum)
		return DUMPHDR_BAD_SUM;
	return DUMPHDR_OK;
}

uint32_t dumphdr_origin(const struct cc_dump_header *h)
{
	return h->version == CC_HDR_VERSION_V1 ? CC_ORIGIN_PANIC : h->origin;
}

void dumphdr_upgrade(struct cc_dump_header *h)
{
	if (h->version == CC_HDR_VERSION_V1) {
		h->origin = CC_ORIGIN_PANIC;
		h->origin_reserved = 0;
	}
}

const char *dumphdr_origin_name(uint32_t origin)
{
	switch (origin) {
	case CC_ORIGIN_PANIC: return "panic capture";
	case CC_ORIGIN_HANG: return "hang capture (watchdog or reset, no CPU registers)";
	}
	return "unknown origin";
}

const char *dumphdr_state_name(uint32_t state)
{
	switch (state) {
	case CC_STATE_EMPTY: return "empty";
	case CC_STATE_IN_PROGRESS: return "in progress";
	case CC_STATE_COMPLETE: return "complete";
	case CC_STATE_INCOMPLETE: return "incomplete";
	case CC_STATE_SAVED: return "saved";
	}
	return "unknown";
}

const char *cc_status_name(uint32_t status)
{
	switch (status) {
	case CC_OK: return "ok";
	case CC_ERR_TARGET_FULL: return "target full";
	case CC_ERR_IO: return "I/O error";
	case CC_ERR_NO_DEVICE: return "no device";
	case CC_ERR_PARAMS: return "bad parameters";
	case CC_ERR_EXCEPTION: return "CPU exception";
	case CC_ERR_TIMEOUT: return "device timeout";
	case CC_ERR_WRONG_DISK: return "wrong disk";
	case CC_ERR_NO_MEMORY: return "out of memory";
	case CC_ERR_DEVICE: return "device failed";
	case CC_ERR_IOMMU: return "IOMMU still on";
	}
	return "unknown";
}

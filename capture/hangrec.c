/* capture/hangrec.c - see hangrec.h. */
#include "capture/hangrec.h"
#include "capture/crc32.h"
#include "crashcap/dumpfmt.h"

static int all_zero(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

void hangrec_seal(struct cc_hang_record *r)
{
	static const char magic[8] = CC_HANG_MAGIC;
	for (int i = 0; i < 8; i++)
		r->magic[i] = magic[i];
	r->version = CC_HANG_VERSION;
	r->size = sizeof(*r);
	r->checksum = hangrec_checksum(r);
}

uint32_t hangrec_checksum(const struct cc_hang_record *r)
{
	static const uint8_t zero[4];
	size_t off = __builtin_offsetof(struct cc_hang_record, checksum);
	uint32_t crc = crc32_update(0, r, off);
	crc = crc32_update(crc, zero, sizeof(zero));
	return crc32_update(crc, (const uint8_t *)r + off + 4, sizeof(*r) - off - 4);
}

static int check_target(const struct cc_hang_record *r)
{
	const struct cc_target *t = &r->target;
	if (t->kind < CC_TARGET_VIRTIO_BLK || t->kind > CC_TARGET_NVME || !(t->flags & CC_TF_UUID) ||
	    all_zero(t->uuid, sizeof(t->uuid)) || r->devpath_len > CC_HANG_DEVPATH_MAX)
		return HANGREC_BAD_TARGET;
	if (t->reserved0 || !all_zero(t->reserved1, sizeof(t->reserved1)) || (t->flags & ~CC_TF_UUID))
		return HANGREC_BAD_RESERVED;
	if (!all_zero(r->devpath + r->devpath_len, CC_HANG_DEVPATH_MAX - r->devpath_len))
		return HANGREC_BAD_RESERVED;
	return HANGREC_OK;
}

static int check_ranges(const struct cc_hang_record *r, unsigned *at)
{
	if (r->nr_ranges == 0 || r->nr_ranges > CC_HANG_MAX_RANGES)
		return HANGREC_BAD_RANGE;
	for (unsigned i = 0; i < CC_HANG_MAX_RANGES; i++) {
		const struct cc_hang_range *g = &r->ranges[i];
		*at = i;
		if (i >= r->nr_ranges) {
			if (g->paddr || g->size)
				return HANGREC_BAD_RANGE;
			continue;
		}
		if (g->size == 0 || g->paddr % CC_HANG_PAGE || g->size % CC_HANG_PAGE || g->paddr + g->size < g->paddr)
			return HANGREC_BAD_RANGE;
	}
	*at = 0;
	return HANGREC_OK;
}

static int check_canaries(const struct cc_hang_record *r, unsigned *at)
{
	if (r->nr_canaries > CC_HANG_MAX_CANARIES)
		return HANGREC_BAD_CANARY;
	for (unsigned i = 0; i < CC_HANG_MAX_CANARIES; i++) {
		const struct cc_hang_canary *c = &r->canaries[i];
		*at = i;
		if (i >= r->nr_canaries) {
			if (!all_zero(c, sizeof(*c)))
				return HANGREC_BAD_CANARY;
			continue;
		}
		if (c->kind == 0 || c->kind > CC_CANARY_KIND_MAX || c->len < CC_CANARY_MIN_LEN ||
		    c->len > CC_HANG_PAGE || c->paddr % CC_HANG_PAGE + c->len > CC_HANG_PAGE || c->reserved)
			return HANGREC_BAD_CANARY;
	}
	*at = 0;
	return HANGREC_OK;
}

int hangrec_check(const void *buf, size_t len, unsigned *at)
{
	static const char magic[8] = CC_HANG_MAGIC;
	const struct cc_hang_record *r = buf;
	unsigned where = 0;
	int rc;

	if (at)
		*at = 0;
	if (len < sizeof(r->magic))
		return HANGREC_NO_MAGIC;
	for (int i = 0; i < 8; i++)
		if (r->magic[i] != magic[i])
			return HANGREC_NO_MAGIC;
	if (len < __builtin_offsetof(struct cc_hang_record, size) || r->version != CC_HANG_VERSION)
		return HANGREC_BAD_VERSION;
	if (len != sizeof(*r) || r->size != sizeof(*r))
		return HANGREC_BAD_SIZE;
	if (r->checksum != hangrec_checksum(r))
		return HANGREC_BAD_SUM;
	if (all_zero(r->boot_id, sizeof(r->boot_id)))
		return HANGREC_NO_BOOT_ID;
	if (r->flags || r->reserved0 || !all_zero(r->reserved1, sizeof(r->reserved1)))
		return HANGREC_BAD_RESERVED;
	if (r->dump_level > CC_DL_MAX || r->compress > CC_COMPRESS_LZ4)
		return HANGREC_BAD_LEVEL;
	if (r->ktext_size || r->ktext_paddr || r->ktext_vaddr) {
		if (!r->ktext_size || r->ktext_paddr % CC_HANG_PAGE || r->ktext_size % CC_HANG_PAGE ||
		    r->ktext_vaddr % CC_HANG_PAGE || r->ktext_vaddr < CC_KERNEL_MAP ||
		    r->ktext_paddr + r->ktext_size < r->ktext_paddr || r->ktext_vaddr + r->ktext_size < r->ktext_vaddr)
			return HANGREC_BAD_KTEXT;
	}
	if ((rc = check_target(r)) != HANGREC_OK)
		return rc;
	if ((rc = check_ranges(r, &where)) != HANGREC_OK || (rc = check_canaries(r, &where)) != HANGREC_OK) {
		if (at)
			*at = where;
		return rc;
	}
	return HANGREC_OK;
}

int hangrec_canary_matches(const struct cc_hang_canary *c, const volatile uint8_t *mem)
{
	uint8_t chunk[64];
	uint32_t crc = 0;
	for (uint32_t i = 0; i < CC_CANARY_HEAD; i++)
		if (mem[i] != c->head[i])
			return 0;
	for (uint32_t done = 0; done < c->len;) {
		uint32_t n = c->len - done < sizeof(chunk) ? c->len - done : (uint32_t)sizeof(chunk);
		for (uint32_t i = 0; i < n; i++)
			chunk[i] = mem[done + i];
		crc = crc32_update(crc, chunk, n);
		done += n;
	}
	return crc == c->crc;
}

int hangrec_kind_unique(uint32_t kind)
{
	return kind == CC_CANARY_BOOTID || kind == CC_CANARY_KEY || kind == CC_CANARY_REGION;
}

int hangrec_type_counts(uint32_t efi_type)
{
	return efi_type == CC_EFI_CONVENTIONAL;
}

int hangrec_ram_verdict(const struct cc_hang_record *r, uint32_t matched, uint32_t counted)
{
	unsigned n = 0, unique = 0;
	for (unsigned i = 0; i < r->nr_canaries && i < CC_HANG_MAX_CANARIES; i++) {
		if (!(matched & counted & (1u << i)))
			continue;
		n++;
		unique += hangrec_kind_unique(r->canaries[i].kind);
	}
	if (n < HANGREC_MIN_MATCH)
		return HANGREC_RAM_TOO_FEW;
	return unique ? HANGREC_RAM_SURVIVED : HANGREC_RAM_NO_UNIQUE;
}

_Static_assert(HANGREC_MIN_MATCH == 2, "hangrec_verdict_words says 2");

const char *hangrec_verdict_words(int verdict)
{
	switch (verdict) {
	case HANGREC_RAM_SURVIVED:  return "RAM survived";
	case HANGREC_RAM_TOO_FEW:   return "RAM did not survive (fewer than 2 canaries in free memory match)";
	case HANGREC_RAM_NO_UNIQUE: return "RAM did not survive (no canary unique to the boot matches in free memory)";
	}
	return "RAM did not survive (unknown verdict)";
}

const char *hangrec_error(int code)
{
	switch (code) {
	case HANGREC_OK:           return "valid";
	case HANGREC_NO_MAGIC:     return "no magic";
	case HANGREC_BAD_VERSION:  return "unknown version";
	case HANGREC_BAD_SIZE:     return "wrong size";
	case HANGREC_BAD_SUM:      return "checksum wrong";
	case HANGREC_NO_BOOT_ID:   return "no boot identity";
	case HANGREC_BAD_RESERVED: return "reserved bytes not zero";
	case HANGREC_BAD_TARGET:   return "target not usable";
	case HANGREC_BAD_RANGE:    return "bad RAM range";
	case HANGREC_BAD_CANARY:   return "bad canary";
	case HANGREC_BAD_KTEXT:    return "bad kernel image range";
	case HANGREC_BAD_LEVEL:    return "bad dump level or compression";
	}
	return "unknown error";
}

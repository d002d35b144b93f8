/* loader/fwranges.c - see fwranges.h. */
#include <string.h>

#include "crashcap/notes.h"
#include "loader/fwranges.h"

static const char *const efi_types[] = {
	"Reserved", "LoaderCode", "LoaderData", "BootServicesCode", "BootServicesData", "RuntimeServicesCode",
	"RuntimeServicesData", "Conventional", "Unusable", "ACPIReclaim", "ACPINVS", "MMIO", "MMIOPort", "PalCode",
	"Persistent", "Unaccepted",
};

const char *fwranges_type_name(uint32_t type, char *buf, size_t n)
{
	if (type < sizeof(efi_types) / sizeof(efi_types[0]))
		return efi_types[type];
	snprintf(buf, n, "type %u", type);
	return buf;
}

static uint32_t get32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

int fwranges_print(FILE *out, const unsigned char *notes, uint64_t len)
{
	uint64_t off = 0;
	int printed = 0;
	while (len - off >= 12) {
		uint32_t namesz = get32(notes + off), descsz = get32(notes + off + 4), type = get32(notes + off + 8);
		uint64_t name_at = off + 12, desc_at = name_at + ((namesz + 3ull) & ~3ull);
		uint64_t end = desc_at + ((descsz + 3ull) & ~3ull);
		if (namesz == 0 && descsz == 0 && type == 0)
			break; /* padding */
		if (end > len)
			return -1;
		int ours = namesz == sizeof(CC_NOTE_NAME) && !memcmp(notes + name_at, CC_NOTE_NAME, sizeof(CC_NOTE_NAME));
		if (ours && type == CC_NT_NO_REGS) {
			fprintf(out, "note: %.*s\n", (int)strnlen((const char *)notes + desc_at, descsz), notes + desc_at);
		} else if (ours && type == CC_NT_FW_RANGES) {
			if (descsz % sizeof(struct cc_fw_range))
				return -1;
			for (uint32_t i = 0; i < descsz / sizeof(struct cc_fw_range); i++) {
				struct cc_fw_range r;
				char buf[24];
				memcpy(&r, notes + desc_at + i * sizeof(r), sizeof(r));
				fprintf(out, "firmware: 0x%016llx-0x%016llx %s, %llu KiB\n", (unsigned long long)r.paddr,
					(unsigned long long)(r.paddr + r.size - 1), fwranges_type_name(r.efi_type, buf, sizeof(buf)),
					(unsigned long long)(r.size >> 10));
				printed++;
			}
		}
		off = end;
	}
	return printed;
}

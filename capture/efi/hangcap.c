/* capture/efi/hangcap.c - hangcap.efi: the UEFI application the firmware
 * starts at every boot before the operating system (docs/hangcap.md).
 *
 * Built so far: the no-record path and the proof.  It reads the hang
 * record (CrashcapHang, crashcap's vendor GUID) and, when there is none or
 * it is not valid, returns EFI_SUCCESS at once with one line saying why
 * and how long it took.  For a valid record it compares the canaries with
 * RAM and says whether RAM survived (capture/hangrec.c's rule), then
 * returns: the capture is not built yet, so this build never writes a
 * variable, a disk or RAM it does not own, and leaves the record. */
#include <efi.h>
#include <efilib.h>

#include "boot/efi/efiutil.h"
#include "capture/hangrec.h"

static EFI_GUID hang_guid = { CC_HANG_GUID_DATA1, CC_HANG_GUID_DATA2, CC_HANG_GUID_DATA3, CC_HANG_GUID_DATA4 };

/* One byte more than a record: a longer variable reads as too long, not as cut. */
static UINT8 var_buf[CC_HANG_RECORD_SIZE + 1] __attribute__((aligned(8)));

enum verdict { NO_RECORD, READ_FAILED, INVALID, VALID };

static const char *const kind_words[] = { "?", "bootid", "region", "vmcoreinfo", "key", "roinit" };

static const char *const mem_types[] = {
	"Reserved", "LoaderCode", "LoaderData", "BootServicesCode", "BootServicesData", "RuntimeServicesCode",
	"RuntimeServicesData", "Conventional", "Unusable", "ACPIReclaim", "ACPINVS", "MMIO", "MMIOPort", "PalCode",
	"Persistent",
};
#define TYPE_NOT_IN_MAP 0xffffffffu

/* The memory map's type at paddr now, or TYPE_NOT_IN_MAP. */
static UINT32 mem_type_at(EFI_MEMORY_DESCRIPTOR *map, UINTN n, UINTN dsize, UINT64 paddr)
{
	for (UINTN i = 0; map && i < n; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * dsize);
		if (paddr >= d->PhysicalStart && paddr - d->PhysicalStart < d->NumberOfPages * 4096)
			return d->Type;
	}
	return TYPE_NOT_IN_MAP;
}

static const char *type_words(UINT32 t)
{
	if (t == TYPE_NOT_IN_MAP)
		return "not in the map";
	return t < sizeof(mem_types) / sizeof(mem_types[0]) ? mem_types[t] : "other";
}

/* Compare every canary with RAM (bits of *matched), and ask the memory
 * map (read only on this path) which of them lie in memory the firmware
 * does not own (bits of *counted); types[i] what the map says there. */
static void check_canaries(const struct cc_hang_record *r, UINT32 *matched, UINT32 *counted, UINT32 *types)
{
	UINTN n = 0, key, dsize = 0;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
	*matched = *counted = 0;
	for (unsigned i = 0; i < r->nr_canaries; i++) {
		const struct cc_hang_canary *c = &r->canaries[i];
		types[i] = mem_type_at(map, n, dsize, c->paddr);
		if (types[i] != TYPE_NOT_IN_MAP && hangrec_type_counts(types[i]))
			*counted |= 1u << i;
		if (hangrec_canary_matches(c, (const volatile UINT8 *)(UINTN)c->paddr))
			*matched |= 1u << i;
	}
	if (map)
		FreePool(map);
}

/* One line per canary: matches or differs, and the memory type there. */
static void name_canaries(const struct cc_hang_record *r, UINT32 matched, UINT32 counted, const UINT32 *types)
{
	for (unsigned i = 0; i < r->nr_canaries; i++)
		Print(L"hangcap: canary %d (%a, %d bytes at 0x%lx) %a; %a memory there%a\n", i,
		      kind_words[r->canaries[i].kind], r->canaries[i].len, r->canaries[i].paddr,
		      matched & (1u << i) ? "matches" : "differs", type_words(types[i]),
		      counted & (1u << i) ? "" : ", not counted");
}

/* Read and check the record; why gets the reason's words, detail a number. */
static enum verdict look(const char **why, UINT64 *detail, UINT32 *attrs)
{
	UINTN size = sizeof(var_buf);
	EFI_STATUS st = RT->GetVariable((CHAR16 *)L"" CC_HANG_VAR_NAME, &hang_guid, attrs, &size, var_buf);

	*detail = 0;
	if (st == EFI_NOT_FOUND) {
		*why = "no hang record";
		return NO_RECORD;
	}
	if (st == EFI_BUFFER_TOO_SMALL) {
		*why = "wrong size";
		*detail = size;
		return INVALID;
	}
	if (EFI_ERROR(st)) {
		*why = "cannot read the hang record";
		*detail = st;
		return READ_FAILED;
	}
	if (*attrs != CC_HANG_VAR_ATTRS) {
		*why = "attributes not NV|BS|RT";
		*detail = *attrs;
		return INVALID;
	}
	unsigned at;
	int rc = hangrec_check(var_buf, size, &at);
	if (rc != HANGREC_OK) {
		*why = hangrec_error(rc);
		*detail = rc == HANGREC_BAD_SIZE ? size : at;
		return INVALID;
	}
	*why = "valid";
	return VALID;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	UINT64 t0 = efi_rdtsc();
	const char *why;
	UINT64 detail;
	UINT32 attrs = 0;

	InitializeLib(image, systab);
	enum verdict v = look(&why, &detail, &attrs);
	const struct cc_hang_record *r = (const struct cc_hang_record *)var_buf;
	UINT32 matched = 0, counted = 0, types[CC_HANG_MAX_CANARIES];
	if (v == VALID)
		check_canaries(r, &matched, &counted, types);
	UINT64 t1 = efi_rdtsc();

	UINT64 us = efi_tsc_us(t1 - t0, efi_tsc_per_ms());
	switch (v) {
	case NO_RECORD:
		Print(L"hangcap: no hang record: nothing to capture, back to the boot manager after %ld us\n", us);
		break;
	case READ_FAILED:
		Print(L"hangcap: cannot read the hang record (%r): nothing captured, back after %ld us\n",
		      (EFI_STATUS)detail, us);
		break;
	case INVALID:
		Print(L"hangcap: hang record invalid (%a, %ld): nothing captured, left in place, back after %ld us\n",
		      why, detail, us);
		break;
	case VALID: {
		unsigned nm = 0, nc = 0, ncm = 0;
		for (unsigned i = 0; i < r->nr_canaries; i++) {
			nm += !!(matched & (1u << i));
			nc += !!(counted & (1u << i));
			ncm += !!(matched & counted & (1u << i));
		}
		Print(L"hangcap: hang record valid; canaries %d of %d match, %d of %d in free memory: %a; "
		      L"capture not built yet, nothing captured, left in place, back after %ld us\n", nm, r->nr_canaries,
		      ncm, nc, hangrec_verdict_words(hangrec_ram_verdict(r, matched, counted)), us);
		name_canaries(r, matched, counted, types);
		break;
	}
	}
	return EFI_SUCCESS;
}

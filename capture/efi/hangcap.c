/* capture/efi/hangcap.c - hangcap.efi: the UEFI application the firmware
 * starts at every boot before the operating system (docs/hangcap.md).
 *
 * It reads the hang record (CrashcapHang, crashcap's vendor GUID) and,
 * when there is none or it is not valid, returns EFI_SUCCESS at once with
 * one line saying why and how long it took.  For a valid record it
 * compares the canaries with RAM (capture/hangrec.c's rule).  When RAM
 * survived it captures: deletes the record first (used once: no delete,
 * no dump), stops the firmware's boot watchdog, finds the armed target
 * among the firmware's Block I/O disks (drivers/efi/blockio.c) and runs the
 * payload's own capture code (capture/dump.c's dump_run) over it, with a
 * parameter block made from the record (capture/efi/hangparams.c).  The
 * header then says "hang capture".  Every outcome is one line; it always
 * returns EFI_SUCCESS, so the boot goes on to the operating system. */
#include <efi.h>
#include <efilib.h>

#include "boot/efi/efiutil.h"
#include "boot/console.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "capture/dump.h"
#include "capture/dumphdr.h"
#include "capture/efi/hangparams.h"
#include "capture/ostream.h"
#include "boot/format.h"
#include "capture/hangrec.h"
#include "crashcap/dumpfmt.h"
#include "crashcap/notes.h"
#include "crashcap/status.h"
#include "drivers/efi/blockio.h"

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

/* What blockio_find's match saw: the armed target is the disk whose
 * header at the window's start is valid, carries the record's UUID and is
 * still empty (as the loader armed it). */
struct armed {
	const uint8_t *uuid;
	unsigned not_empty;  /* disks with the UUID but another state */
	uint32_t state;      /* the last such state */
};

static int is_armed_target(const void *area, uint32_t len, void *ctx)
{
	struct armed *a = ctx;
	const struct cc_dump_header *h = area;
	if (len < sizeof(*h) || dumphdr_check(h) != DUMPHDR_OK || memcmp(h->uuid, a->uuid, 16))
		return 0;
	if (h->state != CC_STATE_EMPTY) {
		a->not_empty++;
		a->state = h->state;
		return 0;
	}
	return 1;
}

static struct cc_params params; /* 8.9 KiB: not on the firmware's stack */
static struct cc_fw_range fw[CC_FW_RANGES_MAX];
static char no_regs[200];

/* The memory map now: every range that is not EfiConventionalMemory
 * (adjacent ones of a type merged) into fw[]; the count, and in *dropped
 * those beyond CC_FW_RANGES_MAX.  *in_ram gets the bytes of them that lie
 * in the RAM ranges being dumped (not the kernel image's alias). */
static unsigned firmware_ranges(const struct cc_params *p, unsigned *dropped, uint64_t *in_ram)
{
	UINTN n = 0, key, dsize = 0;
	UINT32 dver;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&n, &key, &dsize, &dver);
	unsigned k = 0;

	*dropped = 0;
	*in_ram = 0;
	if (!map) {
		cc_log("GetMemoryMap failed: the dump will not say what the firmware owned");
		return 0;
	}
	for (UINTN i = 0; i < n; i++) {
		const EFI_MEMORY_DESCRIPTOR *d = (const EFI_MEMORY_DESCRIPTOR *)((const UINT8 *)map + i * dsize);
		uint64_t size = d->NumberOfPages * 4096;
		if (d->Type == EfiConventionalMemory)
			continue;
		for (uint32_t j = 0; j < p->nr_ranges; j++) {
			const struct cc_mem_range *g = &p->ranges[j];
			uint64_t lo = g->paddr > d->PhysicalStart ? g->paddr : d->PhysicalStart;
			uint64_t hi = g->paddr + g->size < d->PhysicalStart + size ? g->paddr + g->size : d->PhysicalStart + size;
			if (g->vaddr < CC_KERNEL_MAP && hi > lo)
				*in_ram += hi - lo;
		}
		if (k && fw[k - 1].efi_type == d->Type && fw[k - 1].paddr + fw[k - 1].size == d->PhysicalStart) {
			fw[k - 1].size += size;
			continue;
		}
		if (k == CC_FW_RANGES_MAX) {
			(*dropped)++;
			continue;
		}
		fw[k++] = (struct cc_fw_range){ .paddr = d->PhysicalStart, .size = size, .efi_type = d->Type };
	}
	FreePool(map);
	return k;
}

/* The notes that say what this dump is: no registers, and the firmware's ranges. */
static void hang_notes(const struct cc_params *p)
{
	unsigned dropped;
	uint64_t in_ram;
	unsigned k = firmware_ranges(p, &dropped, &in_ram);
	int len = cc_snprintf(no_regs, sizeof(no_regs),
			      "hang capture by hangcap.efi after an unplanned reset: no CPU registers, no NT_PRSTATUS; "
			      "%u firmware ranges in note 0x%x (%u more not recorded)", k, CC_NT_FW_RANGES, dropped);
	struct dump_note notes[2] = {
		{ CC_NOTE_NAME, CC_NT_NO_REGS, no_regs, (uint32_t)(len < (int)sizeof(no_regs) ? len : (int)sizeof(no_regs) - 1) },
		{ CC_NOTE_NAME, CC_NT_FW_RANGES, fw, k * (uint32_t)sizeof(fw[0]) },
	};
	dump_set_extra_notes(notes, 2);
	cc_log("the firmware owns %u ranges now (%lu KiB of the dumped RAM): recorded in the dump as a note%s",
	       k, in_ram >> 10, dropped ? ", some not" : "");
}

/* The capture, for a valid record whose RAM survived. */
static void capture(const struct cc_hang_record *r, UINT32 attrs)
{
	const uint8_t *u = r->target.uuid;
	EFI_STATUS st = RT->SetVariable((CHAR16 *)L"" CC_HANG_VAR_NAME, &hang_guid, attrs, 0, NULL);
	if (EFI_ERROR(st)) {
		cc_log("could not delete the hang record (firmware status %lx): a record is used once, so nothing captured",
		       (uint64_t)st);
		return;
	}
	st = BS->SetWatchdogTimer(0, 0, 0, NULL);
	if (EFI_ERROR(st))
		cc_log("could not stop the firmware's boot watchdog (firmware status %lx): it may reset a long dump",
		       (uint64_t)st);
	uint64_t hz = timer_init();
	cc_log("record deleted (used once), boot watchdog off; clock: TSC %lu MHz (calibrated against Stall)",
	       hz / 1000000);

	hangparams_from_record(r, &params);
	struct armed a = { .uuid = u };
	struct blkdev bd;
	struct blockio_scan scan;
	int rc = blockio_find(r->target.sector_size, r->target.lba_start, CC_HDR_AREA, is_armed_target, &a, &bd, &scan);
	if (rc == CC_ERR_WRONG_DISK) {
		cc_log("%u disks carry the armed target %02x%02x%02x%02x-..-%02x%02x: nothing captured (exactly one must)",
		       scan.matches, u[0], u[1], u[2], u[3], u[14], u[15]);
		return;
	}
	if (rc && a.not_empty) {
		cc_log("the target %02x%02x%02x%02x-..-%02x%02x is %s, not empty: a dump written since the arming wins; "
		       "nothing captured", u[0], u[1], u[2], u[3], u[14], u[15], dumphdr_state_name(a.state));
		return;
	}
	if (rc) {
		cc_log("no disk carries the armed target %02x%02x%02x%02x-..-%02x%02x (%u Block I/O handles, %u whole "
		       "disks looked at): nothing captured", u[0], u[1], u[2], u[3], u[14], u[15], scan.handles, scan.disks);
		return;
	}
	/* The larger output ring, from the firmware: allocated before the
	 * memory map is read for the notes, so its pages are among the
	 * firmware's ranges the dump names (they held the crashed kernel's
	 * RAM until now). */
	EFI_PHYSICAL_ADDRESS ring = 0;
	UINTN ring_pages = EFI_SIZE_TO_PAGES((UINTN)DUMP_RING_BUFS * DUMP_RING_BYTES);
	st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, ring_pages, &ring);
	if (!EFI_ERROR(st))
		dump_use_ring((void *)(UINTN)ring, DUMP_RING_BUFS, DUMP_RING_BYTES);
	else
		cc_log("no %u KiB from the firmware for the output ring (status %lx): 3 x %u KiB", DUMP_RING_BUFS *
		       (DUMP_RING_BYTES >> 10), (uint64_t)st, OSTREAM_BUF_BYTES >> 10);
	hang_notes(&params);
	rc = dump_run(&params, &bd);
	blockio_release();
	if (ring)
		BS->FreePages(ring, ring_pages);
	cc_log("hang capture ended: %s (%u)", cc_status_name((uint32_t)rc), (uint32_t)rc);
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
		int verdict = hangrec_ram_verdict(r, matched, counted);
		Print(L"hangcap: hang record valid; canaries %d of %d match, %d of %d in free memory: %a; %a after %ld us\n",
		      nm, r->nr_canaries, ncm, nc, hangrec_verdict_words(verdict),
		      verdict == HANGREC_RAM_SURVIVED ? "capturing" : "nothing captured, left in place, back", us);
		name_canaries(r, matched, counted, types);
		if (verdict == HANGREC_RAM_SURVIVED)
			capture(r, attrs);
		break;
	}
	}
	return EFI_SUCCESS;
}

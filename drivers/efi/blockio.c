/* drivers/efi/blockio.c - see blockio.h. */
#include <efi.h>
#include <efilib.h>

#include "drivers/efi/blockio.h"
#include "boot/console.h"
#include "boot/format.h"
#include "boot/string.h"
#include "boot/timer.h"
#include "crashcap/status.h"

#define PAGE 4096u
#define PROBE_BYTES 8192u /* the header read of blockio_find: sectors up to 4 KiB, IoAlign up to 4 KiB */

/* The bound of one firmware call (BLOCKIO_CALL_BOUND_S, BLOCKIO_FLOOR_BPS in
 * blockio.h), kept by the firmware's watchdog (UEFI 2.10 7.5.1,
 * SetWatchdogTimer: Timeout in seconds, 0 disables it; codes up to 0xFFFF
 * are the firmware's). */
#define WATCHDOG_CODE 0x4343484eull /* "CCHN" */
static CHAR16 watchdog_why[] = L"crashcap hangcap: a Block I/O call did not return";

struct bio_state {
	EFI_BLOCK_IO *bio;
	UINT32 media_id;
	UINT32 align;        /* IoAlign: 0 or 1 = any */
	uint8_t *bounce;     /* BLOCKIO_MAX_BYTES of firmware memory */
	int done, ok;        /* the result of the request in slot `slot` */
	unsigned slot;
	uint64_t written, write_us, writes; /* WriteBlocks: bytes, time inside the call, calls */
	char name[40];
};

static struct bio_state state;
static uint8_t probe[PROBE_BYTES] __attribute__((aligned(PAGE)));

static const char *op_name(uint32_t op)
{
	return op == BLK_OP_WRITE ? "WriteBlocks" : op == BLK_OP_READ ? "ReadBlocks" : "FlushBlocks";
}

static int watchdog_ok = 1; /* 0 once SetWatchdogTimer failed: said once, calls unbounded */

uint64_t blockio_call_bound_s(uint64_t bytes)
{
	return BLOCKIO_CALL_BOUND_S + (bytes + BLOCKIO_FLOOR_BPS - 1) / BLOCKIO_FLOOR_BPS;
}

/* Arm the firmware's watchdog for a call of bytes bytes (bytes = ~0: off).
 * A call that never returns then resets the machine; off again after it,
 * so that the capture's own work between calls is never bounded by it. */
static void bound_call(uint64_t bytes)
{
	if (!watchdog_ok)
		return;
	uint64_t s = bytes == ~0ull ? 0 : blockio_call_bound_s(bytes);
	EFI_STATUS st = BS->SetWatchdogTimer(s, WATCHDOG_CODE, s ? sizeof(watchdog_why) : 0, s ? watchdog_why : NULL);
	if (EFI_ERROR(st)) {
		watchdog_ok = 0;
		cc_log("Block I/O: SetWatchdogTimer: firmware status %lx: the firmware's calls are not bounded", (uint64_t)st);
	}
}

static int misaligned(const struct bio_state *b, uint64_t phys)
{
	return b->align > 1 && phys % b->align;
}

/* The request, to its end: the firmware's calls are synchronous. */
static int bio_submit(struct blkdev *d, unsigned s, const struct blk_req *r)
{
	struct bio_state *b = d->drv;
	void *buf = (void *)(UINTN)r->phys;
	int bounce = r->op != BLK_OP_FLUSH && misaligned(b, r->phys);
	EFI_STATUS st;

	if (r->bytes > BLOCKIO_MAX_BYTES)
		return -1;
	if (bounce) {
		if (r->op == BLK_OP_WRITE)
			memcpy(b->bounce, buf, r->bytes);
		buf = b->bounce;
	}
	bound_call(r->op == BLK_OP_FLUSH ? 0 : r->bytes);
	if (r->op == BLK_OP_WRITE) {
		uint64_t t0 = timer_now_us();
		st = b->bio->WriteBlocks(b->bio, b->media_id, r->lba, r->bytes, buf);
		b->write_us += timer_now_us() - t0;
		b->written += EFI_ERROR(st) ? 0 : r->bytes;
		b->writes++;
	} else if (r->op == BLK_OP_READ)
		st = b->bio->ReadBlocks(b->bio, b->media_id, r->lba, r->bytes, buf);
	else
		st = b->bio->FlushBlocks(b->bio);
	bound_call(~0ull);
	if (EFI_ERROR(st))
		cc_log("%s: %s of %lu bytes at sector %lu: firmware status %lx", d->name, op_name(r->op), r->bytes, r->lba,
		       (uint64_t)st);
	else if (bounce && r->op == BLK_OP_READ)
		memcpy((void *)(UINTN)r->phys, b->bounce, r->bytes);
	b->done = 1;
	b->ok = !EFI_ERROR(st);
	b->slot = s;
	return 0;
}

static int bio_reap(struct blkdev *d, unsigned *slot, int *ok)
{
	struct bio_state *b = d->drv;
	if (!b->done)
		return 0;
	b->done = 0;
	*slot = b->slot;
	*ok = b->ok;
	return 1;
}

static int bio_reset(struct blkdev *d, int why)
{
	struct bio_state *b = d->drv;
	(void)why;
	b->done = 0; /* nothing is in flight after a synchronous call */
	bound_call(0);
	EFI_STATUS st = b->bio->Reset(b->bio, FALSE);
	bound_call(~0ull);
	if (EFI_ERROR(st)) {
		cc_log("%s: Reset: firmware status %lx", d->name, (uint64_t)st);
		return -1;
	}
	return 0;
}

/* The handle's device path as text, narrowed to ASCII, for messages. */
static void path_text(EFI_HANDLE h, char *out, unsigned len)
{
	EFI_DEVICE_PATH *dp = DevicePathFromHandle(h);
	CHAR16 *s = dp ? DevicePathToStr(dp) : NULL;
	unsigned i = 0;
	for (; s && s[i] && i + 1 < len; i++)
		out[i] = s[i] < 0x80 ? (char)s[i] : '?';
	out[i] = 0;
	if (s)
		FreePool(s);
}

/* Is the disk behind bio a candidate: whole, medium present, the sector
 * size asked, long enough to hold the header at lba? */
static int candidate(const EFI_BLOCK_IO *bio, uint32_t sector_size, uint64_t lba, uint32_t hdr_bytes)
{
	const EFI_BLOCK_IO_MEDIA *m = bio->Media;
	if (!m || m->LogicalPartition || !m->MediaPresent || !m->BlockSize || m->BlockSize > PAGE || m->IoAlign > PAGE)
		return 0;
	if (sector_size && m->BlockSize != sector_size)
		return 0;
	uint64_t n = (hdr_bytes + m->BlockSize - 1) / m->BlockSize;
	return lba <= m->LastBlock && n <= m->LastBlock + 1 - lba;
}

int blockio_find(uint32_t sector_size, uint64_t lba, uint32_t hdr_bytes, blockio_match_fn *match, void *ctx,
		 struct blkdev *bd, struct blockio_scan *scan)
{
	EFI_HANDLE *handles = NULL;
	UINTN nh = 0;
	EFI_PHYSICAL_ADDRESS mem = 0;
	EFI_STATUS st;
	int chosen = -1;
	char where[96];

	memset(scan, 0, sizeof(*scan));
	if (hdr_bytes > PROBE_BYTES - PAGE)
		return CC_ERR_PARAMS;
	st = BS->LocateHandleBuffer(ByProtocol, &BlockIoProtocol, NULL, &nh, &handles);
	if (EFI_ERROR(st)) {
		cc_log("Block I/O: LocateHandleBuffer: firmware status %lx (no disks?)", (uint64_t)st);
		return CC_ERR_NO_DEVICE;
	}
	scan->handles = (unsigned)nh;
	for (UINTN i = 0; i < nh; i++) {
		EFI_BLOCK_IO *bio = NULL;
		st = BS->HandleProtocol(handles[i], &BlockIoProtocol, (void **)&bio);
		if (EFI_ERROR(st)) {
			cc_log("Block I/O: handle %lu: HandleProtocol: firmware status %lx", (uint64_t)i, (uint64_t)st);
			continue;
		}
		if (!candidate(bio, sector_size, lba, hdr_bytes))
			continue;
		scan->disks++;
		uint32_t bs = bio->Media->BlockSize;
		uint64_t n = (hdr_bytes + bs - 1) / bs * bs;
		memset(probe, 0, n);
		bound_call(n);
		st = bio->ReadBlocks(bio, bio->Media->MediaId, lba, n, probe);
		bound_call(~0ull);
		if (EFI_ERROR(st)) {
			path_text(handles[i], where, sizeof(where));
			cc_log("Block I/O: %s: ReadBlocks of %lu bytes at sector %lu: firmware status %lx", where, n, lba,
			       (uint64_t)st);
			continue;
		}
		if (match(probe, hdr_bytes, ctx)) {
			scan->matches++;
			if (chosen < 0)
				chosen = (int)i;
		}
	}
	if (scan->matches != 1) {
		if (handles)
			FreePool(handles);
		return scan->matches ? CC_ERR_WRONG_DISK : CC_ERR_NO_DEVICE;
	}

	EFI_BLOCK_IO *bio = NULL;
	BS->HandleProtocol(handles[chosen], &BlockIoProtocol, (void **)&bio);
	path_text(handles[chosen], where, sizeof(where));
	FreePool(handles);
	/* A bounce buffer only for a disk that needs aligned buffers: every
	 * page of firmware memory hangcap takes is old RAM overwritten. */
	if (bio->Media->IoAlign > 1) {
		st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, BLOCKIO_MAX_BYTES / PAGE, &mem);
		if (EFI_ERROR(st)) {
			cc_log("Block I/O: %s: AllocatePages of %u KiB for the bounce buffer (IoAlign %u): firmware status %lx",
			       where, BLOCKIO_MAX_BYTES >> 10, bio->Media->IoAlign, (uint64_t)st);
			return CC_ERR_NO_MEMORY;
		}
		state.bounce = (uint8_t *)(UINTN)mem;
	}
	state.bio = bio;
	state.media_id = bio->Media->MediaId;
	state.align = bio->Media->IoAlign;
	state.done = 0;
	state.written = state.write_us = state.writes = 0;
	memset(bd, 0, sizeof(*bd));
	cc_snprintf(bd->name, sizeof(bd->name), "blockio %s", where);
	memcpy(state.name, bd->name, sizeof(state.name));
	bd->sectors = bio->Media->LastBlock + 1;
	bd->sector_size = bio->Media->BlockSize;
	bd->max_bytes = BLOCKIO_MAX_BYTES / bd->sector_size * bd->sector_size;
	bd->nslots = 1;
	bd->has_flush = 1;
	bd->nids = 0;
	bd->drv = &state;
	bd->submit = bio_submit;
	bd->reap = bio_reap;
	bd->reset = bio_reset;
	cc_log("target: Block I/O %s, %lu sectors of %u bytes, IoAlign %u%s", where, bd->sectors, bd->sector_size,
	       state.align, bio->Media->WriteCaching ? ", write cache" : "");
	if (watchdog_ok)
		cc_log("each Block I/O call is bounded by the firmware's watchdog: %u s + 1 s per %u MB (%lu s for %u KiB); "
		       "a call that does not return resets the machine, and the next boot is normal (no record)",
		       BLOCKIO_CALL_BOUND_S, BLOCKIO_FLOOR_BPS / 1000000u, blockio_call_bound_s(BLOCKIO_MAX_BYTES),
		       BLOCKIO_MAX_BYTES >> 10);
	return CC_OK;
}

void blockio_release(void)
{
	if (state.bio && state.writes)
		cc_log("%s: %lu MiB written in %lu WriteBlocks calls, %lu ms inside them: %lu MB/s", state.name,
		       state.written >> 20, state.writes, state.write_us / 1000,
		       state.write_us ? state.written / state.write_us : 0);
	if (state.bounce)
		BS->FreePages((EFI_PHYSICAL_ADDRESS)(UINTN)state.bounce, BLOCKIO_MAX_BYTES / PAGE);
	state.bounce = NULL;
	state.bio = NULL;
}

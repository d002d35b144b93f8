/* loader/hangrec_cmd.c - `crashcap hangrec show|clear`: the hang record
 * `crashcap load` leaves for hangcap.efi (docs/hangcap.md), shown or
 * removed by hand.  show: exit 0 when there is no record or a valid one,
 * 1 when it cannot be read or is not valid (one line on stderr). */
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture/hangrec.h"
#include "loader/commands.h"
#include "loader/efivar.h"
#include "loader/sysfile.h"
#include "loader/uuid.h"

#define HANG_FILE CC_HANG_VAR_NAME "-" CC_HANG_VAR_GUID

static const char *const target_kinds[] = { "none", "virtio-blk", "ahci", "nvme" };

/* The record as efivarfs holds it, for show and clear --stale. */
static union {
	struct cc_hang_record r;
	uint8_t b[CC_HANG_RECORD_SIZE + 1]; /* one byte more: a longer variable reads as too long */
} rec;

enum got { GOT_NO_EFIVARFS, GOT_NONE, GOT_READ_ERROR, GOT_INVALID, GOT_VALID };

/* Read and check the record.  why gets the reason (no efivarfs, the read
 * error, the check's words), *len the variable's bytes, *at the entry the
 * check stopped at. */
static enum got read_record(const char *root, uint32_t *attrs, ssize_t *len, unsigned *at, char *why, size_t size)
{
	if (!efivar_available(root, why, size))
		return GOT_NO_EFIVARFS;
	*len = efivar_read(root, HANG_FILE, attrs, rec.b, sizeof(rec.b), why, size);
	if (*len == -2)
		return GOT_NONE;
	if (*len < 0)
		return GOT_READ_ERROR;
	int rc = hangrec_check(rec.b, (size_t)*len, at);
	if (rc != HANGREC_OK) {
		snprintf(why, size, "%s", hangrec_error(rc));
		return GOT_INVALID;
	}
	return GOT_VALID;
}

/* When the record was armed, as text. */
static void armed_when(const struct cc_hang_record *r, char when[32])
{
	time_t t = (time_t)r->armed_time;
	struct tm tm;
	strcpy(when, "?");
	if (gmtime_r(&t, &tm))
		strftime(when, 32, "%Y-%m-%d %H:%M:%S UTC", &tm);
}

static int show(const char *root)
{
	char why[400], text[64], uuid[UUID_TEXT_LEN + 1];
	uint32_t attrs;
	ssize_t n = 0;
	unsigned at = 0;
	uint8_t now_id[16];

	switch (read_record(root, &attrs, &n, &at, why, sizeof(why))) {
	case GOT_NO_EFIVARFS:
		printf("hang record: none (%s)\n", why);
		return 0;
	case GOT_NONE:
		printf("hang record: none\n");
		return 0;
	case GOT_READ_ERROR:
		warnx("hang record: %s", why);
		return 1;
	case GOT_INVALID:
		warnx("hang record %s: not valid: %s (%zd bytes, entry %u)", HANG_FILE, why, n, at);
		return 1;
	case GOT_VALID:
		break;
	}
	if (attrs != CC_HANG_VAR_ATTRS) {
		warnx("hang record %s: attributes 0x%x, not 0x%x (NV|BS|RT): hangcap.efi refuses it", HANG_FILE, attrs,
		      CC_HANG_VAR_ATTRS);
		return 1;
	}
	const struct cc_hang_record *r = &rec.r;
	uint64_t ram = 0;
	for (unsigned i = 0; i < r->nr_ranges; i++)
		ram += r->ranges[i].size;
	int same = sysfile_read_line(root, "/proc/sys/kernel/random/boot_id", text, sizeof(text)) == 0 &&
		   uuid_parse(text, now_id) == 0 && !memcmp(now_id, r->boot_id, 16);
	char when[32];
	armed_when(r, when);

	printf("hang record %s: valid, %zd bytes\n", HANG_FILE, n);
	uuid_format(r->boot_id, uuid);
	printf("%-10s %s (%s)\n", "boot", uuid, same ? "this boot" : "an earlier boot, which did not stop cleanly");
	printf("%-10s %s\n", "armed", when);
	printf("%-10s %u ranges, %llu MiB", "ram", r->nr_ranges, (unsigned long long)(ram >> 20));
	if (r->ktext_size)
		printf("; kernel image 0x%llx+0x%llx at 0x%llx", (unsigned long long)r->ktext_paddr,
		       (unsigned long long)r->ktext_size, (unsigned long long)r->ktext_vaddr);
	printf("\n%-10s 0x%llx+0x%llx\n", "vmcoreinfo", (unsigned long long)r->vmcoreinfo_paddr,
	       (unsigned long long)r->vmcoreinfo_size);
	uuid_format(r->target.uuid, uuid);
	printf("%-10s %s %02x:%02x.%x unit %u, sectors %llu+%llu, uuid %s\n", "target",
	       target_kinds[r->target.kind], r->target.bus, r->target.dev, r->target.fn, r->target.unit,
	       (unsigned long long)r->target.lba_start, (unsigned long long)r->target.lba_count, uuid);
	printf("%-10s %u, %s\n", "level", r->dump_level, r->compress == CC_COMPRESS_LZ4 ? "lz4" : "stored");
	printf("%-10s %u%s\n", "canaries", r->nr_canaries,
	       r->nr_canaries < 2 ? " (hangcap.efi needs 2 that match to capture)" : "");
	return 0;
}

/* clear --stale: remove the record only when it is valid and of an
 * earlier boot (hangcap.efi did not consume it: RAM did not survive, or
 * hangcap.efi is not installed); one line in every case. */
static int clear_stale(const char *root)
{
	char why[400], text[64], id[UUID_TEXT_LEN + 1];
	uint32_t attrs;
	ssize_t n = 0;
	unsigned at = 0;
	uint8_t now_id[16];

	switch (read_record(root, &attrs, &n, &at, why, sizeof(why))) {
	case GOT_NO_EFIVARFS:
		printf("crashcap: no hang record (%s)\n", why);
		return 0;
	case GOT_NONE:
		printf("crashcap: no hang record\n");
		return 0;
	case GOT_READ_ERROR:
		warnx("hang record: %s", why);
		return 1;
	case GOT_INVALID:
		printf("crashcap: the hang record is not valid (%s): kept (crashcap hangrec clear removes it)\n", why);
		return 0;
	case GOT_VALID:
		break;
	}
	if (sysfile_read_line(root, "/proc/sys/kernel/random/boot_id", text, sizeof(text)) < 0 ||
	    uuid_parse(text, now_id) < 0) {
		warnx("hang record: no boot id in /proc/sys/kernel/random/boot_id: cannot tell whose it is, kept");
		return 1;
	}
	if (!memcmp(now_id, rec.r.boot_id, 16)) {
		printf("crashcap: the hang record is this boot's: kept\n");
		return 0;
	}
	int d = efivar_delete(root, HANG_FILE, why, sizeof(why));
	if (d < 0) {
		warnx("hang record of an earlier boot not removed: %s", why);
		return 1;
	}
	char when[32];
	armed_when(&rec.r, when);
	uuid_format(rec.r.boot_id, id);
	printf("crashcap: removed the hang record of an earlier boot (%s, armed %s), which hangcap.efi did not "
	       "consume\n", id, when);
	return 0;
}

int cmd_hangrec(int argc, char **argv)
{
	const char *root = "", *action = NULL;
	int stale = 0;
	if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage_print("hangrec");
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--stale") && !stale)
			stale = 1;
		else if (argv[i][0] != '-' && !action)
			action = argv[i];
		else
			action = NULL, i = argc + 1, argc = -1;
	}
	if (!action || argc < 0) {
		warnx("usage: crashcap hangrec show|clear [--stale]");
		return EXIT_USAGE;
	}
	if (!strcmp(action, "show") && !stale)
		return show(root);
	if (!strcmp(action, "clear"))
		return stale ? clear_stale(root) : hang_record_clear(root) < 0 ? 1 : 0;
	warnx("hangrec: %s: use show or clear [--stale]", action);
	return EXIT_USAGE;
}

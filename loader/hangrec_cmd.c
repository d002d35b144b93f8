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

static int show(const char *root)
{
	static union {
		struct cc_hang_record r;
		uint8_t b[CC_HANG_RECORD_SIZE + 1];
	} u;
	char why[400], text[64], uuid[UUID_TEXT_LEN + 1];
	uint32_t attrs;
	uint8_t now_id[16];

	if (!efivar_available(root, why, sizeof(why))) {
		printf("hang record: none (%s)\n", why);
		return 0;
	}
	ssize_t n = efivar_read(root, HANG_FILE, &attrs, u.b, sizeof(u.b), why, sizeof(why));
	if (n == -2) {
		printf("hang record: none\n");
		return 0;
	}
	if (n < 0) {
		warnx("hang record: %s", why);
		return 1;
	}
	unsigned at;
	int rc = hangrec_check(u.b, (size_t)n, &at);
	if (rc != HANGREC_OK) {
		warnx("hang record %s: not valid: %s (%zd bytes, entry %u)", HANG_FILE, hangrec_error(rc), n, at);
		return 1;
	}
	if (attrs != CC_HANG_VAR_ATTRS) {
		warnx("hang record %s: attributes 0x%x, not 0x%x (NV|BS|RT): hangcap.efi refuses it", HANG_FILE, attrs,
		      CC_HANG_VAR_ATTRS);
		return 1;
	}
	const struct cc_hang_record *r = &u.r;
	uint64_t ram = 0;
	for (unsigned i = 0; i < r->nr_ranges; i++)
		ram += r->ranges[i].size;
	int same = sysfile_read_line(root, "/proc/sys/kernel/random/boot_id", text, sizeof(text)) == 0 &&
		   uuid_parse(text, now_id) == 0 && !memcmp(now_id, r->boot_id, 16);
	time_t t = (time_t)r->armed_time;
	struct tm tm;
	char when[32] = "?";
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);

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
	static union {
		struct cc_hang_record r;
		uint8_t b[CC_HANG_RECORD_SIZE + 1];
	} u;
	char why[400], text[64], id[UUID_TEXT_LEN + 1];
	uint32_t attrs;
	uint8_t now_id[16];

	if (!efivar_available(root, why, sizeof(why))) {
		printf("crashcap: no hang record (%s)\n", why);
		return 0;
	}
	ssize_t n = efivar_read(root, HANG_FILE, &attrs, u.b, sizeof(u.b), why, sizeof(why));
	if (n == -2) {
		printf("crashcap: no hang record\n");
		return 0;
	}
	if (n < 0) {
		warnx("hang record: %s", why);
		return 1;
	}
	unsigned at;
	int rc = hangrec_check(u.b, (size_t)n, &at);
	if (rc != HANGREC_OK) {
		printf("crashcap: the hang record is not valid (%s): kept (crashcap hangrec clear removes it)\n",
		       hangrec_error(rc));
		return 0;
	}
	if (sysfile_read_line(root, "/proc/sys/kernel/random/boot_id", text, sizeof(text)) < 0 ||
	    uuid_parse(text, now_id) < 0) {
		warnx("hang record: no boot id in /proc/sys/kernel/random/boot_id: cannot tell whose it is, kept");
		return 1;
	}
	if (!memcmp(now_id, u.r.boot_id, 16)) {
		printf("crashcap: the hang record is this boot's: kept\n");
		return 0;
	}
	int d = efivar_delete(root, HANG_FILE, why, sizeof(why));
	if (d < 0) {
		warnx("hang record of an earlier boot not removed: %s", why);
		return 1;
	}
	time_t t = (time_t)u.r.armed_time;
	struct tm tm;
	char when[32] = "?";
	if (gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	uuid_format(u.r.boot_id, id);
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

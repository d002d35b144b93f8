/* loader/status.c - `crashcap status [DEV]`: whether a crash image is
 * loaded, and the dump header of DEV. */
#include <errno.h>
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture/dumphdr.h"
#include "crashcap/dumpfmt.h"
#include "crashcap/params.h"
#include "loader/commands.h"
#include "loader/dumplevel.h"
#include "loader/pagestream.h"
#include "loader/kexec.h"
#include "loader/target_io.h"
#include "loader/uuid.h"

static const char *state_words(const struct cc_dump_header *h)
{
	int short_of_total = h->data_written < h->data_total;

	switch (h->state) {
	case CC_STATE_EMPTY: return "empty (armed, no dump yet)";
	case CC_STATE_IN_PROGRESS: return "dump in progress (or interrupted)";
	case CC_STATE_COMPLETE: return "dump complete";
	case CC_STATE_INCOMPLETE: return "dump incomplete";
	case CC_STATE_SAVED: return short_of_total ? "saved (dump incomplete)" : "saved";
	}
	return "unknown";
}

static void print_time(const char *label, uint64_t secs)
{
	time_t t = (time_t)secs;
	struct tm tm;
	char text[64];

	if (secs == 0 || !gmtime_r(&t, &tm) ||
	    !strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &tm))
		printf("%-10s -\n", label);
	else
		printf("%-10s %s\n", label, text);
}

/* How the dump is stored and what was left out of it: encoding, dump
 * level applied and asked, compression (dumphdr.h).  Not for an armed
 * target: the payload fills these when it writes. */
static void print_format(const struct cc_dump_header *h)
{
	char words[160];

	switch (h->encoding) {
	case CC_ENC_ELF:
		printf("%-10s raw ELF core file (0)\n", "encoding");
		break;
	case CC_ENC_PAGES:
		printf("%-10s filtered pages in LZ4 frames (2)\n", "encoding");
		break;
	case CC_ENC_LZ4:
		printf("%-10s ELF core in one LZ4 frame (1): never written by crashcap, not readable\n", "encoding");
		return;
	default:
		printf("%-10s unknown (%u)\n", "encoding", h->encoding);
		return;
	}
	dumplevel_words(h->dump_level, words, sizeof(words));
	if (h->dump_level == h->level_asked)
		printf("%-10s %u: left out %s\n", "level", h->dump_level, words);
	else
		printf("%-10s %u applied, %u asked: left out %s\n", "level", h->dump_level, h->level_asked, words);
	if (h->encoding == CC_ENC_PAGES) {
		const char *name = compress_name(h->compress);
		if (h->compress == CC_COMPRESS_NONE)
			printf("%-10s none: pages stored in uncompressed blocks (0)\n", "compress");
		else if (name)
			printf("%-10s %s (%u)\n", "compress", name, h->compress);
		else
			printf("%-10s unknown (%u)\n", "compress", h->compress);
	}
}

/* kexec_crash_loaded says only that some crash image is loaded: ours
 * after `crashcap load`, or a kdump kernel loaded by kexec -p. */
static void print_loaded(void)
{
	int loaded = kexec_crash_loaded("");

	if (loaded == 1)
		printf("%-10s a crash image is loaded\n", "kexec");
	else if (loaded == 0)
		printf("%-10s no crash image loaded (crashcap load arms one)\n", "kexec");
	else
		printf("%-10s unknown (/sys/kernel/kexec_crash_loaded: %s)\n", "kexec", strerror(errno));
}

/* The END record of a whole CC_ENC_PAGES stream: its last bytes. */
static int read_end(const struct target *t, const struct cc_dump_header *h, struct cc_rec_end *e)
{
	struct cc_skip_hdr sh;
	uint64_t len = sizeof(sh) + sizeof(*e);

	if (h->data_written < h->data_total || h->data_total < len ||
	    h->data_offset > t->size || h->data_total > t->size - h->data_offset)
		return -1;
	uint64_t off = h->data_offset + h->data_total - len;
	if (target_pread(t, &sh, sizeof(sh), off) < 0 || target_pread(t, e, sizeof(*e), off + sizeof(sh)) < 0)
		return -1;
	return sh.magic == CC_SKIP_MAGIC && sh.size == sizeof(*e) && e->type == CC_REC_END ? 0 : -1;
}

/* The page counts of a filtered dump, from its END record when it is whole. */
static void print_pages(const struct target *t, const struct cc_dump_header *h)
{
	struct cc_rec_end e;

	if (read_end(t, h, &e) < 0) {
		printf("%-10s no END record readable (stream incomplete)\n", "pages");
		return;
	}
	uint64_t excl = 0;
	for (unsigned i = 0; i < CC_EXCL_N; i++)
		excl += e.excluded[i];
	printf("%-10s %llu kept, %llu excluded (", "pages", (unsigned long long)e.kept, (unsigned long long)excl);
	for (unsigned i = 0; i < CC_EXCL_N; i++)
		printf("%s%s %llu", i ? ", " : "", ps_excl_name(i), (unsigned long long)e.excluded[i]);
	printf("), %llu kept unsure\n", (unsigned long long)e.unsure);
}

int cmd_status(int argc, char **argv)
{
	struct target t;
	struct cc_dump_header h;
	char uuid[UUID_TEXT_LEN + 1];

	if (argc > 2) {
		warnx("usage: crashcap status [DEV]");
		return EXIT_USAGE;
	}
	print_loaded();
	const char *dev = argc == 2 ? argv[1] : NULL;
	if (!dev && status_config(&dev) < 0)
		return 1;
	if (!dev)
		return 0;
	if (target_open(&t, dev, 0) < 0)
		return 1;
	int rc = target_read_header(&t, &h);
	if (rc < 0) {
		target_close(&t);
		return 1;
	}

	uuid_format(h.uuid, uuid);
	unsigned pct = h.data_total ? (unsigned)((double)h.data_written * 100 / (double)h.data_total) : 0;

	printf("%s: crashcap target\n", t.path);
	printf("%-10s %s", "state", state_words(&h));
	if (h.state > CC_STATE_SAVED)
		printf(" (%u)", h.state);
	putchar('\n');
	printf("%-10s %s\n", "uuid", uuid);
	printf("%-10s %llu of %llu bytes (%u%%)\n", "data",
	       (unsigned long long)h.data_written, (unsigned long long)h.data_total, pct);
	printf("%-10s %llu bytes (%llu MiB)\n", "ram",
	       (unsigned long long)h.ram_bytes, (unsigned long long)(h.ram_bytes >> 20));
	printf("%-10s %s (%u)\n", "status", cc_status_name(h.status), h.status);
	if (h.state != CC_STATE_EMPTY)
		print_format(&h);
	if (h.state != CC_STATE_EMPTY && h.encoding == CC_ENC_PAGES)
		print_pages(&t, &h);
	target_close(&t);
	print_time("started", h.start_time);
	printf("%-10s %llu ms\n", "elapsed", (unsigned long long)h.elapsed_ms);
	return 0;
}

/* loader/status.c - `crashcap status [DEV]`: whether a crash image is
 * loaded, and the dump header of DEV. */
#include <errno.h>
#include <getopt.h>
#include <err.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "capture/dumphdr.h"
#include "crashcap/dumpfmt.h"
#include "crashcap/params.h"
#include "loader/commands.h"
#include "loader/dumpcheck.h"
#include "loader/dumplevel.h"
#include "loader/pagestream.h"
#include "loader/kexec.h"
#include "loader/target_io.h"
#include "loader/uuid.h"

/* The state line: the header's state, and what dump_judge (the definition
 * of complete that save uses too) makes of it. */
static void print_state(const struct cc_dump_header *h, const struct dump_verdict *v)
{
	printf("%-10s ", "state");
	if (v->kind == DUMP_BAD) {
		if (h->state > CC_STATE_SAVED)
			printf("unknown (%u)", h->state);
		else
			printf("%s, but the header is inconsistent", dumphdr_state_name(h->state));
	} else switch (h->state) {
	case CC_STATE_EMPTY: printf("empty (armed, no dump yet)"); break;
	case CC_STATE_IN_PROGRESS: printf("dump in progress (or interrupted)"); break;
	case CC_STATE_COMPLETE: printf("dump complete"); break;
	case CC_STATE_INCOMPLETE: printf("dump incomplete"); break;
	case CC_STATE_SAVED: printf(v->kind == DUMP_INCOMPLETE ? "saved (dump incomplete)" : "saved"); break;
	}
	putchar('\n');
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

/* The page counts of a filtered dump, from its END record when it is
 * whole.  -1 (after a line on stdout) when the header says the stream is
 * whole but its END record is not there to read. */
static int print_pages(const struct target *t, const struct cc_dump_header *h, char *why, size_t n)
{
	struct cc_rec_end e;
	struct dump_reader r = { target_read_cb, (void *)t };

	if (h->data_written != h->data_total) {
		printf("%-10s no END record readable (stream incomplete)\n", "pages");
		return 0;
	}
	if (dump_read_end(&r, h, &e, why, n) < 0) {
		printf("%-10s no END record readable: %s\n", "pages", why);
		return -1;
	}
	uint64_t excl = 0;
	for (unsigned i = 0; i < CC_EXCL_N; i++)
		excl += e.excluded[i];
	printf("%-10s %llu kept, %llu excluded (", "pages", (unsigned long long)e.kept, (unsigned long long)excl);
	for (unsigned i = 0; i < CC_EXCL_N; i++)
		printf("%s%s %llu", i ? ", " : "", ps_excl_name(i), (unsigned long long)e.excluded[i]);
	printf("), %llu kept unsure\n", (unsigned long long)e.unsure);
	return 0;
}

int cmd_status(int argc, char **argv)
{
	struct target t;
	struct cc_dump_header h;
	char uuid[UUID_TEXT_LEN + 1];

	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage_print("status");
			return 0;
		}
		warnx("status: unknown option '%s' (see crashcap status --help)", argv[optind - 1]);
		return EXIT_USAGE;
	}
	if (argc - optind > 1) {
		warnx("usage: crashcap status [DEV]");
		return EXIT_USAGE;
	}
	print_loaded();
	const char *dev = optind < argc ? argv[optind] : NULL;
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

	struct dump_verdict v;
	char why[256];
	int data_bad = 0;

	dump_judge(&h, t.size, &v);
	uuid_format(h.uuid, uuid);
	printf("%s: crashcap target\n", t.path);
	print_state(&h, &v);
	printf("%-10s %s\n", "uuid", uuid);
	if (h.data_written > h.data_total)
		printf("%-10s %llu of %llu bytes (more than the whole)\n", "data",
		       (unsigned long long)h.data_written, (unsigned long long)h.data_total);
	else
		printf("%-10s %llu of %llu bytes (%u%%)\n", "data", (unsigned long long)h.data_written,
		       (unsigned long long)h.data_total, dump_percent(h.data_written, h.data_total));
	printf("%-10s %llu bytes (%llu MiB)\n", "ram",
	       (unsigned long long)h.ram_bytes, (unsigned long long)(h.ram_bytes >> 20));
	printf("%-10s %s (%u)\n", "status", cc_status_name(h.status), h.status);
	if (h.state != CC_STATE_EMPTY) {
		uint32_t origin = dumphdr_origin(&h);
		if (origin == CC_ORIGIN_PANIC || origin == CC_ORIGIN_HANG)
			printf("%-10s %s\n", "origin", dumphdr_origin_name(origin));
		else
			printf("%-10s unknown (%u)\n", "origin", origin);
		print_format(&h);
	}
	if (v.kind == DUMP_COMPLETE || v.kind == DUMP_INCOMPLETE) {
		struct dump_reader r = { target_read_cb, &t };
		if (h.encoding == CC_ENC_PAGES)
			data_bad = print_pages(&t, &h, why, sizeof(why)) < 0;
		else
			data_bad = dump_check_elf(&r, &h, why, sizeof(why)) < 0;
	}
	target_close(&t);
	print_time("started", h.start_time);
	printf("%-10s %llu ms\n", "elapsed", (unsigned long long)h.elapsed_ms);
	fflush(stdout);
	if (v.kind == DUMP_BAD) {
		warnx("%s: header inconsistent: %s", dev, v.why);
		return 1;
	}
	if (data_bad) {
		warnx("%s: the data area is not what the header says: %s", dev, why);
		return 1;
	}
	return 0;
}

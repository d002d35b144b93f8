/* loader/save.c - `crashcap save DEV -o FILE [--format elf|kdump] [--force]`:
 * copy the dump out of the target into FILE, then mark the target saved.
 *
 * A raw ELF dump (CC_ENC_ELF) is copied as it is; a filtered dump
 * (CC_ENC_PAGES) is decoded and written as a sparse ELF vmcore
 * (loader/save_pages.h) or as makedumpfile's kdump-compressed format
 * (loader/save_kdump.h).
 *
 * FILE is written through a file created exclusively in its directory
 * (loader/save_output.h: mode 0600, it holds the crashed machine's memory),
 * synced and linked or renamed into place, so FILE is either absent or
 * whole.  The header is marked CC_STATE_SAVED only after that; status, data_written and
 * data_total are kept, so a dump saved with --force still shows as
 * incomplete in `crashcap status`. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/dumphdr.h"
#include "loader/commands.h"
#include "loader/dumpcheck.h"
#include "loader/fwranges.h"
#include "loader/save_kdump.h"
#include "loader/save_output.h"
#include "loader/save_pages.h"
#include "loader/sparse_copy.h"
#include "loader/target_io.h"
#include "loader/uuid.h"

enum save_format { FORMAT_ELF, FORMAT_KDUMP };

struct save_args {
	const char *dev;
	const char *out;
	int force;
	enum save_format format;
	const char *test_stop;  /* --test-stop POINT: SIGSTOP there (tests only) */
};

/* Test only: stop (SIGSTOP) at a named point with every lock held, so a
 * test can look, kill -9 it there, or run a second save against it. */
static void test_stop(const struct save_args *a, const char *point)
{
	if (a->test_stop && !strcmp(a->test_stop, point))
		raise(SIGSTOP);
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* 0, 1 for --help (usage printed), or -1 after one line. */
static int parse_args(int argc, char **argv, struct save_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ "help", no_argument, NULL, 'h' },
		{ "test-stop", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned seen = 0;
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:fh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (option_once(&seen, 0, "save", "-o (--output)") < 0)
				return -1;
			a->out = optarg;
			break;
		case 'f':
			if (option_once(&seen, 1, "save", "--force") < 0)
				return -1;
			a->force = 1;
			break;
		case 'F':
			if (option_once(&seen, 2, "save", "--format") < 0)
				return -1;
			if (!strcmp(optarg, "elf")) {
				a->format = FORMAT_ELF;
			} else if (!strcmp(optarg, "kdump")) {
				a->format = FORMAT_KDUMP;
			} else {
				warnx("save: unknown format '%s' (elf or kdump)", optarg);
				return -1;
			}
			break;
		case 'h':
			usage_print("save");
			return 1;
		case 'S':
			if (option_once(&seen, 3, "save", "--test-stop") < 0)
				return -1;
			if (strcmp(optarg, "checked") && strcmp(optarg, "copied") && strcmp(optarg, "linked")) {
				warnx("save: --test-stop %s: use checked, copied or linked", optarg);
				return -1;
			}
			a->test_stop = optarg;
			break;
		case ':':
			warnx("save: %s needs an argument", argv[optind - 1]);
			return -1;
		default:
			warnx("save: unknown option '%s' (see crashcap save --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (a->out && !a->out[0]) {
		warnx("save: -o needs a file name, not an empty one");
		return -1;
	}
	if (optind != argc - 1 || !a->out) {
		warnx("usage: crashcap save DEV -o FILE [--format elf|kdump] [--force]");
		return -1;
	}
	a->dev = argv[optind];
	return 0;
}

/* Is there a dump worth saving, does the header hold together, and is the
 * data area what it says (loader/dumpcheck.h, shared with status)? */
static int check_dump(const struct target *t, const struct cc_dump_header *h, const struct save_args *a)
{
	struct dump_verdict v;
	char why[256];

	switch (dump_judge(h, t->size, &v)) {
	case DUMP_NONE:
		warnx("no dump on %s (%s)", t->path, v.why);
		return -1;
	case DUMP_BAD:
		warnx("%s: header inconsistent: %s; nothing saved", t->path, v.why);
		return -1;
	case DUMP_INCOMPLETE:
		if (!a->force) {
			warnx("%s: dump incomplete: %s; --force saves what is there", t->path, v.why);
			return -1;
		}
		break;
	case DUMP_COMPLETE:
		break;
	}
	if (a->format == FORMAT_KDUMP && h->encoding != CC_ENC_PAGES) {
		warnx("%s: --format kdump needs a filtered dump (encoding 2); this one is a raw ELF core: save it as ELF and run makedumpfile -c on that",
		      t->path);
		return -1;
	}
	struct dump_reader r = { target_read_cb, (void *)t };
	if (h->encoding == CC_ENC_ELF && dump_check_elf(&r, h, why, sizeof(why)) < 0) {
		warnx("%s: the data area is not what the header says: %s; nothing saved", t->path, why);
		return -1;
	}
	if (v.kind == DUMP_INCOMPLETE)
		warnx("%s: saving an incomplete dump: %llu of %llu bytes, the tail is missing", t->path,
		      (unsigned long long)h->data_written, (unsigned long long)h->data_total);
	return 0;
}

/* Before anything is written: room in FILE's file system for the most the
 * vmcore can take (out_room).  For the kdump format this also lays the
 * file out (kdump_layout). */
static int check_room(const struct target *t, const struct cc_dump_header *h, struct pages_plan *plan,
		      struct kdump_save *kd, struct save_out *o)
{
	uint64_t data;
	const char *what;

	if (h->encoding == CC_ENC_ELF) {
		if (sparse_need(t, h->data_offset, h->data_written, &data) < 0)
			return -1;
		what = t->is_blockdev ? "every byte the payload wrote" : "the bytes of the target's data area that are not holes";
	} else if (kd) {
		data = kdump_layout(kd, plan);
		what = "the headers, bitmaps and descriptors, and every dumped page stored whole";
	} else {
		data = pages_need_elf(plan);
		what = "the ELF head, every kept page and the kernel image's view";
	}
	return out_room(o, data, what);
}

/* Write the vmcore into fd: the raw ELF copied, or the pages decoded. */
static int write_vmcore(const struct target *t, const struct cc_dump_header *h,
			struct pages_plan *plan, struct kdump_save *kd, const struct save_args *a, int fd,
			const char *tmp)
{
	if (h->encoding == CC_ENC_ELF)
		return sparse_copy(t, h->data_offset, h->data_written, fd, tmp, &interrupted);
	if (a->format == FORMAT_KDUMP)
		return pages_write_kdump(plan, kd, h, fd, tmp, &interrupted);
	return pages_write_elf(plan, fd, tmp, &interrupted);
}

/* What FILE's xattr says it holds (save_output.h): this dump, this format. */
static void dump_identity(const struct cc_dump_header *h, const struct save_args *a, char *buf, size_t n)
{
	char uuid[UUID_TEXT_LEN + 1];
	uuid_format(h->uuid, uuid);
	snprintf(buf, n, "crashcap 1 uuid %s start %llu end %llu written %llu total %llu encoding %u format %s",
		 uuid, (unsigned long long)h->start_time, (unsigned long long)h->end_time,
		 (unsigned long long)h->data_written, (unsigned long long)h->data_total, h->encoding,
		 a->format == FORMAT_KDUMP ? "kdump" : "elf");
}

/* Write the vmcore into FILE's new file, then put it in place. */
static int write_output(const struct target *t, const struct cc_dump_header *h,
			struct pages_plan *plan, struct kdump_save *kd, const struct save_args *a,
			struct save_out *o)
{
	if (write_vmcore(t, h, plan, kd, a, o->fd, a->out) < 0)
		return -1;
	test_stop(a, "copied");
	return out_commit(o);
}

#define NOTES_MAX (1u << 20) /* bytes of PT_NOTE read from a raw ELF dump */

/* A hang capture's notes (crashcap/notes.h): the "no registers" text and
 * the ranges the firmware owned when hangcap.efi ran, one line each.  From
 * the HEAD record of a filtered stream, or the raw ELF's PT_NOTE. */
static void print_hang_notes(const struct target *t, const struct cc_dump_header *h, const struct pages_plan *plan)
{
	static unsigned char buf[NOTES_MAX];
	const unsigned char *notes = NULL;
	uint64_t len = 0;
	Elf64_Ehdr e;
	Elf64_Phdr ph;

	if (h->encoding == CC_ENC_PAGES) {
		notes = plan->ps.head.notes;
		len = plan->ps.head.notes_len;
	} else if (target_pread(t, &e, sizeof(e), h->data_offset) == 0 && e.e_phentsize == sizeof(ph)) {
		for (unsigned i = 0; i < e.e_phnum && i < 1024 && !notes; i++) {
			if (target_pread(t, &ph, sizeof(ph), h->data_offset + e.e_phoff + i * sizeof(ph)) < 0)
				break;
			if (ph.p_type == PT_NOTE && ph.p_filesz <= NOTES_MAX &&
			    target_pread(t, buf, ph.p_filesz, h->data_offset + ph.p_offset) == 0) {
				notes = buf;
				len = ph.p_filesz;
			}
		}
	}
	int n = notes ? fwranges_print(stdout, notes, len) : -1;
	if (n < 0)
		printf("note: the hang capture's notes could not be read\n");
	else if (n == 0)
		printf("note: the dump lists no firmware ranges\n");
}

int cmd_save(int argc, char **argv)
{
	struct save_args a;
	struct target t;
	struct cc_dump_header h;
	struct pages_plan plan;
	struct kdump_save kd;
	struct save_out o = { .fd = -1, .dirfd = -1 };
	int have_plan = 0, have_kd = 0;
	int rc = 1;
	char identity[200];

	int p = parse_args(argc, argv, &a);
	if (p)
		return p > 0 ? 0 : EXIT_USAGE;
	if (target_open(&t, a.dev, 1) < 0)
		return 1;
	if (target_lock(&t) < 0 || target_read_header(&t, &h) < 0 || check_dump(&t, &h, &a) < 0)
		goto out;
	dump_identity(&h, &a, identity, sizeof(identity));
	if (out_begin(&o, a.out, &t, a.force, identity, h.state != CC_STATE_SAVED) < 0)
		goto out;
	catch_signals();
	if (h.encoding == CC_ENC_PAGES) {
		have_plan = 1;
		if (pages_open(&plan, &t, &h) < 0)
			goto out;
		if (a.format == FORMAT_KDUMP) {
			if (kdump_begin(&kd, &plan) < 0)
				goto out;
			have_kd = 1;
		}
		if (pages_plan(&plan, a.force, have_kd ? &kd.mark : NULL, &interrupted) < 0)
			goto out;
		if (plan.ps.complete && plan.ps.end.dump_level != h.dump_level) {
			warnx("%s: the data area is not what the header says: its END record says dump level %u, "
			      "the header %u; nothing saved", a.dev, plan.ps.end.dump_level, h.dump_level);
			goto out;
		}
	}
	if (check_room(&t, &h, &plan, have_kd ? &kd : NULL, &o) < 0)
		goto out;
	test_stop(&a, "checked");
	if (write_output(&t, &h, &plan, &kd, &a, &o) < 0)
		goto out;
	test_stop(&a, "linked");
	if (have_kd)
		printf("saved %llu pages (%llu chunks, %llu bytes of stream) of %s to %s as kdump-compressed: "
		       "%llu zlib, %llu stored, %llu sharing a zero page, %llu kernel-image pages left out by the level read as zero; "
		       "phys_base 0x%llx from %s; utsname from %s%s\n",
		       (unsigned long long)kd.map.ndumped, (unsigned long long)plan.chunks,
		       (unsigned long long)plan.ps.good_bytes, a.dev, a.out,
		       (unsigned long long)kd.compressed, (unsigned long long)kd.stored,
		       (unsigned long long)kd.zero_shared, (unsigned long long)kd.kernel_zeros,
		       (unsigned long long)kd.info.phys_base,
		       kd.info.phys_base_from, kd.uts_from_memory ? "init_uts_ns" : kd.info.release[0] ? "OSRELEASE" : "nowhere (no VMCOREINFO)",
		       plan.incomplete ? " (incomplete: status 0x9)" : "");
	else if (h.encoding == CC_ENC_PAGES)
		printf("saved %llu pages (%llu chunks, %llu bytes of stream) of %s to %s%s\n",
		       (unsigned long long)plan.ps.kept, (unsigned long long)plan.chunks,
		       (unsigned long long)plan.ps.good_bytes, a.dev, a.out,
		       plan.incomplete ? " (incomplete: e_flags 1)" : "");
	else
		printf("saved %llu bytes of %s to %s\n", (unsigned long long)h.data_written, a.dev, a.out);
	if (dumphdr_origin(&h) != CC_ORIGIN_PANIC)
		printf("origin: %s\n", dumphdr_origin_name(dumphdr_origin(&h)));
	if (dumphdr_origin(&h) == CC_ORIGIN_HANG)
		print_hang_notes(&t, &h, &plan);
	fflush(stdout);
	h.state = CC_STATE_SAVED;
	if (target_write_header(&t, &h) < 0) /* FILE is whole; the target stays unmarked */
		goto out;
	rc = 0;
out:
	if (have_kd)
		kdump_end(&kd);
	if (have_plan)
		pages_plan_free(&plan);
	out_end(&o);
	target_close(&t);
	return rc;
}

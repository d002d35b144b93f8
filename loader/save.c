/* loader/save.c - `crashcap save DEV -o FILE [--format elf|kdump] [--force]`:
 * copy the dump out of the target into FILE, then mark the target saved.
 *
 * A raw ELF dump (CC_ENC_ELF) is copied as it is; a filtered dump
 * (CC_ENC_PAGES) is decoded and written as a sparse ELF vmcore
 * (loader/save_pages.h) or as makedumpfile's kdump-compressed format
 * (loader/save_kdump.h).
 *
 * FILE is written as FILE.tmp (mode 0600: it holds the crashed machine's
 * memory), synced and renamed, so FILE is either absent or whole.  The
 * header is marked CC_STATE_SAVED only after that; status, data_written and
 * data_total are kept, so a dump saved with --force still shows as
 * incomplete in `crashcap status`. */
#include <errno.h>
#include <err.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture/dumphdr.h"
#include "loader/commands.h"
#include "loader/save_kdump.h"
#include "loader/save_pages.h"
#include "loader/sparse_copy.h"
#include "loader/target_io.h"

enum save_format { FORMAT_ELF, FORMAT_KDUMP };

struct save_args {
	const char *dev;
	const char *out;
	int force;
	enum save_format format;
};

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

static int parse_args(int argc, char **argv, struct save_args *a)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "force", no_argument, NULL, 'f' },
		{ "format", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":o:f", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->out = optarg;
			break;
		case 'f':
			a->force = 1;
			break;
		case 'F':
			if (!strcmp(optarg, "elf")) {
				a->format = FORMAT_ELF;
			} else if (!strcmp(optarg, "kdump")) {
				a->format = FORMAT_KDUMP;
			} else {
				warnx("save: unknown format '%s' (elf or kdump)", optarg);
				return -1;
			}
			break;
		case ':':
			warnx("save: %s needs an argument", argv[optind - 1]);
			return -1;
		default:
			warnx("save: unknown option '%s' (see crashcap --help)", argv[optind - 1]);
			return -1;
		}
	}
	if (optind != argc - 1 || !a->out) {
		warnx("usage: crashcap save DEV -o FILE [--format elf|kdump] [--force]");
		return -1;
	}
	a->dev = argv[optind];
	return 0;
}

/* Is there a dump worth saving, and does it lie inside the target? */
static int check_dump(const struct target *t, const struct cc_dump_header *h, const struct save_args *a)
{
	unsigned long long written = h->data_written, total = h->data_total;
	int force = a->force;

	switch (h->state) {
	case CC_STATE_EMPTY:
	case CC_STATE_IN_PROGRESS:
		warnx("no dump on %s (state: %s)", t->path, dumphdr_state_name(h->state));
		return -1;
	case CC_STATE_COMPLETE:
	case CC_STATE_INCOMPLETE:
	case CC_STATE_SAVED:
		break;
	default:
		warnx("%s: unknown state %u in the header", t->path, h->state);
		return -1;
	}
	if (written == 0) {
		warnx("no dump on %s (0 bytes written)", t->path);
		return -1;
	}
	if (h->encoding != CC_ENC_ELF && h->encoding != CC_ENC_PAGES) {
		warnx("%s: dump encoding %u, this crashcap reads 0 (ELF) and 2 (filtered pages)",
		      t->path, h->encoding);
		return -1;
	}
	if (a->format == FORMAT_KDUMP && h->encoding != CC_ENC_PAGES) {
		warnx("%s: --format kdump needs a filtered dump (encoding 2); this one is a raw ELF core: save it as ELF and run makedumpfile -c on that",
		      t->path);
		return -1;
	}
	if (h->data_offset < CC_HDR_AREA || h->data_offset > t->size ||
	    written > t->size - h->data_offset) {
		warnx("%s: header places the dump at bytes %llu..%llu, outside the %llu byte target",
		      t->path, (unsigned long long)h->data_offset,
		      (unsigned long long)h->data_offset + written, (unsigned long long)t->size);
		return -1;
	}
	int incomplete = h->state == CC_STATE_INCOMPLETE || written < total;
	if (incomplete && !force) {
		warnx("%s: dump incomplete (%s): %llu of %llu bytes written; --force saves what is there",
		      t->path, cc_status_name(h->status), written, total);
		return -1;
	}
	if (incomplete)
		warnx("%s: saving an incomplete dump: %llu of %llu bytes, the tail is missing",
		      t->path, written, total);
	return 0;
}

static int is_target(const struct target *t, const struct stat *out)
{
	struct stat st;
	return fstat(t->fd, &st) == 0 && st.st_dev == out->st_dev && st.st_ino == out->st_ino;
}

/* Make the rename durable. */
static int sync_parent_dir(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
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

/* Write into tmp, then put it in place as out.  Removes tmp on failure. */
static int write_output(const struct target *t, const struct cc_dump_header *h,
			struct pages_plan *plan, struct kdump_save *kd, const struct save_args *a,
			const char *tmp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		warn("%s", tmp);
		return -1;
	}
	if (write_vmcore(t, h, plan, kd, a, fd, tmp) < 0)
		goto fail;
	if (fsync(fd) < 0) {
		warn("%s: fsync", tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		warn("%s: close", tmp);
		goto fail;
	}
	fd = -1;
	/* Without --force an existing FILE is never replaced, even one that
	 * appeared during the copy. */
	int rc = a->force ? rename(tmp, a->out) : renameat2(AT_FDCWD, tmp, AT_FDCWD, a->out, RENAME_NOREPLACE);
	if (rc < 0 && !a->force && errno == EINVAL) /* filesystem without RENAME_NOREPLACE */
		rc = link(tmp, a->out) < 0 ? -1 : unlink(tmp);
	if (rc < 0) {
		warn("%s", a->out);
		goto fail;
	}
	if (sync_parent_dir(a->out) < 0) {
		warn("%s: syncing its directory", a->out);
		return -1; /* FILE is in place and whole; only durability is in doubt */
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}

int cmd_save(int argc, char **argv)
{
	struct save_args a;
	struct target t;
	struct cc_dump_header h;
	struct stat st;
	struct pages_plan plan;
	struct kdump_save kd;
	int have_plan = 0, have_kd = 0;
	char *tmp = NULL;
	int rc = 1;

	if (parse_args(argc, argv, &a) < 0)
		return EXIT_USAGE;
	if (target_open(&t, a.dev, 1) < 0)
		return 1;
	if (target_read_header(&t, &h) < 0 || check_dump(&t, &h, &a) < 0)
		goto out;
	if (lstat(a.out, &st) == 0) {
		if (is_target(&t, &st)) {
			warnx("%s is the target itself", a.out);
			goto out;
		}
		if (!a.force) {
			warnx("%s exists (--force overwrites it)", a.out);
			goto out;
		}
	}
	if (asprintf(&tmp, "%s.tmp", a.out) < 0) {
		tmp = NULL;
		warnx("out of memory");
		goto out;
	}
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
	}
	if (write_output(&t, &h, &plan, &kd, &a, tmp) < 0)
		goto out;
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
	free(tmp);
	target_close(&t);
	return rc;
}

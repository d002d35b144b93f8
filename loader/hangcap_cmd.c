/* loader/hangcap_cmd.c - `crashcap hangcap install|remove`: hangcap.efi
 * on the EFI system partition as a SysPrep#### option, which the
 * firmware's boot manager starts at every boot before any Boot####
 * (docs/hangcap.md, "Installation").  The option is made and deleted by
 * efibootmgr (--sysprep); what is there is read back from efivarfs.
 * Every failure is one line on stderr and exit 1. */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "loader/commands.h"
#include "loader/efivar.h"
#include "loader/loadopt.h"
#include "loader/runprog.h"
#include "loader/sysfile.h"

#define LABEL        "crashcap hangcap"
#define ESP_DIR      "EFI/crashcap"
#define ESP_FILE     ESP_DIR "/hangcap.efi"
#define ESP_LOADER   "\\EFI\\crashcap\\hangcap.efi"
#define GLOBAL_GUID  "8be4df61-93ca-11d2-aa0d-00e098032b8c" /* EFI_GLOBAL_VARIABLE */
#define ORDER_FILE   "SysPrepOrder-" GLOBAL_GUID
#define IMAGE_MAX    (16u << 20)
#define EFIBOOTMGR_SECONDS 60
#define MSDOS_MAGIC  0x4d44 /* statfs f_type of FAT (linux/magic.h MSDOS_SUPER_MAGIC) */
#define SECURE_BOOT_FILE "SecureBoot-" GLOBAL_GUID /* UEFI 2.10 3.3: 1 byte, 1 = Secure Boot on */
/* PE32+ (PE/COFF 8.3, "Optional Header Data Directories"): from the optional
 * header's start, NumberOfRvaAndSizes at 108, the directories at 112, 8 bytes
 * each; number 4 is the Certificate Table (a file offset and a size), whose
 * entries are WIN_CERTIFICATE: dwLength, wRevision, wCertificateType
 * (2: WIN_CERT_TYPE_PKCS_SIGNED_DATA, an Authenticode signature) */
#define PE32P_NUM_DIRS   108
#define PE32P_DIRS       112
#define PE_DIR_SECURITY  4
#define WIN_CERT_TYPE_PKCS_SIGNED_DATA 2

struct args {
	const char *esp;   /* --esp DIR, or NULL: /boot/efi, else /efi */
	const char *image; /* --image FILE, or NULL: the installed hangcap.efi */
	const char *root;  /* "" or --root DIR (tests: efivarfs, mountinfo) */
};

/* dir + tail into buf: 0, or -1 after one line when it does not fit. */
static int join(char *buf, size_t size, const char *dir, const char *tail)
{
	if (snprintf(buf, size, "%s%s", dir, tail) >= (int)size) {
		warnx("hangcap: %s%s: path too long", dir, tail);
		return -1;
	}
	return 0;
}

/* The hangcap.efi installed beside this crashcap: PREFIX/lib/crashcap/
 * for PREFIX/sbin/crashcap (make install), else the crashcap binary's own
 * directory (build/).  0 and path, or -1. */
static int default_image(char *path, size_t size)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -1;
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (!slash)
		return -1;
	*slash = 0;
	if (join(path, size, exe, "/../lib/crashcap/hangcap.efi") == 0 && access(path, F_OK) == 0)
		return 0;
	return join(path, size, exe, "/hangcap.efi") == 0 && access(path, F_OK) == 0 ? 0 : -1;
}

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* The image, whole, checked to be a PE32+ x86-64 EFI application: a
 * malloc'd buffer and *len, or NULL after one line. */
static uint8_t *read_image(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		warn("hangcap: %s", path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 0x200 || st.st_size > IMAGE_MAX) {
		warnx("hangcap: %s: %s", path, !S_ISREG(st.st_mode) ? "not a regular file" :
		      "not the size of a hangcap.efi (512 bytes to 16 MiB)");
		close(fd);
		return NULL;
	}
	uint8_t *b = malloc((size_t)st.st_size + 1);
	ssize_t n = b ? read(fd, b, (size_t)st.st_size + 1) : -1;
	close(fd);
	if (n != st.st_size) {
		warnx("hangcap: %s: could not read its %lld bytes", path, (long long)st.st_size);
		free(b);
		return NULL;
	}
	/* MZ, e_lfanew, "PE\0\0", Machine 0x8664 (x86-64), optional header
	 * magic 0x20b (PE32+), Subsystem 10 (EFI application) */
	uint32_t pe = n >= 0x40 ? le32(b + 0x3c) : 0;
	if (b[0] != 'M' || b[1] != 'Z' || pe > (uint32_t)n - 0x5e || memcmp(b + pe, "PE\0\0", 4) ||
	    le16(b + pe + 4) != 0x8664 || le16(b + pe + 24) != 0x20b || le16(b + pe + 24 + 68) != 10) {
		warnx("hangcap: %s is not an x86-64 EFI application (PE32+, subsystem 10): not a hangcap.efi", path);
		free(b);
		return NULL;
	}
	*len = (size_t)n;
	return b;
}

/* Is dir a mount point (in /proc/self/mountinfo below root)? */
static int mounted(const char *root, const char *dir)
{
	size_t len;
	char *text = sysfile_read_all(root, "/proc/self/mountinfo", &len);
	int found = 0;
	if (!text)
		return 0;
	for (char *line = strtok(text, "\n"); line && !found; line = strtok(NULL, "\n")) {
		char mp[4096];
		/* ID PARENT MAJ:MIN ROOT MOUNTPOINT ... (proc(5)); no escapes in /boot/efi or /efi */
		if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && !strcmp(mp, dir))
			found = 1;
	}
	free(text);
	return found;
}

/* The ESP: --esp, else /boot/efi or /efi if mounted.  0, or -1 after one line. */
static int find_esp(const struct args *a, char *esp, size_t size, int quiet)
{
	static const char *const places[] = { "/boot/efi", "/efi" };
	struct statfs sf;
	if (a->esp) {
		snprintf(esp, size, "%s", a->esp);
	} else {
		esp[0] = 0;
		for (unsigned i = 0; i < 2 && !esp[0]; i++)
			if (mounted(a->root, places[i]))
				snprintf(esp, size, "%s", places[i]);
		if (!esp[0]) {
			if (!quiet)
				warnx("hangcap: no EFI system partition: neither /boot/efi nor /efi is mounted; give --esp DIR");
			return -1;
		}
	}
	if (statfs(esp, &sf) < 0) {
		if (!quiet)
			warn("hangcap: the EFI system partition %s", esp);
		return -1;
	}
	/* FAT, as every ESP is; a test's --root (a fake efivarfs) takes any directory */
	if ((uint32_t)sf.f_type != MSDOS_MAGIC && !*a->root) {
		if (!quiet)
			warnx("hangcap: %s is not a FAT file system: not an EFI system partition", esp);
		return -1;
	}
	return 0;
}

/* The disk and partition number of the file system at esp, from sysfs:
 * /dev/DISK and *part.  0, or -1 after one line. */
static int esp_device(const char *esp, char *disk, size_t size, unsigned *part)
{
	struct stat st;
	char sys[128], link[PATH_MAX], *name;
	uint64_t n;
	if (stat(esp, &st) < 0) {
		warn("hangcap: %s", esp);
		return -1;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/partition", major(st.st_dev), minor(st.st_dev));
	if (sysfile_read_u64("", sys, 10, &n) < 0 || n == 0 || n > 128) {
		warnx("hangcap: %s is not on a disk partition (%s: %s): efibootmgr needs one", esp, sys,
		      errno ? strerror(errno) : "not a partition number");
		return -1;
	}
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
	ssize_t l = readlink(sys, link, sizeof(link) - 1);
	if (l <= 0) {
		warn("hangcap: %s", sys);
		return -1;
	}
	link[l] = 0; /* ../../devices/.../block/vda/vda1: the disk is the parent */
	char *last = strrchr(link, '/');
	if (!last) {
		warnx("hangcap: %s -> %s: no parent disk", sys, link);
		return -1;
	}
	*last = 0;
	name = strrchr(link, '/');
	if (join(disk, size, "/dev/", name ? name + 1 : link) < 0)
		return -1;
	*part = (unsigned)n;
	return 0;
}

/* The SysPrep#### options whose description is LABEL, from efivarfs:
 * how many (nums[]), or -1 after one line. */
static int find_options(const char *root, unsigned *nums, unsigned max)
{
	char path[SYSFILE_PATH_MAX], why[400], desc[128];
	static uint8_t data[EFIVAR_MAX_DATA + 1];
	int n = 0;
	if (sysfile_path(path, sizeof(path), root, EFIVARFS_DIR) < 0)
		return warnx("hangcap: path too long"), -1;
	DIR *d = opendir(path);
	if (!d)
		return warn("hangcap: %s", path), -1;
	struct dirent *e;
	while ((e = readdir(d)) && n < (int)max) {
		unsigned num;
		char guid[40];
		if (strlen(e->d_name) != strlen("SysPrep0000-" GLOBAL_GUID) ||
		    sscanf(e->d_name, "SysPrep%4x-%36s", &num, guid) != 2 || strcmp(guid, GLOBAL_GUID))
			continue;
		uint32_t attrs;
		ssize_t len = efivar_read(root, e->d_name, &attrs, data, sizeof(data) - 1, why, sizeof(why));
		if (len == -2)
			continue;
		if (len < 0) {
			warnx("hangcap: %s", why);
			closedir(d);
			return -1;
		}
		if (loadopt_description(data, (size_t)len, desc, sizeof(desc)) == 0 && !strcmp(desc, LABEL))
			nums[n++] = num;
	}
	closedir(d);
	return n;
}

/* SysPrepOrder: how many entries (order[]), 0 if there is none, -1 after one line. */
static int read_order(const char *root, uint16_t *order, unsigned max)
{
	uint8_t b[512];
	char why[400];
	uint32_t attrs;
	ssize_t n = efivar_read(root, ORDER_FILE, &attrs, b, sizeof(b), why, sizeof(why));
	if (n == -2)
		return 0;
	if (n < 0)
		return warnx("hangcap: %s", why), -1;
	unsigned k = 0;
	for (ssize_t i = 0; i + 1 < n && k < max; i += 2)
		order[k++] = le16(b + i);
	return (int)k;
}

/* efibootmgr ARGS...: 0, or -1 after one line naming what it said. */
static int efibootmgr(const char *what, char *const argv[])
{
	static char out[16384];
	int rc = runprog(argv, out, sizeof(out), EFIBOOTMGR_SECONDS);
	if (rc == 0)
		return 0;
	char *last = out, *nl;
	while ((nl = strchr(last, '\n')) && nl[1])
		last = nl + 1;
	if ((nl = strchr(last, '\n')))
		*nl = 0;
	if (rc == RUNPROG_NOT_FOUND && !out[0])
		warnx("hangcap: %s: efibootmgr could not be run: is it installed? (apt-get install efibootmgr)", what);
	else if (rc == RUNPROG_TIMEOUT)
		warnx("hangcap: %s: efibootmgr did not finish within %u s", what, EFIBOOTMGR_SECONDS);
	else if (rc < 0)
		warn("hangcap: %s: running efibootmgr", what);
	else
		warnx("hangcap: %s: efibootmgr exit %d: %s", what, rc, last[0] ? last : "(said nothing)");
	return -1;
}

static int delete_option(unsigned num)
{
	char n[8], what[64];
	snprintf(n, sizeof(n), "%04X", num);
	snprintf(what, sizeof(what), "deleting SysPrep%s", n);
	char *argv[] = { "efibootmgr", "--quiet", "--sysprep", "--bootnum", n, "--delete-bootnum", NULL };
	return efibootmgr(what, argv);
}

/* Write the image to ESP/EFI/crashcap/hangcap.efi: a new file synced,
 * then renamed over the old one.  0, or -1 after one line. */
static int copy_image(const char *esp, const uint8_t *b, size_t len)
{
	char dir[PATH_MAX], tmp[PATH_MAX], dst[PATH_MAX];
	if (join(dir, sizeof(dir), esp, "/EFI") < 0 || join(tmp, sizeof(tmp), esp, "/" ESP_FILE ".new") < 0 ||
	    join(dst, sizeof(dst), esp, "/" ESP_FILE) < 0)
		return -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return warn("hangcap: %s", dir), -1;
	if (join(dir, sizeof(dir), esp, "/" ESP_DIR) < 0)
		return -1;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return warn("hangcap: %s", dir), -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return warn("hangcap: %s", tmp), -1;
	size_t done = 0;
	while (done < len) {
		ssize_t n = write(fd, b + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			warn("hangcap: writing %s", tmp);
			close(fd);
			unlink(tmp);
			return -1;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		warn("hangcap: %s", tmp);
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, dst) < 0) {
		warn("hangcap: %s -> %s", tmp, dst);
		unlink(tmp);
		return -1;
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* Does the PE32+ image b (len bytes, read_image checked its headers) carry
 * an Authenticode signature: a Certificate Table inside the file whose first
 * entry is PKCS signed data?  Whether its key is in db is the firmware's to
 * say, at every boot. */
static int signed_image(const uint8_t *b, size_t len)
{
	size_t opt = (size_t)le32(b + 0x3c) + 24;
	size_t dir = opt + PE32P_DIRS + PE_DIR_SECURITY * 8;
	if (dir + 8 > len || le32(b + opt + PE32P_NUM_DIRS) <= PE_DIR_SECURITY)
		return 0;
	uint32_t off = le32(b + dir), size = le32(b + dir + 4);
	if (!size || size < 8 || off > len || size > len - off)
		return 0;
	uint32_t cert_len = le32(b + off);
	return cert_len >= 8 && cert_len <= size && le16(b + off + 6) == WIN_CERT_TYPE_PKCS_SIGNED_DATA;
}

/* Secure Boot on: 1; off or not said (no variable): 0; unreadable: -1. */
static int secure_boot(const char *root)
{
	uint8_t v[2];
	uint32_t attrs;
	char why[300];
	ssize_t n = efivar_read(root, SECURE_BOOT_FILE, &attrs, v, sizeof(v), why, sizeof(why));
	if (n == -2)
		return 0;
	if (n != 1) {
		warnx("hangcap: the SecureBoot variable: %s", n < 0 ? why : "not 1 byte long");
		return -1;
	}
	return v[0] == 1;
}

static int install(const struct args *a)
{
	char image[PATH_MAX], esp[PATH_MAX], disk[PATH_MAX], why[400];
	unsigned part, nums[16];
	size_t len;

	if (a->image)
		snprintf(image, sizeof(image), "%s", a->image);
	else if (default_image(image, sizeof(image)) < 0)
		return warnx("hangcap: no hangcap.efi installed beside this crashcap (make install puts it in "
			     "PREFIX/lib/crashcap; needs gnu-efi to build): give --image FILE"), 1;
	uint8_t *b = read_image(image, &len);
	if (!b)
		return 1;
	int rc = 1;
	if (!efivar_available(a->root, why, sizeof(why))) {
		warnx("hangcap: %s: hangcap.efi needs UEFI", why);
		goto out;
	}
	/* The firmware skips an image it does not trust without a word on most
	 * machines (OVMF prints nothing for a SysPrep option): hangs would go
	 * uncaptured unnoticed, so an unsigned image is refused here. */
	int sb = secure_boot(a->root);
	if (sb < 0)
		goto out;
	if (sb && !signed_image(b, len)) {
		warnx("hangcap: Secure Boot is on and %s carries no signature: the firmware would refuse it at every "
		      "boot, without a word; sign it with a key in db (sbsign; docs/secure-boot.md) and give the signed "
		      "copy with --image", image);
		goto out;
	}
	if (sb)
		printf("crashcap: Secure Boot is on; %s is signed (the firmware checks the signature against db at every "
		       "boot)\n", image);
	if (find_esp(a, esp, sizeof(esp), 0) < 0 || esp_device(esp, disk, sizeof(disk), &part) < 0)
		goto out;
	int n = find_options(a->root, nums, 16);
	if (n < 0)
		goto out;
	for (int i = 0; i < n; i++) {
		if (delete_option(nums[i]) < 0)
			goto out;
		printf("crashcap: removed the old SysPrep%04X \"" LABEL "\"\n", nums[i]);
	}
	if (copy_image(esp, b, len) < 0)
		goto out;
	char partno[12];
	snprintf(partno, sizeof(partno), "%u", part);
	char *argv[] = { "efibootmgr", "--quiet", "--sysprep", "--create", "--disk", disk, "--part", partno,
			 "--loader", ESP_LOADER, "--label", LABEL, NULL };
	if (efibootmgr("creating the SysPrep option", argv) < 0)
		goto out;
	/* read back: one option of ours, first in SysPrepOrder */
	n = find_options(a->root, nums, 16);
	uint16_t order[64];
	int no = n == 1 ? read_order(a->root, order, 64) : -1;
	if (n != 1 || no <= 0 || order[0] != nums[0]) {
		if (n >= 0 && no >= 0)
			warnx("hangcap: efibootmgr succeeded but efivarfs shows %d SysPrep options \"" LABEL "\" and a "
			      "SysPrepOrder of %d entries%s", n, no, n == 1 && no > 0 ? " not starting with it" : "");
		goto out;
	}
	printf("crashcap: hangcap.efi installed: %s/" ESP_FILE " (%zu bytes, from %s), SysPrep%04X \"" LABEL
	       "\" first in SysPrepOrder (%s partition %u): the firmware starts it at every boot\n", esp, len, image,
	       nums[0], disk, part);
	rc = 0;
out:
	free(b);
	return rc;
}

static int remove_all(const struct args *a)
{
	char why[400], esp[PATH_MAX], path[PATH_MAX];
	unsigned nums[16];
	int rc = 0;

	if (!efivar_available(a->root, why, sizeof(why))) {
		printf("crashcap: no SysPrep option to remove (%s)\n", why);
	} else {
		int n = find_options(a->root, nums, 16);
		if (n < 0)
			return 1;
		for (int i = 0; i < n; i++) {
			if (delete_option(nums[i]) < 0)
				return 1;
			uint16_t order[64];
			int no = read_order(a->root, order, 64);
			for (int k = 0; k < no; k++)
				if (order[k] == nums[i]) {
					warnx("hangcap: SysPrep%04X deleted, but SysPrepOrder still names it", nums[i]);
					return 1;
				}
			printf("crashcap: removed SysPrep%04X \"" LABEL "\" and its SysPrepOrder entry\n", nums[i]);
		}
		if (n == 0)
			printf("crashcap: no SysPrep option \"" LABEL "\"\n");
	}
	if (find_esp(a, esp, sizeof(esp), 1) < 0) {
		if (a->esp) {
			find_esp(a, esp, sizeof(esp), 0); /* says why */
			return 1;
		}
		printf("crashcap: no EFI system partition mounted at /boot/efi or /efi: no file removed (--esp DIR)\n");
		return rc;
	}
	if (join(path, sizeof(path), esp, "/" ESP_FILE) < 0)
		return 1;
	int gone = unlink(path) == 0;
	if (!gone && errno != ENOENT) {
		warn("hangcap: %s", path);
		return 1;
	}
	printf("crashcap: %s %s\n", gone ? "removed" : "no file", path);
	if (join(path, sizeof(path), esp, "/" ESP_DIR) == 0)
		rmdir(path); /* only if empty: anything else there is not ours to remove */
	return rc;
}

int cmd_hangcap(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "esp", required_argument, NULL, 'e' }, { "image", required_argument, NULL, 'i' },
		{ "root", required_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' }, { 0, 0, 0, 0 },
	};
	struct args a = { NULL, NULL, "" };
	unsigned seen = 0;
	int c;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (option_once(&seen, 1, "hangcap", "--esp") < 0)
				return EXIT_USAGE;
			a.esp = optarg;
			break;
		case 'i':
			if (option_once(&seen, 2, "hangcap", "--image") < 0)
				return EXIT_USAGE;
			a.image = optarg;
			break;
		case 'r':
			a.root = optarg;
			break;
		case 'h':
			usage_print("hangcap");
			return 0;
		default:
			warnx("hangcap: unknown option or missing value: %s (crashcap hangcap --help)", argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		warnx("usage: crashcap hangcap install [--esp DIR] [--image FILE] | remove [--esp DIR]");
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "install"))
		return install(&a);
	if (!strcmp(argv[optind], "remove")) {
		if (a.image) {
			warnx("hangcap: remove takes no --image");
			return EXIT_USAGE;
		}
		return remove_all(&a);
	}
	warnx("hangcap: %s: use install or remove", argv[optind]);
	return EXIT_USAGE;
}

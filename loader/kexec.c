/* loader/kexec.c - see kexec.h. */
#include <errno.h>
#include <err.h>
#include <linux/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "loader/kexec.h"
#include "loader/sysfile.h"

/* The kernel's struct kexec_segment (include/uapi/linux/kexec.h). */
struct kexec_segment_abi {
	const void *buf;
	size_t bufsz;
	const void *mem;   /* physical address */
	size_t memsz;
};
_Static_assert(sizeof(struct kexec_segment_abi) == 32, "struct kexec_segment layout");

static long sys_kexec_load(unsigned long entry, unsigned long nr, struct kexec_segment_abi *segs,
			   unsigned long flags)
{
	return syscall(KEXEC_SYSCALL_NR, entry, nr, segs, flags);
}

int kexec_load_crash(uint64_t entry, const struct segment *segs, unsigned n)
{
	struct kexec_segment_abi k[KEXEC_MAX_SEGMENTS];

	if (n == 0 || n > KEXEC_MAX_SEGMENTS) {
		errno = EINVAL;
		return -1;
	}
	for (unsigned i = 0; i < n; i++)
		k[i] = (struct kexec_segment_abi){
			.buf = segs[i].bufsz ? segs[i].buf : NULL,
			.bufsz = segs[i].bufsz,
			.mem = (const void *)(uintptr_t)segs[i].mem,
			.memsz = segs[i].memsz,
		};
	return sys_kexec_load(entry, n, k, KEXEC_CRASH_FLAGS) == 0 ? 0 : -1;
}

int kexec_unload_crash(void)
{
	return sys_kexec_load(0, 0, NULL, KEXEC_CRASH_FLAGS) == 0 ? 0 : -1;
}

int kexec_file_load_crash(int kernel_fd, int initrd_fd, const char *cmdline)
{
	return syscall(KEXEC_FILE_SYSCALL_NR, kernel_fd, initrd_fd, strlen(cmdline) + 1, cmdline,
		       KEXEC_FILE_ON_CRASH) == 0 ? 0 : -1;
}

int kexec_file_unload_crash(void)
{
	return syscall(KEXEC_FILE_SYSCALL_NR, -1, -1, 0ul, NULL, KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH) == 0 ? 0 : -1;
}

const char *kexec_file_error_sentence(int err, const char *image)
{
	static char s[1024];
	switch (err) {
	case ENODATA:
		snprintf(s, sizeof(s), "the kernel refused %s (ENODATA): the image carries no signature, and this kernel "
			 "demands one (Secure Boot or kexec signature enforcement); sign it with your key (sbsign) and "
			 "load it with --image (docs/secure-boot.md)", image);
		return s;
	case EKEYREJECTED:
	case ENOKEY:
		snprintf(s, sizeof(s), "the kernel refused %s (%s): it is signed by a key the kernel does not trust; "
			 "kexec trusts the .builtin_trusted_keys and .secondary_trusted_keys keyrings, the .platform "
			 "keyring (the UEFI db) and .machine (MOKs): enroll your signing certificate as a MOK with "
			 "'mokutil --import cert.der', reboot and confirm it in MokManager (docs/secure-boot.md)",
			 image, err == ENOKEY ? "ENOKEY" : "EKEYREJECTED");
		return s;
	case EBADMSG:
	case ELIBBAD:
		snprintf(s, sizeof(s), "the kernel could not read the signature of %s (%s): the PE/COFF headers or the "
			 "signature are malformed; sign the capture.efi of this crashcap again (sbattach --remove first "
			 "if it was signed before)", image, err == EBADMSG ? "EBADMSG" : "ELIBBAD");
		return s;
	case EPERM:
		return "the kernel refused kexec_file_load (EPERM): it needs CAP_SYS_BOOT, and is also refused when "
		       "kernel.kexec_load_disabled is 1, or when the kernel is locked down and the image's signature "
		       "did not verify";
	case EACCES:
		return "the kernel refused kexec_file_load (EACCES): an IMA policy did not accept the image";
	case ENOEXEC:
		snprintf(s, sizeof(s), "the kernel refused %s (ENOEXEC): not an image its bzImage64 loader accepts "
			 "(boot protocol, 64-bit or above-4G flags, or 5-level paging); use the capture.efi built with "
			 "this crashcap", image);
		return s;
	case EINVAL:
		return "the kernel rejected the kexec_file_load arguments (EINVAL: flags, command line, or an image or "
		       "initrd it cannot take); this is a crashcap bug: please report it with the output of --dry-run";
	case ENOMEM:
		return "the kernel found no room (ENOMEM) in the crash region for the image, its purgatory, boot "
		       "parameters, ELF header and the parameter block; raise crashkernel= on the kernel command line";
	case EBUSY:
		return "another kexec load or unload is running (EBUSY); try again when it has finished";
	case ENOSYS:
		return "this kernel has no kexec_file_load (ENOSYS): it was built without CONFIG_KEXEC_FILE";
	case EFBIG:
		return "the kernel refused the image or the initrd as too large (EFBIG)";
	}
	return strerror(err);
}

const char *kexec_error_sentence(int err)
{
	switch (err) {
	case EPERM:
		return "the kernel refused kexec_load (EPERM): it needs CAP_SYS_BOOT, and is also refused when "
		       "kernel.kexec_load_disabled is 1, when kernel.kexec_load_limit_panic is used up, or when "
		       "the kernel is locked down (Secure Boot: then load a signed capture.efi with --syscall file "
		       "--image FILE, docs/secure-boot.md)";
	case EACCES:
		return "the kernel refused kexec_load (EACCES): an IMA or Secure Boot policy demands signed kexec "
		       "images, which only kexec_file_load can check: load a signed capture.efi with --syscall file "
		       "--image FILE (docs/secure-boot.md)";
	case EINVAL:
		return "the kernel rejected the segments (EINVAL: overlapping, more than 16, bigger than half of RAM, "
		       "or flags this kernel does not know); this is a crashcap bug: please report it with the "
		       "output of --dry-run";
	case EBUSY:
		return "another kexec load or unload is running (EBUSY); try again when it has finished";
	case EADDRNOTAVAIL:
		return "the kernel rejected the placement (EADDRNOTAVAIL: entry or a segment outside the \"Crash "
		       "kernel\" region or not page aligned); did /sys/kernel/kexec_crash_size shrink the region? "
		       "Otherwise a crashcap bug: please report it with the output of --dry-run";
	case ENOMEM:
		return "the kernel found no room (ENOMEM) for its own pages (control page, page tables) in the "
		       "crash region, or no memory to copy the segments; raise crashkernel= on the kernel command line";
	case EFAULT:
		return "the kernel could not read crashcap's buffers (EFAULT); this is a crashcap bug";
	case ENOSYS:
		return "this kernel has no kexec_load (ENOSYS): it was built without CONFIG_KEXEC; "
		       "crashcap needs a kernel with CONFIG_KEXEC and CONFIG_CRASH_DUMP";
	}
	return strerror(err);
}

int kexec_crash_loaded(const char *root)
{
	uint64_t v;
	if (sysfile_read_u64(root, "/sys/kernel/kexec_crash_loaded", 10, &v) < 0)
		return -1;
	return v != 0;
}

int kexec_check_privileges(const char *what)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return 0; /* cannot tell: let the kernel decide */
	int boot = !!(data[CAP_TO_INDEX(CAP_SYS_BOOT)].effective & CAP_TO_MASK(CAP_SYS_BOOT));
	int admin = !!(data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective & CAP_TO_MASK(CAP_SYS_ADMIN));
	int need_admin = !strcmp(what, "load"); /* /proc/iomem shows addresses to CAP_SYS_ADMIN only */
	if (boot && (admin || !need_admin))
		return 0;
	warnx("crashcap %s must run as root: it needs CAP_SYS_BOOT%s (try sudo crashcap %s ...)", what,
	      need_admin ? " and CAP_SYS_ADMIN (to read /proc/iomem)" : "", what);
	return -1;
}

const char *kexec_lockdown_mode(const char *root)
{
	char line[256];

	if (sysfile_read_line(root, "/sys/kernel/security/lockdown", line, sizeof(line)) < 0)
		return NULL; /* no lockdown LSM (or securityfs not mounted): not locked down by it */
	return strstr(line, "[integrity]") ? "integrity" : strstr(line, "[confidentiality]") ? "confidentiality" : NULL;
}

void kexec_lockdown_refusal(const char *mode)
{
	warnx("the kernel is locked down (%s), and a locked-down kernel refuses kexec_load: use --syscall file "
	      "with a signed capture.efi (--image FILE, docs/secure-boot.md), or leave --syscall out", mode);
}

/* loader/kexec.h - the kexec_load system call for crash images, and the
 * words for everything it can answer (kexec-abi.md 1.2, 1.5). */
#ifndef LOADER_KEXEC_H
#define LOADER_KEXEC_H

#include <stdint.h>
#include "loader/layout.h"

#define KEXEC_SYSCALL_NR     246           /* __NR_kexec_load on x86_64 */
#define KEXEC_FLAG_ON_CRASH  0x00000001ul
#define KEXEC_FLAG_ARCH_X86_64 (62ul << 16) /* EM_X86_64 << 16 */
#define KEXEC_CRASH_FLAGS    (KEXEC_FLAG_ON_CRASH | KEXEC_FLAG_ARCH_X86_64) /* 0x003e0001 */
#define KEXEC_MAX_SEGMENTS   16            /* KEXEC_SEGMENT_MAX */

/* Load segs[0..n) as the crash image, entry = physical start address.
 * 0, or -1 with errno. */
int kexec_load_crash(uint64_t entry, const struct segment *segs, unsigned n);
/* Unload the crash image (no segments).  0, or -1 with errno. */
int kexec_unload_crash(void);

#define KEXEC_FILE_SYSCALL_NR 320          /* __NR_kexec_file_load on x86_64 */
#define KEXEC_FILE_UNLOAD    0x00000001ul
#define KEXEC_FILE_ON_CRASH  0x00000002ul  /* include/uapi/linux/kexec.h */

/* kexec_file_load(kernel_fd, initrd_fd, cmdline, KEXEC_FILE_ON_CRASH):
 * the kernel reads the image and the initrd from the fds, checks the
 * image's signature when it must (next-features.md 5.2) and builds every
 * segment itself.  cmdline is passed with its NUL.  0, or -1 with errno. */
int kexec_file_load_crash(int kernel_fd, int initrd_fd, const char *cmdline);
/* Unload the crash image through kexec_file_load (what a locked-down
 * kernel allows).  0, or -1 with errno. */
int kexec_file_unload_crash(void);
/* One sentence (no newline) for an errno of kexec_file_load; image names
 * the file (for the signature sentences). */
const char *kexec_file_error_sentence(int err, const char *image);

/* One sentence (no newline) for an errno of kexec_load. */
const char *kexec_error_sentence(int err);

/* /sys/kernel/kexec_crash_loaded below root: 1, 0, or -1 with errno. */
int kexec_crash_loaded(const char *root);

/* Refuse early, in one line, when this process may not kexec_load:
 * what names the command ("load", "unload").  0, or -1. */
int kexec_check_privileges(const char *what);

/* The lockdown mode /sys/kernel/security/lockdown (below root) shows:
 * "integrity", "confidentiality", or NULL (none, or no lockdown LSM).
 * kexec_load is refused under either mode. */
const char *kexec_lockdown_mode(const char *root);
/* The one line for kexec_load refused by lockdown (mode as above). */
void kexec_lockdown_refusal(const char *mode);

#endif

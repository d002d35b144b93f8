/* loader/efivar.h - one UEFI variable through efivarfs
 * (/sys/firmware/efi/efivars, Documentation/filesystems/efivarfs.rst).
 *
 * A variable is the file NAME-GUID; its content is the 4 attribute bytes
 * (little endian), then the data, and it is written with one write() of
 * both.  efivarfs marks the files of variables it does not know as
 * immutable (chattr +i), so replacing or deleting one first clears
 * FS_IMMUTABLE_FL.  Paths are taken below root ("" on a real run; a
 * test's directory otherwise, where any directory is accepted in place of
 * a mounted efivarfs).  Messages go to why (one sentence), errno set. */
#ifndef LOADER_EFIVAR_H
#define LOADER_EFIVAR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EFIVARFS_DIR    "/sys/firmware/efi/efivars"
#define EFIVARFS_MAGIC  0xde5e81e4u /* statfs f_type (linux/magic.h) */
#define EFIVAR_MAX_DATA 65536       /* what this reader reads at most */

/* 1: efivarfs is there; 0: it is not (why says: not booted with UEFI, or
 * efivarfs not mounted). */
int efivar_available(const char *root, char *why, size_t why_len);

/* Replace variable FILE (NAME-GUID) by attrs + data: delete it if it
 * exists (so the new file gets mode 0600: efivarfs gives the variables
 * it finds at mount 0644), create it, write, read back and compare.
 * 0, or -1. */
int efivar_write(const char *root, const char *file, uint32_t attrs, const void *data, size_t len, char *why,
		 size_t why_len);

/* Delete FILE: 1 deleted, 0 there was none, -1 failed. */
int efivar_delete(const char *root, const char *file, char *why, size_t why_len);

/* Read FILE: the data's length (at most size; longer reads as size + 1),
 * *attrs its attributes; -2 there is none; -1 failed. */
ssize_t efivar_read(const char *root, const char *file, uint32_t *attrs, void *buf, size_t size, char *why,
		    size_t why_len);

#endif

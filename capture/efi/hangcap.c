/* capture/efi/hangcap.c - hangcap.efi: the UEFI application the firmware
 * starts at every boot before the operating system (docs/hangcap.md).
 *
 * Built so far: the no-record path.  It reads the hang record
 * (CrashcapHang, crashcap's vendor GUID) and, when there is none or it is
 * not valid, returns EFI_SUCCESS at once with one line saying why and how
 * long it took.  A valid record is named and left in place: the check of
 * the canaries and the capture are not built yet, so this build never
 * writes a variable, a disk or RAM it does not own. */
#include <efi.h>
#include <efilib.h>

#include "boot/efi/efiutil.h"
#include "capture/hangrec.h"

static EFI_GUID hang_guid = { CC_HANG_GUID_DATA1, CC_HANG_GUID_DATA2, CC_HANG_GUID_DATA3, CC_HANG_GUID_DATA4 };

/* One byte more than a record: a longer variable reads as too long, not as cut. */
static UINT8 var_buf[CC_HANG_RECORD_SIZE + 1] __attribute__((aligned(8)));

enum verdict { NO_RECORD, READ_FAILED, INVALID, VALID };

/* Read and check the record; why gets the reason's words, detail a number. */
static enum verdict look(const char **why, UINT64 *detail, UINT32 *attrs)
{
	UINTN size = sizeof(var_buf);
	EFI_STATUS st = RT->GetVariable((CHAR16 *)L"" CC_HANG_VAR_NAME, &hang_guid, attrs, &size, var_buf);

	*detail = 0;
	if (st == EFI_NOT_FOUND) {
		*why = "no hang record";
		return NO_RECORD;
	}
	if (st == EFI_BUFFER_TOO_SMALL) {
		*why = "wrong size";
		*detail = size;
		return INVALID;
	}
	if (EFI_ERROR(st)) {
		*why = "cannot read the hang record";
		*detail = st;
		return READ_FAILED;
	}
	if (*attrs != CC_HANG_VAR_ATTRS) {
		*why = "attributes not NV|BS|RT";
		*detail = *attrs;
		return INVALID;
	}
	unsigned at;
	int rc = hangrec_check(var_buf, size, &at);
	if (rc != HANGREC_OK) {
		*why = hangrec_error(rc);
		*detail = rc == HANGREC_BAD_SIZE ? size : at;
		return INVALID;
	}
	*why = "valid";
	return VALID;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	UINT64 t0 = efi_rdtsc();
	const char *why;
	UINT64 detail;
	UINT32 attrs = 0;

	InitializeLib(image, systab);
	enum verdict v = look(&why, &detail, &attrs);
	UINT64 t1 = efi_rdtsc();

	UINT64 us = efi_tsc_us(t1 - t0, efi_tsc_per_ms());
	switch (v) {
	case NO_RECORD:
		Print(L"hangcap: no hang record: nothing to capture, back to the boot manager after %ld us\n", us);
		break;
	case READ_FAILED:
		Print(L"hangcap: cannot read the hang record (%r): nothing captured, back after %ld us\n",
		      (EFI_STATUS)detail, us);
		break;
	case INVALID:
		Print(L"hangcap: hang record invalid (%a, %ld): nothing captured, left in place, back after %ld us\n",
		      why, detail, us);
		break;
	case VALID:
		Print(L"hangcap: hang record valid: capture not built yet, nothing captured, left in place, "
		      L"back after %ld us\n", us);
		break;
	}
	return EFI_SUCCESS;
}

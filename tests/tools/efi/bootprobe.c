/* tests/tools/efi/bootprobe.c - bootprobe.efi, the QEMU check's stand-in
 * for the operating system's boot option (tests/qemu/hangcap_test.sh).
 * Not installed anywhere; test only.  It reads the firmware's state and
 * acts in stages, one line each (prefix "bootprobe:"):
 *
 *   - \EFI\crashcap\hangcap.efi is not on its own disk: it was reached as
 *     the next boot option after hangcap.efi; says so and powers off.
 *   - it is, and there is no SysPrepOrder: installs hangcap.efi as
 *     SysPrep0000 (active, category application: what `efibootmgr
 *     --sysprep` makes), writes a CrashcapHang variable of 16 bytes that
 *     are no record, and resets;
 *   - SysPrepOrder exists and CrashcapHang too: deletes CrashcapHang
 *     (hangcap.efi must have said it is invalid) and resets;
 *   - SysPrepOrder exists, no CrashcapHang: reached after the SysPrep
 *     application; says so and powers off.
 * The two "reached" lines end with the SecureBoot variable's value (0, 1,
 * or "none"): the Secure Boot case checks that the firmware enforced it. */
#include <efi.h>
#include <efilib.h>

#include "boot/efi/efiutil.h"
#include "crashcap/hangrec.h"

#define HANGCAP_PATH L"\\EFI\\crashcap\\hangcap.efi"
#define LOAD_OPTION_CATEGORY_APP 0x00000100u
#define NV_BS_RT (EFI_VARIABLE_NON_VOLATILE | EFI_VARIABLE_BOOTSERVICE_ACCESS | EFI_VARIABLE_RUNTIME_ACCESS)

static EFI_GUID hang_guid = { CC_HANG_GUID_DATA1, CC_HANG_GUID_DATA2, CC_HANG_GUID_DATA3, CC_HANG_GUID_DATA4 };
static UINT8 option[1024];

static int var_exists(CHAR16 *name, EFI_GUID *guid)
{
	UINT8 b[8];
	UINTN size = sizeof(b);
	UINT32 attrs;
	EFI_STATUS st = RT->GetVariable(name, guid, &attrs, &size, b);
	return st == EFI_SUCCESS || st == EFI_BUFFER_TOO_SMALL;
}

static void finish(EFI_RESET_TYPE how)
{
	RT->ResetSystem(how, EFI_SUCCESS, 0, NULL);
	Print(L"bootprobe: ResetSystem returned\n");
	for (;;)
		__asm__ volatile("hlt");
}

static EFI_STATUS install(EFI_HANDLE device)
{
	EFI_DEVICE_PATH *dp = FileDevicePath(device, HANGCAP_PATH);
	static const CHAR16 desc[] = L"crashcap hangcap";
	if (!dp)
		return EFI_OUT_OF_RESOURCES;
	UINTN dplen = DevicePathSize(dp), off = 0;
	if (6 + sizeof(desc) + dplen > sizeof(option))
		return EFI_BUFFER_TOO_SMALL;
	UINT32 attrs = LOAD_OPTION_ACTIVE | LOAD_OPTION_CATEGORY_APP;
	UINT16 fplen = (UINT16)dplen;
	CopyMem(option + off, &attrs, 4), off += 4;
	CopyMem(option + off, &fplen, 2), off += 2;
	CopyMem(option + off, (void *)desc, sizeof(desc)), off += sizeof(desc);
	CopyMem(option + off, dp, dplen), off += dplen;
	EFI_STATUS st = RT->SetVariable((CHAR16 *)L"SysPrep0000", &EfiGlobalVariable, NV_BS_RT, off, option);
	if (EFI_ERROR(st))
		return st;
	UINT16 order = 0;
	st = RT->SetVariable((CHAR16 *)L"SysPrepOrder", &EfiGlobalVariable, NV_BS_RT, sizeof(order), &order);
	if (EFI_ERROR(st))
		return st;
	static const char junk[16] = "not a hang rec.";
	return RT->SetVariable((CHAR16 *)L"" CC_HANG_VAR_NAME, &hang_guid, CC_HANG_VAR_ATTRS, sizeof(junk), (void *)junk);
}

/* secure_boot: the SecureBoot variable (UEFI 3.3), 0 or 1, or -1 without it */
static int secure_boot(void)
{
	UINT8 v = 0;
	UINTN size = sizeof(v);
	UINT32 attrs;
	if (EFI_ERROR(RT->GetVariable((CHAR16 *)L"SecureBoot", &EfiGlobalVariable, &attrs, &size, &v)) || size != 1)
		return -1;
	return v;
}

static void say_secure_boot(void)
{
	int sb = secure_boot();
	if (sb < 0)
		Print(L"; SecureBoot none\n");
	else
		Print(L"; SecureBoot %d\n", sb);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_LOADED_IMAGE *li;
	UINT16 current = 0xffff;
	UINTN size = sizeof(current);
	UINT32 attrs;

	InitializeLib(image, systab);
	RT->GetVariable((CHAR16 *)L"BootCurrent", &EfiGlobalVariable, &attrs, &size, &current);
	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&li))) {
		Print(L"bootprobe: no loaded-image protocol\n");
		finish(EfiResetShutdown);
	}
	EFI_FILE_HANDLE root = LibOpenRoot(li->DeviceHandle), f;
	int has_hangcap = root && !EFI_ERROR(root->Open(root, &f, (CHAR16 *)HANGCAP_PATH, EFI_FILE_MODE_READ, 0));
	if (has_hangcap)
		f->Close(f);

	if (!has_hangcap) {
		Print(L"bootprobe: reached as boot option Boot%04x after hangcap.efi", current);
		say_secure_boot();
		finish(EfiResetShutdown);
	}
	if (!var_exists((CHAR16 *)L"SysPrepOrder", &EfiGlobalVariable)) {
		EFI_STATUS st = install(li->DeviceHandle);
		if (EFI_ERROR(st)) {
			Print(L"bootprobe: installing SysPrep0000 failed: %r\n", st);
			finish(EfiResetShutdown);
		}
		Print(L"bootprobe: installed SysPrep0000 = " HANGCAP_PATH L" and a CrashcapHang that is no record; reset\n");
		finish(EfiResetCold);
	}
	if (var_exists((CHAR16 *)L"" CC_HANG_VAR_NAME, &hang_guid)) {
		EFI_STATUS st = RT->SetVariable((CHAR16 *)L"" CC_HANG_VAR_NAME, &hang_guid, 0, 0, NULL);
		Print(L"bootprobe: deleted CrashcapHang (%r); reset\n", st);
		finish(EfiResetCold);
	}
	Print(L"bootprobe: reached as boot option Boot%04x after the SysPrep application", current);
	say_secure_boot();
	finish(EfiResetShutdown);
	return EFI_SUCCESS;
}

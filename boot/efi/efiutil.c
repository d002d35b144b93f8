/* boot/efi/efiutil.c - see efiutil.h. */
#include <efi.h>
#include <efilib.h>

#include "boot/efi/efiutil.h"

#define CAL_STALL_US 1000

UINT64 efi_tsc_per_ms(void)
{
	UINT64 a = efi_rdtsc();
	BS->Stall(CAL_STALL_US);
	UINT64 b = efi_rdtsc();
	return b > a ? (b - a) * 1000 / CAL_STALL_US : 0;
}

UINT64 efi_tsc_us(UINT64 ticks, UINT64 per_ms)
{
	if (!per_ms)
		return 0;
	return ticks / per_ms * 1000 + ticks % per_ms * 1000 / per_ms;
}

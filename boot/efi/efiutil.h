/* boot/efi/efiutil.h - the little the UEFI applications need beside
 * gnu-efi's library: the TSC as their clock.  UEFI has no clock with a
 * known rate but Stall(); the TSC is calibrated against it once, after the
 * work being timed is done (docs/hangcap.md). */
#ifndef BOOT_EFI_EFIUTIL_H
#define BOOT_EFI_EFIUTIL_H

#include <efi.h>

static inline UINT64 efi_rdtsc(void)
{
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (UINT64)hi << 32 | lo;
}

/* The entry gnu-efi's crt0 (_start) calls, after relocating the image;
 * each application defines it. */
EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

/* TSC ticks per millisecond, measured over one BS->Stall(1000); 0 if the
 * TSC did not move (then no time can be given). Costs 1 ms. */
UINT64 efi_tsc_per_ms(void);
/* Microseconds between two TSC readings at per_ms ticks per ms. */
UINT64 efi_tsc_us(UINT64 ticks, UINT64 per_ms);

#endif

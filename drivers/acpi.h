/* drivers/acpi.h - just enough ACPI to find tables and power off (S5).
 * Tables are read in place (identity map; tables above 4 GiB are mapped on
 * the way); nothing is written but the PM1 control registers. */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H
#include <stdint.h>

/* Find the RSDP: `hint` if non-zero, else the BIOS areas.  0 if none. */
uint64_t acpi_find_rsdp(uint64_t hint);
/* Physical address of the table with this 4-character signature, or 0. */
uint64_t acpi_find_table(uint64_t rsdp, const char sig[4]);
/* Enter S5.  Returns only on failure, after saying why on the console. */
void acpi_poweroff(uint64_t rsdp_hint);

#endif

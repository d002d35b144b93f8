/* capture/mbinfo.h - the direct-boot path: a multiboot v1 loader (QEMU's
 * -kernel) entered us; fill the parameter block from its memory map and
 * command line, so the rest runs exactly as after a kexec hand-over. */
#ifndef CAPTURE_MBINFO_H
#define CAPTURE_MBINFO_H
#include <stddef.h>
#include <stdint.h>
#include "crashcap/params.h"

/* 0, or -1 with one line in err. */
int mbinfo_to_params(uint32_t mbi, struct cc_params *p, char *err, size_t errlen);

#endif

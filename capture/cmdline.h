/* capture/cmdline.h - the direct-boot command line, into the parameter
 * block.  Pure (host-tested in tests/unit/test_cmdline.c).
 *
 *   target=virtio:BB:DD.F[@FIRST[+COUNT]]   the disk (required); FIRST and
 *                                           COUNT in sectors, default whole disk
 *   uuid=8-4-4-4-12 hex                     only write if the target carries it
 *   action=reboot|poweroff|halt             after a complete dump (default reboot)
 *   fail=reboot|poweroff|halt               after a failure (default: as action)
 *   debug_exit=PORT                         isa-debug-exit port (drills)
 *   serial=PORT                             16550 base (default 0x3f8)
 *   test=exception                          raise #UD after entry (tests)
 * Words without '=' (QEMU passes the image name first) are ignored.
 * Numbers are decimal or 0x-hex. */
#ifndef CAPTURE_CMDLINE_H
#define CAPTURE_CMDLINE_H
#include <stddef.h>
#include "crashcap/params.h"

/* 0 on success; otherwise -1 with one line in err. */
int cmdline_parse(const char *s, struct cc_params *p, char *err, size_t errlen);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" -> 16 bytes; 0 or -1. */
int uuid_parse(const char *s, size_t n, uint8_t out[16]);

#endif

/* capture/cmdline.h - the direct-boot command line, into the parameter
 * block.  Pure (host-tested in tests/unit/test_cmdline.c).
 *
 *   target=virtio:BB:DD.F[@FIRST[+COUNT]]   the disk (required): virtio-blk at
 *                                           PCI BB:DD.F (hex, BB: optional), or
 *   target=ahci:BB:DD.F/pN[@FIRST[+COUNT]]  port N (decimal, 0..31) of the AHCI
 *                                           HBA at BB:DD.F, or
 *   target=nvme:BB:DD.F/nN[@FIRST[+COUNT]]  namespace N (decimal, 1..) of the
 *                                           NVMe controller at BB:DD.F; FIRST and COUNT in
 *                                           the device's sectors, default the
 *                                           whole disk
 *   uuid=8-4-4-4-12 hex                     only write if the target carries it
 *   disk_id=nguid:HEX32|eui64:HEX16|serial:TEXT
 *                                           only write if the disk reports this
 *                                           identity (params.target_id; NVMe)
 *   action=reboot|poweroff|halt             after a complete dump (default reboot)
 *   fail=reboot|poweroff|halt               after a failure (default: as action)
 *   debug_exit=PORT                         isa-debug-exit port (drills)
 *   serial=PORT                             16550 base (default 0x3f8)
 *   zeros=skip|keep                         leave runs of zero memory out of
 *                                           the file (default), or write
 *                                           every byte (CC_OPT_KEEP_ZEROS)
 *   level=N                                 dump level, makedumpfile's bits
 *                                           (0..31, default 0); without a
 *                                           kernel's mm description only
 *                                           zero pages (1) can be left out
 *   compress=lz4|none                       how kept pages are stored when
 *                                           the dump is framed (default none);
 *                                           level=0 compress=none is the
 *                                           raw ELF core (CC_ENC_ELF)
 *   test=exception                          raise #UD after entry (tests)
 *   test=dma32                              AHCI: bounce as if the HBA had
 *                                           32-bit DMA only (tests)
 *   test=iommu-on                           IOMMU translation on, blocking all
 *                                           DMA, before it is turned off (tests)
 * Words without '=' (QEMU passes the image name first) are ignored.
 * Numbers are decimal or 0x-hex. */
#ifndef CAPTURE_CMDLINE_H
#define CAPTURE_CMDLINE_H
#include <stddef.h>
#include "crashcap/params.h"

/* 0 on success; otherwise -1 with one line in err. */
int cmdline_parse(const char *s, struct cc_params *p, char *err, size_t errlen);
/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" -> 16 bytes; 0 or -1. */
int cmdline_uuid(const char *s, size_t n, uint8_t out[16]);

#endif

/* crashcap/status.h - why a capture ended.
 *
 * One list, used for three things: the reason recorded in the dump header
 * (struct cc_dump_header.status), the code the payload writes to QEMU's
 * isa-debug-exit port in drills (CC_DEBUG_EXIT_BASE + status, so QEMU exits
 * with ((CC_DEBUG_EXIT_BASE + status) << 1) | 1), and the words the console
 * prints.  Shared by the payload, the loader and the tests.
 */
#ifndef CRASHCAP_STATUS_H
#define CRASHCAP_STATUS_H

#define CC_OK               0  /* dump complete and committed */
#define CC_ERR_TARGET_FULL  1  /* target smaller than the dump: truncated */
#define CC_ERR_IO           2  /* device reported errors after every retry */
#define CC_ERR_NO_DEVICE    3  /* the recorded controller is not there */
#define CC_ERR_PARAMS       4  /* parameter block or command line invalid */
#define CC_ERR_EXCEPTION    5  /* CPU exception inside the payload */
#define CC_ERR_TIMEOUT      6  /* device did not answer within its deadline */
#define CC_ERR_WRONG_DISK   7  /* target header/UUID is not the recorded one */
#define CC_ERR_NO_MEMORY    8  /* a bounded pool (page tables, notes) ran out */
#define CC_ERR_DEVICE       9  /* device present but could not be brought up */
#define CC_ERR_IOMMU       10  /* an IOMMU still translates: no DMA through its stale tables */
#define CC_STATUS_COUNT    11

/* isa-debug-exit value = base + status; QEMU's exit code = (value << 1) | 1,
 * so CC_OK exits 33, CC_ERR_TARGET_FULL 35, ... (see docs/dump-format.md). */
#define CC_DEBUG_EXIT_BASE 0x10

#endif

/* capture/target.h - bring up the one device the parameter block names:
 * the controller at the recorded PCI address, of the recorded kind.  No
 * other device is touched (PCI config reads during enumeration aside). */
#ifndef CAPTURE_TARGET_H
#define CAPTURE_TARGET_H
#include "crashcap/params.h"
#include "drivers/blkdev.h"

/* p->target names the device; p->test_flags may ask for test behaviour
 * (CC_TEST_DMA32).  CC_OK with *bd ready, or CC_ERR_* after saying why on
 * the console. */
int target_attach(const struct cc_params *p, struct blkdev *bd);

#endif

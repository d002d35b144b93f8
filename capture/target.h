/* capture/target.h - bring up the one device the parameter block names:
 * the controller at the recorded PCI address, of the recorded kind.  No
 * other device is touched (PCI config reads during enumeration aside). */
#ifndef CAPTURE_TARGET_H
#define CAPTURE_TARGET_H
#include "crashcap/params.h"
#include "drivers/blkdev.h"

/* CC_OK with *bd ready, or CC_ERR_* after saying why on the console. */
int target_open(const struct cc_target *t, struct blkdev *bd);

#endif

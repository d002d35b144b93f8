/* purgatory/layout.c - the purgatory's C constants as NASM %defines
 * (build/gen/purgatory-layout.inc), the same trick as boot/layout.c:
 * compiled with -S only, the "->" markers are grepped out by the Makefile
 * (purgatory/purgatory.mk), so entry.asm never types an offset by hand. */
#include <stddef.h>
#include "crashcap/params.h"
#include "crashcap/purgatory.h"
#include "purgatory/internal.h"

#define DEFINE(sym, val) asm volatile("\n.ascii \"->" #sym " %0\"" : : "i"((unsigned long long)(val)))

void purgatory_layout(void);
void purgatory_layout(void)
{
	DEFINE(CC_PURG_MAGIC, CC_PURG_MAGIC);
	DEFINE(CC_PURG_INFO_MAGIC, CC_PURG_INFO_MAGIC);
	DEFINE(CC_PURG_VERSION, CC_PURG_VERSION);
	DEFINE(CC_PURG_HDR_SIZE, CC_PURG_HDR_SIZE);
	DEFINE(CC_PURG_HDR_OFF_MAGIC, offsetof(struct cc_purgatory_header, magic));
	DEFINE(CC_PURG_HDR_OFF_VERSION, offsetof(struct cc_purgatory_header, version));
	DEFINE(CC_PURG_HDR_OFF_HDR_SIZE, offsetof(struct cc_purgatory_header, header_size));
	DEFINE(CC_PURG_HDR_OFF_ENTRY, offsetof(struct cc_purgatory_header, entry_offset));
	DEFINE(CC_PURG_HDR_OFF_INFO, offsetof(struct cc_purgatory_header, info_offset));
	DEFINE(CC_PURG_HDR_OFF_INFO_SIZE, offsetof(struct cc_purgatory_header, info_size));
	DEFINE(CC_PURG_HDR_OFF_FILE_SIZE, offsetof(struct cc_purgatory_header, file_size));
	DEFINE(CC_PURG_HDR_OFF_MEM_SIZE, offsetof(struct cc_purgatory_header, mem_size));
	DEFINE(CC_PURG_HDR_OFF_ALIGN, offsetof(struct cc_purgatory_header, load_align));
	DEFINE(CC_PURG_OFF_INFO, CC_PURG_OFF_INFO);
	DEFINE(CC_PURG_LOAD_ALIGN, CC_PURG_LOAD_ALIGN);
	DEFINE(CC_PURG_INFO_SIZE, sizeof(struct cc_purgatory_info));
	DEFINE(CC_PURG_INFO_OFF_MAGIC, offsetof(struct cc_purgatory_info, magic));
	DEFINE(CC_PURG_INFO_OFF_VERSION, offsetof(struct cc_purgatory_info, version));
	DEFINE(CC_PURG_INFO_OFF_SIZE, offsetof(struct cc_purgatory_info, size));
	/* The rest is for the QEMU smoke test's patcher (purgatory/smoke/). */
	DEFINE(CC_PURG_INFO_OFF_REGIONS, offsetof(struct cc_purgatory_info, regions));
	DEFINE(CC_PURG_INFO_OFF_DIGEST, offsetof(struct cc_purgatory_info, digest));
	DEFINE(CC_PURG_INFO_OFF_ENTRY, offsetof(struct cc_purgatory_info, entry));
	DEFINE(CC_PURG_INFO_OFF_PARAMS, offsetof(struct cc_purgatory_info, params));
	DEFINE(CC_PURG_INFO_OFF_BACKUP_SRC, offsetof(struct cc_purgatory_info, backup_src));
	DEFINE(CC_PURG_INFO_OFF_BACKUP_DST, offsetof(struct cc_purgatory_info, backup_dst));
	DEFINE(CC_PURG_INFO_OFF_BACKUP_SIZE, offsetof(struct cc_purgatory_info, backup_size));
	DEFINE(CC_PURG_INFO_OFF_ACTION_FAIL, offsetof(struct cc_purgatory_info, action_fail));
	DEFINE(CC_PURG_INFO_OFF_TEST_FLAGS, offsetof(struct cc_purgatory_info, test_flags));
	DEFINE(CC_PURG_INFO_OFF_SERIAL_PORT, offsetof(struct cc_purgatory_info, serial_port));
	DEFINE(CC_PURG_SHA_REGION_SIZE, sizeof(struct cc_sha_region));
	DEFINE(CC_PURG_MAX_REGIONS, CC_PURG_MAX_REGIONS);
	DEFINE(CC_PURG_TEST_FORCE_MISMATCH, CC_PURG_TEST_FORCE_MISMATCH);
	DEFINE(CC_PARAMS_SIZE, CC_PARAMS_SIZE);
	DEFINE(CC_ACTION_REBOOT, CC_ACTION_REBOOT);
	DEFINE(CC_ACTION_POWEROFF, CC_ACTION_POWEROFF);
	DEFINE(CC_ACTION_HALT, CC_ACTION_HALT);
	DEFINE(PURG_STACK_SIZE, PURG_STACK_SIZE);
	DEFINE(PURG_NR_VECTORS, PURG_NR_VECTORS);
	DEFINE(PURG_ISR_STUB_SIZE, PURG_ISR_STUB_SIZE);
	DEFINE(PURG_VEC_NMI, PURG_VEC_NMI);
}

/* purgatory/purgatory.c - between the crashed kernel and the payload.
 *
 * entry.asm has loaded our GDT, segments, stack; we install an IDT, check
 * the patch block, hash the loaded segments, and only if the digest
 * matches copy the 640 KiB backup and jump to the payload.  Any problem
 * is printed ("purgatory: ...") and ends in the failure action; nothing
 * returns and nothing spins silently.  Contract: docs/purgatory.md.
 *
 * Memory is reached through the kexec identity map (physical address ==
 * pointer), which covers all RAM and every segment (kexec-abi.md 2.4). */
#include "crashcap/params.h"
#include "boot/string.h"
#include "purgatory/console.h"
#include "purgatory/internal.h"
#include "purgatory/verify.h"


static int region_holds(uint64_t a, uint64_t alen, const struct cc_sha_region *r)
{
	return a >= r->start && a - r->start <= r->len && alen <= r->len - (a - r->start);
}

/* 1 if [a, a+alen) lies within one hashed region. */
static int covered(const struct cc_purgatory_info *pi, uint64_t a, uint64_t alen)
{
	for (int i = 0; i < CC_PURG_MAX_REGIONS; i++)
		if (pi->regions[i].len && region_holds(a, alen, &pi->regions[i]))
			return 1;
	return 0;
}

static int wraps(uint64_t a, uint64_t len)
{
	return len && a + len - 1 < a;
}

/* Refuse a patch block the loader cannot have meant.  Returns only if it
 * is usable; every refusal names what is wrong. */
static void check_info(const struct cc_purgatory_info *pi)
{
	uint64_t self = (uint64_t)(uintptr_t)purgatory_image_start;
	uint64_t self_len = (uint64_t)(uintptr_t)__purg_image_end - self;
	int nregions = 0;

	if (pi->magic != CC_PURG_INFO_MAGIC || pi->version != CC_PURG_VERSION ||
	    pi->size != sizeof(*pi))
		purg_fail("patch block magic/version/size wrong: not loaded by a matching crashcap");
	if (pi->action_fail > CC_ACTION_HALT)
		purg_fail("patch block: unknown failure action");
	if (!pi->entry || !pi->params)
		purg_fail("patch block: no payload entry or parameter block address (image not patched?)");

	for (int i = 0; i < CC_PURG_MAX_REGIONS; i++) {
		const struct cc_sha_region *r = &pi->regions[i];
		if (!r->len)
			continue;
		nregions++;
		if (wraps(r->start, r->len))
			purg_fail("patch block: a hashed region wraps around the address space");
		if (purg_ranges_overlap(r->start, r->len, self, self_len))
			purg_fail("patch block: a hashed region covers the purgatory itself (it changes while running)");
	}
	if (!nregions)
		purg_fail("patch block: no regions to hash");
	/* Verify what we start, not something next to it. */
	if (!covered(pi, pi->entry, 1))
		purg_fail("patch block: the payload entry is outside every hashed region");
	if (!covered(pi, pi->params, CC_PARAMS_SIZE))
		purg_fail("patch block: the parameter block is not inside one hashed region");

	if (pi->backup_size) {
		if (wraps(pi->backup_src, pi->backup_size) || wraps(pi->backup_dst, pi->backup_size))
			purg_fail("patch block: the backup range wraps around the address space");
		if (purg_ranges_overlap(pi->backup_src, pi->backup_size, pi->backup_dst, pi->backup_size))
			purg_fail("patch block: backup source and destination overlap");
		if (purg_ranges_overlap(pi->backup_dst, pi->backup_size, self, self_len))
			purg_fail("patch block: the backup destination overlaps the purgatory");
	}
}

void purgatory_main(void)
{
	const struct cc_purgatory_info *pi = &purgatory_info;
	uint8_t digest[CC_PURG_DIGEST_SIZE];

	/* Before anything can fault: exceptions now print and act instead
	 * of triple-faulting (old kernels) or hanging in the kernel's debug
	 * IDT (new kernels). */
	purg_idt_install();
	/* serial_port is only trusted once the magic says it was patched. */
	con_init(pi->magic == CC_PURG_INFO_MAGIC ? pi->serial_port : 0);
	con_puts("purgatory: running at ");
	con_hex64((uint64_t)(uintptr_t)purgatory_image_start);
	con_putc('\n');

	check_info(pi);
	purg_set_fail_action(pi->action_fail);

	uint64_t bytes = purg_hash_regions(pi->regions, CC_PURG_MAX_REGIONS, digest);
	if (pi->test_flags & CC_PURG_TEST_FORCE_MISMATCH) {
		con_puts("purgatory: test flag set: corrupting the computed digest\n");
		digest[0] ^= 1;
	}
	if (!purg_digest_equal(digest, pi->digest)) {
		con_puts("purgatory: sha256 mismatch\n");
		con_puts("purgatory:   expected ");
		con_hexbytes(pi->digest, CC_PURG_DIGEST_SIZE);
		con_puts("\npurgatory:   computed ");
		con_hexbytes(digest, CC_PURG_DIGEST_SIZE);
		con_putc('\n');
		purg_fail("the loaded payload was modified after `crashcap load`; not starting it");
	}
	con_puts("purgatory: sha256 ok (");
	con_dec(bytes);
	con_puts(" bytes)\n");

	/* The first 640 KiB, copied only now that we know we will go on
	 * (kexec-abi.md 3.4); the payload then dumps it from the copy. */
	if (pi->backup_size) {
		con_puts("purgatory: backup ");
		con_hex64(pi->backup_src);
		con_puts(" -> ");
		con_hex64(pi->backup_dst);
		con_puts(", ");
		con_dec(pi->backup_size);
		con_puts(" bytes\n");
		memcpy((void *)(uintptr_t)pi->backup_dst, (const void *)(uintptr_t)pi->backup_src,
		       pi->backup_size);
	}

	con_puts("purgatory: starting the payload at ");
	con_hex64(pi->entry);
	con_puts(", parameter block at ");
	con_hex64(pi->params);
	con_putc('\n');
	/* RDI = params, IF = 0, our GDT and IDT loaded; the payload sets up
	 * its own stack, GDT and IDT (boot/head.asm entry64). */
	purg_enter_payload(pi->entry, pi->params);
}

# tests/qemu/drill.mk - programs for the crash drill (tests/qemu/drill),
# included by the top-level Makefile.
#
#   build/qemu/patterns  static: runs in the drill's initramfs (fills pages,
#                        prints their physical addresses) and on the host
#                        (--emit SEED INDEX: the expected bytes of one page)

$(B)/qemu/patterns: tests/qemu/patterns.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@ (static)"
	$(Q)$(CC) $(HOST_CFLAGS) -static -o $@ $<

HOST_TARGETS += $(B)/qemu/patterns

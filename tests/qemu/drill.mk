# tests/qemu/drill.mk - programs for the crash drill (tests/qemu/drill),
# included by the top-level Makefile.
#
#   build/qemu/patterns  static: runs in the drill's initramfs (fills pages,
#                        prints their physical addresses) and on the host
#                        (--emit SEED INDEX: the expected bytes of one page)
#   build/qemu/hdrtool   static, for the initramfs: re-seals a target's header
#                        with another UUID (the wrong-disk scenario)
#   build/qemu/workload  static, for the initramfs: the used guest's anonymous
#                        and freed memory, random bytes (--workload used)

$(B)/qemu/patterns: tests/qemu/patterns.c tests/qemu/pattern.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@ (static)"
	$(Q)$(CC) $(HOST_CFLAGS) -static -o $@ tests/qemu/patterns.c

HDRTOOL_SRC := tests/qemu/hdrtool.c capture/dumphdr.c capture/crc32.c loader/uuid.c

$(B)/qemu/hdrtool: $(HDRTOOL_SRC) include/crashcap/dumphdr.h capture/dumphdr.h capture/crc32.h loader/uuid.h
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@ (static)"
	$(Q)$(CC) $(HOST_CFLAGS) -static -o $@ $(HDRTOOL_SRC)

$(B)/qemu/workload: tests/qemu/workload.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@ (static)"
	$(Q)$(CC) $(HOST_CFLAGS) -static -o $@ $<

HOST_TARGETS += $(B)/qemu/patterns $(B)/qemu/hdrtool $(B)/qemu/workload

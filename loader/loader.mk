# loader/loader.mk - the crashcap command (build/crashcap), included by the
# top-level Makefile.
#
# Host objects: every hosted build of a source file X.c, for the command,
# the test tools (tests/tools/tools.mk) and the unit tests
# (tests/unit/unit.mk), is $(B)/host/X.o, built by the one rule below.  The
# pure capture/ modules (and the purgatory's SHA-256) are compiled hosted
# from the same sources the payload uses, never copied.

$(B)/host/%.o: %.c
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(Q)$(CC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

CRASHCAP_SRC := loader/main.c loader/status.c loader/save.c loader/sparse_copy.c \
	loader/save_pages.c loader/save_kdump.c loader/kdumpmap.c loader/kdumpinfo.c loader/save_output.c loader/writeback.c loader/dumpcheck.c \
	loader/pagestream.c loader/pagepipe.c loader/corehead.c loader/loadsplit.c \
	loader/progress.c loader/target_io.c loader/uuid.c loader/config.c loader/config_cmd.c \
	loader/load.c loader/iomem.c loader/sysinfo.c loader/sysfile.c loader/blockdev.c \
	loader/layout.c loader/stage.c loader/kexec.c loader/dryrun.c loader/images.c loader/dumplevel.c loader/vmcoreinfo.c \
	loader/efivar.c loader/hangrec_build.c loader/hangrec_cmd.c loader/hangcanary.c loader/fwranges.c \
	loader/hangcap_cmd.c loader/loadopt.c loader/runprog.c \
	capture/dumphdr.c capture/crc32.c capture/xxh32.c capture/ranges.c capture/elfcore.c capture/hangrec.c \
	purgatory/sha256.c
CRASHCAP_OBJ := $(CRASHCAP_SRC:%.c=$(B)/host/%.o)

# The purgatory and the payload (capture.bin, and capture.efi for
# kexec_file_load) are built into the command (loader/images.c includes
# them with .incbin), so one static file carries them all.
$(B)/host/loader/images.o: HOST_CFLAGS += -DCC_PURGATORY_BIN='"$(abspath $(B)/purgatory.bin)"' \
	-DCC_CAPTURE_BIN='"$(abspath $(B)/capture.bin)"' -DCC_CAPTURE_EFI='"$(abspath $(B)/capture.efi)"'
$(B)/host/loader/images.o: $(B)/purgatory.bin $(B)/capture.bin $(B)/capture.efi

# Static: it runs inside a busybox initramfs with no C library.
$(B)/crashcap: $(CRASHCAP_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -static -pthread -o $@ $^ -llz4 -lz

HOST_TARGETS += $(B)/crashcap

# tests/unit/unit.mk - host unit tests of the pure modules, included by the
# top-level Makefile.
#
# Each tests/unit/test_NAME.c becomes build/unit/test_NAME, compiled hosted
# with HOST_CFLAGS and linked with the sources listed in UNIT_DEPS_test_NAME
# (objects from the $(B)/host/%.o rule in loader/loader.mk).  A new test is
# one .c file plus, if it needs modules, one UNIT_DEPS_ line here (and a
# UNIT_LIBS_ line for a Debian library it checks against, the oracle).  Each test
# prints one "file:line: ..." line per failed check and exits non-zero if
# any failed (tests/unit/check.h).

UNIT_DEPS_test_format  := boot/format.c
# the payload's memcpy, memmove and memset, in place of the C library's
UNIT_DEPS_test_string  := boot/string.c
UNIT_DEPS_test_crc32   := capture/crc32.c
UNIT_DEPS_test_loadopt := loader/loadopt.c
UNIT_DEPS_test_xxh32   := capture/xxh32.c
UNIT_LIBS_test_xxh32   := -lxxhash
UNIT_DEPS_test_lz4frame := capture/lz4frame.c capture/packq.c capture/xxh32.c tests/unit/host_runtime.c $(LZ4_C)
UNIT_LIBS_test_lz4frame := -llz4 -lpthread
# the helpers' ring with threads as helpers, on the host's clock and stdout
UNIT_DEPS_test_packq    := capture/packq.c tests/unit/host_runtime.c
UNIT_LIBS_test_packq    := -lpthread
UNIT_DEPS_test_ostream  := capture/ostream.c
# blkq and the sink over a simulated disk; the test defines the clock
# (boot/timer.h deadlines) and cc_log itself
UNIT_DEPS_test_blkq     := capture/blkq.c capture/stream.c capture/dumphdr.c capture/crc32.c
UNIT_DEPS_test_dumphdr := capture/dumphdr.c capture/crc32.c
# the record written by byte offsets and sealed with zlib crc32 (the oracle)
UNIT_DEPS_test_hangrec := capture/hangrec.c capture/crc32.c
UNIT_LIBS_test_hangrec := -lz
UNIT_DEPS_test_hangrec_build := loader/hangrec_build.c loader/efivar.c loader/sysfile.c loader/hangcanary.c \
	loader/sysinfo.c loader/iomem.c capture/hangrec.c capture/crc32.c
# hangcap.efi's parameter block from a record (pure; its EFI build is capture/efi/hangcap.mk)
UNIT_DEPS_test_hangparams := capture/efi/hangparams.c
UNIT_DEPS_test_fwranges := loader/fwranges.c
UNIT_DEPS_test_iomem   := loader/iomem.c
UNIT_DEPS_test_layout  := loader/layout.c
UNIT_DEPS_test_stage   := loader/stage.c loader/iomem.c loader/layout.c capture/ranges.c \
	capture/elfcore.c purgatory/sha256.c purgatory/verify.c
UNIT_DEPS_test_blockdev := loader/blockdev.c loader/sysfile.c loader/target_io.c capture/dumphdr.c capture/crc32.c
UNIT_DEPS_test_sysinfo := loader/sysinfo.c loader/sysfile.c
UNIT_DEPS_test_dumplevel := loader/dumplevel.c
UNIT_DEPS_test_config := loader/config.c loader/dumplevel.c
UNIT_DEPS_test_pagetable   := boot/pagetable.c
UNIT_DEPS_test_ranges      := capture/ranges.c
UNIT_DEPS_test_elfcore     := capture/elfcore.c
UNIT_DEPS_test_coremap     := capture/coremap.c
UNIT_DEPS_test_notes       := capture/notes.c
UNIT_DEPS_test_cmdline     := capture/cmdline.c boot/format.c
# reads build/capture.efi's setup header: built before the test
UNIT_DEPS_test_bzboot      := capture/bzboot.c capture/ranges.c boot/format.c
UNIT_DEPS_test_virtio_ring := drivers/virtio_ring.c
UNIT_DEPS_test_rtc         := drivers/civil_time.c
UNIT_DEPS_test_ahci_prd    := drivers/ahci_prd.c
UNIT_DEPS_test_nvme_cmd    := drivers/nvme_cmd.c
UNIT_DEPS_test_ata         := drivers/ata.c
UNIT_DEPS_test_dmar        := drivers/dmar.c
UNIT_DEPS_test_ivrs        := drivers/ivrs.c
UNIT_DEPS_test_vmcoreinfo  := loader/vmcoreinfo.c
UNIT_DEPS_test_kvtop       := capture/kvtop.c
UNIT_DEPS_test_kdumpmap    := loader/kdumpmap.c loader/kdumpinfo.c
UNIT_DEPS_test_pagefilter  := capture/pagefilter.c capture/kvtop.c loader/vmcoreinfo.c

UNIT_NAMES := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_TESTS := $(UNIT_NAMES:%=$(B)/unit/%)

define UNIT_TEST_RULE
$(B)/unit/$(1): $(B)/host/tests/unit/$(1).o $(addprefix $(B)/host/,$(UNIT_DEPS_$(1):.c=.o))
	@mkdir -p $$(@D)
	@echo "  HOSTLD  $$@"
	$$(Q)$$(CC) -o $$@ $$^ $(UNIT_LIBS_$(1))
endef
$(foreach t,$(UNIT_NAMES),$(eval $(call UNIT_TEST_RULE,$(t))))
$(B)/unit/test_bzboot: | $(B)/capture.efi

HOST_TARGETS += $(UNIT_TESTS)

# Build and run every unit test (make check also runs them, via tests/run).
unit: $(UNIT_TESTS)
	$(Q)fail=0; for t in $(UNIT_TESTS); do $$t || fail=1; done; exit $$fail

.PHONY: unit

# tests/tools/tools.mk - host tools for the tests, included by the top-level
# Makefile.  Objects come from the $(B)/host/%.o rule in loader/loader.mk.
#
#   build/vmcore-probe  check an ELF64 core file (layout, expected bytes)
#   build/mktarget      write a fake crashcap target (tests/host/save_test.sh)
#   build/mkpages       write a CC_ENC_PAGES target with liblz4, check a core
#                       saved from it (tests/host/save_pages_test.sh)
#   build/pfcheck       the page filter against makedumpfile (tests/host/pfcheck_test.sh)
#   build/kdump-read    read a kdump-compressed file on its own and compare its
#                       pages with an ELF vmcore (tests/host/save_kdump_test.sh)

VMCORE_PROBE_OBJ := $(B)/host/tests/tools/vmcore_probe.o
MKTARGET_OBJ := $(addprefix $(B)/host/, tests/tools/mktarget.o loader/uuid.o \
	capture/dumphdr.o capture/crc32.o)

MKPAGES_OBJ := $(addprefix $(B)/host/, tests/tools/mkpages.o loader/uuid.o \
	capture/dumphdr.o capture/crc32.o)

$(B)/mkpages: $(MKPAGES_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^ -llz4

$(B)/vmcore-probe: $(VMCORE_PROBE_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^

$(B)/mktarget: $(MKTARGET_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^

HOST_TARGETS += $(B)/vmcore-probe $(B)/mktarget $(B)/mkpages

$(B)/kdump-read: $(B)/host/tests/tools/kdump_read.o
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^ -lz

HOST_TARGETS += $(B)/kdump-read

# build/lz4-bench: the payload's LZ4 speed on this host (not a test; the
# payload's own freestanding objects, run by hand: docs/lz4.md).
LZ4_BENCH_OBJ := $(B)/host/tests/tools/lz4_bench.o $(B)/payload/capture/lz4frame.o $(B)/payload/capture/packq.o \
	$(B)/host/tests/unit/host_runtime.o \
	$(B)/payload/capture/xxh32.o $(B)/payload/$(LZ4_DIR)/lz4.o
$(B)/host/tests/tools/lz4_bench.o: HOST_CFLAGS += $(LZ4_DEFS)
$(B)/host/tests/tools/lz4_bench.o: | $(LZ4_C)
$(B)/lz4-bench: $(LZ4_BENCH_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^

HOST_TARGETS += $(B)/lz4-bench

# build/pfcheck: the payload's page filter, built for the host, against
# makedumpfile's bitmap (tests/host/pfcheck_test.sh, docs/filtering.md)
PFCHECK_OBJ := $(addprefix $(B)/host/, tests/tools/pfcheck.o capture/pagefilter.o capture/kvtop.o \
	loader/vmcoreinfo.o)

$(B)/pfcheck: $(PFCHECK_OBJ)
	@echo "  HOSTLD  $@"
	$(Q)$(CC) -o $@ $^

HOST_TARGETS += $(B)/pfcheck

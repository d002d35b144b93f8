# tests/fuzz/fuzz.mk - fuzzing what `crashcap save` and `crashcap status`
# read from a target, included by the top-level Makefile.  Two harnesses:
#   fuzz_pagestream  the CC_ENC_PAGES stream parser and the PT_LOAD layout
#   fuzz_header      the header judgement, the raw ELF head check and
#                    status's END record reader (loader/dumpcheck.c)
# Each builds twice:
#   build/fuzz/fuzz_NAME    libFuzzer (Debian's clang), ASan, UBSan: make fuzz
#   build/fuzz/replay_NAME  gcc, ASan, UBSan, tests/fuzz/replay.c as main:
#                           part of `make all`, so tests/run always replays
#                           the seed corpus tests/fuzz/corpus/NAME/
# tests/host/fuzz_test.sh (tests/run group host) replays both corpora and,
# when clang is there, fuzzes each harness for a few seconds
# (FUZZ_TEST_SECONDS, 12 each).
#
#   make fuzz        build the libFuzzer binaries
#   make fuzz-run    run each for FUZZ_SECONDS (60), from the seed corpus

FUZZ_SECONDS ?= 60
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -Iinclude -I.
REPLAY_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -D_GNU_SOURCE -Iinclude -I.

FUZZ_SRC_pagestream := tests/fuzz/fuzz_pagestream.c loader/pagestream.c loader/pagepipe.c loader/corehead.c loader/loadsplit.c capture/xxh32.c
FUZZ_SRC_header := tests/fuzz/fuzz_header.c loader/dumpcheck.c capture/dumphdr.c capture/crc32.c
FUZZ_HDRS := $(wildcard loader/*.h capture/*.h include/crashcap/*.h)

# fuzz_rules NAME: the two builds of harness NAME
define fuzz_rules
$(B)/fuzz/fuzz_$(1): $(FUZZ_SRC_$(1)) $(FUZZ_HDRS)
	@mkdir -p $$(@D)
	@echo "  FUZZCC  $$@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -pthread -o $$@ $(FUZZ_SRC_$(1)) -llz4

$(B)/fuzz/replay_$(1): tests/fuzz/replay.c $(FUZZ_SRC_$(1)) $(FUZZ_HDRS)
	@mkdir -p $$(@D)
	@echo "  REPLAY  $$@"
	$(Q)$(CC) $(REPLAY_CFLAGS) -pthread -o $$@ tests/fuzz/replay.c $(FUZZ_SRC_$(1)) -llz4
endef
$(eval $(call fuzz_rules,pagestream))
$(eval $(call fuzz_rules,header))

HOST_TARGETS += $(B)/fuzz/replay_pagestream $(B)/fuzz/replay_header
# With clang on the machine, `make all` builds the libFuzzer binaries too,
# and tests/host/fuzz_test.sh fuzzes for a few seconds; without it, it
# replays the corpus only (clang is not among scripts/deps.sh's packages).
ifneq ($(shell command -v $(FUZZ_CC) 2>/dev/null),)
HOST_TARGETS += $(B)/fuzz/fuzz_pagestream $(B)/fuzz/fuzz_header
endif

fuzz: $(B)/fuzz/fuzz_pagestream $(B)/fuzz/fuzz_header

fuzz-run: fuzz
	$(Q)tests/fuzz/run.sh pagestream $(FUZZ_SECONDS)
	$(Q)tests/fuzz/run.sh header $(FUZZ_SECONDS)

.PHONY: fuzz fuzz-run

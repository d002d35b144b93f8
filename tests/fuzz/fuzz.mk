# tests/fuzz/fuzz.mk - fuzzing the CC_ENC_PAGES stream parser with libFuzzer
# (Debian's clang), included by the top-level Makefile.  Not part of
# tests/run: a run is bounded by FUZZ_SECONDS and takes a minute.
#
#   make fuzz        build build/fuzz/fuzz_pagestream
#   make fuzz-run    seed corpus from build/mkpages, then run FUZZ_SECONDS (60)

FUZZ_SECONDS ?= 60
FUZZ_CC := clang
FUZZ_CFLAGS := -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-D_GNU_SOURCE -Iinclude -I.
FUZZ_SRC := tests/fuzz/fuzz_pagestream.c loader/pagestream.c loader/corehead.c loader/loadsplit.c

$(B)/fuzz/fuzz_pagestream: $(FUZZ_SRC) loader/pagestream.h loader/corehead.h loader/loadsplit.h
	@mkdir -p $(@D)
	@echo "  FUZZCC  $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_SRC) -llz4

fuzz: $(B)/fuzz/fuzz_pagestream

fuzz-run: $(B)/fuzz/fuzz_pagestream $(B)/mkpages
	$(Q)tests/fuzz/run.sh $(FUZZ_SECONDS)

.PHONY: fuzz fuzz-run

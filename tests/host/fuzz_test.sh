#!/bin/bash
# tests/host/fuzz_test.sh - the fuzz harnesses of what save and status read
# from a target (tests/fuzz/fuzz.mk): the seed corpus tests/fuzz/corpus/
# replayed through the gcc builds with ASan and UBSan (always), then, when
# the libFuzzer builds are there (clang), each harness fuzzed for
# FUZZ_TEST_SECONDS (12) from that corpus, in a scratch corpus: the tree is
# not changed.  A crash input is kept in build/fuzz/findings/.  Leaks are
# left to libFuzzer (LeakSanitizer fails in some containers).
# Prints "ok - ..." or "FAIL - ..." per check; exits 1 if any failed.
set -u

. "$(dirname "$0")/lib.sh"
SECS=${FUZZ_TEST_SECONDS:-12}
F=$ROOT/build/fuzz
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

for h in header pagestream; do
	n=$(ls "$ROOT/tests/fuzz/corpus/$h" | wc -l)
	if [ -x "$F/replay_$h" ]; then
		run "$F/replay_$h" "$ROOT/tests/fuzz/corpus/$h"
		check "replay of the $h corpus ($n inputs): no sanitizer report, no broken invariant" \
			eval '[ "$rc" -eq 0 ] && grep -q "^$n inputs replayed$" out && [ ! -s err ]'
		[ "$rc" -eq 0 ] || head -20 err
	else
		fail "$F/replay_$h missing: make all"
	fi
done

for h in header pagestream; do
	if [ ! -x "$F/fuzz_$h" ]; then
		echo "skip - $F/fuzz_$h missing (no clang): $h corpus replayed only"
		continue
	fi
	mkdir -p "corpus-$h" art-$h
	run timeout $((SECS + 60)) "$F/fuzz_$h" -max_total_time="$SECS" -max_len=65536 -rss_limit_mb=1024 \
		-timeout=10 -artifact_prefix="$W/art-$h/" "corpus-$h" "$ROOT/tests/fuzz/corpus/$h"
	runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' err)
	if [ "$rc" -eq 0 ] && [ -n "$runs" ] && [ -z "$(ls art-$h)" ]; then
		ok "fuzz_$h: $runs runs in ${SECS}s, nothing found"
	else
		mkdir -p "$F/findings" && cp art-$h/* "$F/findings/" 2>/dev/null
		fail "fuzz_$h found something (exit $rc; inputs in $F/findings/: replay with $F/replay_$h FILE)"
		grep -m5 -E "ERROR|runtime error|SUMMARY" err
	fi
done

echo "$failures failed"
[ "$failures" -eq 0 ]

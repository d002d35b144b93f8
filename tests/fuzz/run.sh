#!/bin/bash
# tests/fuzz/run.sh NAME SECONDS - fuzz harness NAME (pagestream, header)
# for SECONDS with libFuzzer, starting from the seed corpus in
# tests/fuzz/corpus/NAME (kept in the tree; tests/fuzz/mkcorpus.sh makes it).
# New inputs go to build/fuzz/corpus-NAME, crashes to build/fuzz/ (a
# crash-... file: replay it with build/fuzz/replay_NAME FILE).
set -eu
cd "$(dirname "$0")/../.."
name=${1:?usage: run.sh pagestream|header SECONDS} secs=${2:-60}
[ -x build/fuzz/fuzz_$name ] || { echo "run.sh: build/fuzz/fuzz_$name missing: make fuzz" >&2; exit 1; }
mkdir -p build/fuzz/corpus-$name
exec build/fuzz/fuzz_$name -max_total_time="$secs" -max_len=262144 -rss_limit_mb=1024 -timeout=10 \
	-artifact_prefix=build/fuzz/ build/fuzz/corpus-$name tests/fuzz/corpus/$name

#!/bin/bash
# tests/fuzz/run.sh SECONDS - seed a corpus with real streams from
# build/mkpages (whole, cut, small chunks, a kernel-image range), then run
# build/fuzz/fuzz_pagestream for SECONDS.  Crashes land in build/fuzz/.
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-60}
seeds=build/fuzz/seeds corpus=build/fuzz/corpus
mkdir -p "$seeds" "$corpus"
mk() { # mk NAME MKPAGES-ARGS...: the data area of a target as a seed
	local name=$1; shift
	build/mkpages "build/fuzz/$name.img" "$@" >/dev/null
	tail -c +65537 "build/fuzz/$name.img" >"$seeds/$name"
	rm -f "build/fuzz/$name.img"
}
mk small --range 0x0:0x20000 --chunk-pages 8 --exclude 0x4000:3 --exclude-zero
mk two --range 0x100000:0x40000 --range 0x200000:0x10000:0xffffffff81000000 --chunk-pages 16 --exclude-zero
mk cut --range 0x0:0x10000 --chunk-pages 4 --cut 3000
mk tiny --range 0x0:0x1000
cd build/fuzz
exec ./fuzz_pagestream -max_total_time="$secs" -max_len=262144 -rss_limit_mb=1024 \
	-artifact_prefix=./ corpus seeds

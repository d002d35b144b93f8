#!/usr/bin/env bash
# scripts/lz4-source.sh DIR - lz4's source as Debian packages it, extracted
# under DIR (the Makefile passes build/cache/lz4), for the payload's block
# compressor (lib/lz4.c built freestanding; docs/lz4.md).
#
# Reused when DIR/VERSION/.crashcap-ok exists.  Otherwise:
#   1. apt-get source --download-only lz4=VERSION: apt checks the .dsc and
#      the tarballs against the archive's signed Sources index;
#   2. the .dsc must have the SHA-256 pinned below (the version we read and
#      tested; a different .dsc is an error, not an upgrade);
#   3. dpkg-source -x checks the tarballs against the .dsc's checksums
#      (strong checksums required) and applies Debian's patches.
# Any mismatch stops here with dpkg-source's or sha256sum's message.
# Needs deb-src entries in apt's sources: scripts/deps.sh adds them.
set -euo pipefail

LZ4_VERSION=1.9.4-1
LZ4_DSC=lz4_${LZ4_VERSION}.dsc
LZ4_DSC_SHA256=e16302bca544d08d106efc216541f4a0403c8f8a5fad5eaac7588223a55af263

[ $# -eq 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
dir=$1
tree=$dir/lz4-$LZ4_VERSION
[ -e "$tree/.crashcap-ok" ] && exit 0

for tool in apt-get dpkg-source sha256sum; do
	command -v $tool >/dev/null || { echo "lz4-source: $tool missing (run scripts/deps.sh)" >&2; exit 1; }
done
mkdir -p "$dir/download"
cd "$dir/download"
if [ ! -e "$LZ4_DSC" ]; then
	echo "lz4-source: apt-get source lz4=$LZ4_VERSION"
	apt-get source --download-only -qq "lz4=$LZ4_VERSION" 2>apt.err || {
		cat apt.err >&2
		echo "lz4-source: could not download Debian's lz4 $LZ4_VERSION source (deb-src entries: run scripts/deps.sh)" >&2
		exit 1
	}
fi
echo "$LZ4_DSC_SHA256  $LZ4_DSC" | sha256sum --quiet -c - || {
	echo "lz4-source: $dir/download/$LZ4_DSC is not the pinned one (SHA-256 $LZ4_DSC_SHA256)" >&2
	exit 1
}
rm -rf "../lz4-$LZ4_VERSION"
# dpkg-source warns that it cannot check the uploader's signature (no
# debian-keyring); the pinned .dsc hash and apt's signed index stand for it.
dpkg-source -q --require-strong-checksums -x "$LZ4_DSC" "../lz4-$LZ4_VERSION" 2>dpkg-source.err || {
	cat dpkg-source.err >&2
	echo "lz4-source: extracting $LZ4_DSC failed (checksum mismatch?)" >&2
	exit 1
}
touch "../lz4-$LZ4_VERSION/.crashcap-ok"
echo "lz4-source: lz4 $LZ4_VERSION in $tree"

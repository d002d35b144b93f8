#!/bin/bash
# tests/host/deb_docs_test.sh - `make deb` ships what Debian requires in
# /usr/share/doc/crashcap: copyright, machine-readable (DEP-5: the Format
# line, every Files paragraph with Copyright and License, and every
# license named there spelled out in a License paragraph of its own), and
# changelog.Debian.gz, whose entry is the package's version, made with
# gzip -n (no name, no time stamp: the same tree gives the same bytes).
# The package is built with a test version and removed afterwards.
set -u
. "$(dirname "$0")/lib.sh"
command -v dpkg-deb >/dev/null || { echo "skip - no dpkg-deb: make deb not tested"; exit 0; }
V=0.0.0+docstest-1
DEB=$ROOT/build/crashcap_${V}_amd64.deb
trap 'rm -f "$DEB"; rm -rf "$W"' EXIT
make -s -C "$ROOT" deb VERSION=$V >make.out 2>&1 || { echo "FAIL - make deb: $(tail -n1 make.out)"; exit 1; }
dpkg-deb -x "$DEB" root && dpkg-deb -f "$DEB" Version >version || { echo "FAIL - dpkg-deb cannot read $DEB"; exit 1; }
D=root/usr/share/doc/crashcap

check "copyright and changelog.Debian.gz are in the package, mode 0644" \
	eval '[ "$(stat -c %a $D/copyright)" = 644 ] && [ "$(stat -c %a $D/changelog.Debian.gz)" = 644 ]'
check "copyright: DEP-5's Format line first" \
	[ "$(head -n1 $D/copyright)" = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" ]
# paragraphs: "Files" ones need Copyright and License; names used vs. spelled out
awk -v RS= '
	/(^|\n)Files:/ { if ($0 !~ /\nCopyright:/ || $0 !~ /\nLicense:/) bad++
		match($0, /\nLicense: [^\n]*/); s = substr($0, RSTART + 10, RLENGTH - 10)
		n = split(s, w, / and | or /); for (i = 1; i <= n; i++) used[w[i]] = 1 }
	/^License: / { split($0, l, "\n"); name = substr(l[1], 10); if (l[2] ~ /^ /) text[name] = 1 }
	END { for (u in used) if (!(u in text)) { print "not spelled out: " u; bad++ }
	      print "bad " bad + 0 }' $D/copyright >copyright.check
check "copyright: every Files paragraph has Copyright and License, every license is spelled out ($(tr '\n' ' ' <copyright.check))" \
	grep -qx "bad 0" copyright.check
check "copyright: the holder of crashcap's own files is the crashcap authors" \
	grep -q "^Copyright: [0-9]*, the crashcap authors$" $D/copyright
check "changelog.Debian.gz: its entry is the package's version ($(cat version))" \
	eval '[ "$(zcat $D/changelog.Debian.gz | head -n1)" = "crashcap ($(cat version)) unstable; urgency=medium" ] &&
	      [ "$(cat version)" = "$V" ]'
check "changelog.Debian.gz: a maintainer line with a date" \
	eval 'zcat $D/changelog.Debian.gz | grep -qE "^ -- .+ <.+>  [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} [+-][0-9]{4}$"'
check "changelog.Debian.gz: gzip -n (no time stamp in its header)" \
	[ "$(od -An -tx1 -j4 -N4 $D/changelog.Debian.gz | tr -d ' ')" = 00000000 ]

if [ "$failures" -ne 0 ]; then
	echo "deb_docs_test: $failures failed"
	exit 1
fi
echo "deb_docs_test: all passed"

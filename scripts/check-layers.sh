#!/bin/sh
# scripts/check-layers.sh - includes go one way only (docs/README.md, "Layers"):
#
#   include/  <-  boot/  <-  drivers/  <-  capture/
#                  ^
#                  +------  purgatory/
#
# A file may include its own directory and the layers below it, nothing
# above or beside.  include/ is shared with the loader, so it includes only
# include/.  The purgatory stands on boot/ alone (no devices, no dump logic).
# C: #include "dir/file"; NASM: %include "file" resolves with -I (boot/ and
# the generated build/gen/ only: see NASMFLAGS), so only C is checked.
# Foreign headers without a directory (lz4.h, from lz4's own source) pass.
#
# Prints one line per include against the direction and exits 1 if any.
# Usage: scripts/check-layers.sh [ROOT]   (default: the current directory)
cd "${1:-.}" || exit 2

allowed() { # $1 = layer of the including file
	case $1 in
	include)   echo "crashcap" ;;
	boot)      echo "crashcap boot" ;;
	drivers)   echo "crashcap boot drivers" ;;
	capture)   echo "crashcap boot drivers capture" ;;
	purgatory) echo "crashcap boot purgatory" ;;
	esac
}

bad=0
for layer in include boot drivers capture purgatory; do
	ok=$(allowed $layer)
	# file:line:#include "dir/..."; purgatory/smoke is a test shim (asm only)
	for hit in $(find $layer -name '*.[ch]' | sort | xargs grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"]*/' /dev/null |
		     sed 's/[[:space:]]//g'); do
		dir=$(printf '%s\n' "$hit" | sed 's/.*include"\([^/"]*\)\/.*/\1/')
		case " $ok " in
		*" $dir "*) ;;
		*) echo "layer check: $hit: $layer/ may include only $(echo $ok | sed 's/crashcap/include\/crashcap/; s/ /, /g')"
		   bad=1 ;;
		esac
	done
done
exit $bad

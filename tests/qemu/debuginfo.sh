#!/usr/bin/env bash
# tests/qemu/debuginfo.sh - the debug vmlinux of a Debian kernel, which crash
# and drgn need to read the drill's vmcore.
#
# Debian ships it in linux-image-RELEASE-dbg, built from the same source
# version as linux-image-RELEASE (e.g. linux-image-6.1.0-57-cloud-amd64-dbg
# 6.1.192-3: 283 MB to download, the vmlinux inside 589 MB).  The
# package is fetched with `apt-get download PKG=VERSION` (the exact version
# of the kernel the drill booted), only ./usr/lib/debug/boot/vmlinux-RELEASE
# is taken out of it (dpkg-deb --fsys-tarfile | tar -x), and the .deb is
# deleted.  The vmlinux is kept in
#
#   ${CRASHCAP_DEBUG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crashcap/vmlinux}/RELEASE_VERSION/vmlinux-RELEASE
#
# outside build/, so that a clean checkout on the same machine (CI) reuses
# it: the package is downloaded at most once per kernel version.  Clear it
# with `rm -rf ~/.cache/crashcap/vmlinux` (or the directory above).  A .deb
# whose extraction failed stays in RELEASE_VERSION/.deb/ and is reused.
#
#   source tests/qemu/debuginfo.sh; debuginfo_fetch RELEASE VERSION
#       sets DEBUG_VMLINUX (the path); returns non-zero with one line why
#   tests/qemu/debuginfo.sh RELEASE VERSION
#       prints DEBUG_VMLINUX=PATH (shell-quoted)
# Narration goes to stderr, prefixed "debuginfo: ".  Every step has a
# real-time bound (the download DEBUGINFO_DOWNLOAD_TIMEOUT, 1800 s; the
# extraction 600 s; waiting for another run's download the same as the
# download) and says what it waited for when it runs out.

DEBUG_CACHE=${CRASHCAP_DEBUG_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crashcap/vmlinux}
DEBUGINFO_DOWNLOAD_TIMEOUT=${DEBUGINFO_DOWNLOAD_TIMEOUT:-1800}

dmsg() { echo "debuginfo: $*" >&2; }

debuginfo_fetch() {
	local release=$1 ver=$2 pkg dir path deb tmp lockfd rc t0
	DEBUG_VMLINUX=""
	pkg=linux-image-$release-dbg
	dir=$DEBUG_CACHE/${release}_$ver
	path=$dir/vmlinux-$release
	if [ -f "$dir/.complete" ] && [ -s "$path" ]; then
		DEBUG_VMLINUX=$path
		dmsg "$pkg $ver: cached $path"
		return 0
	fi
	mkdir -p "$dir" || { dmsg "cannot create $dir"; return 1; }
	# One download at a time per version: another run may be at it.
	exec {lockfd}>"$dir/.lock" || { dmsg "cannot open $dir/.lock"; return 1; }
	if ! flock -w "$DEBUGINFO_DOWNLOAD_TIMEOUT" "$lockfd"; then
		dmsg "waited ${DEBUGINFO_DOWNLOAD_TIMEOUT}s for another run's download of $pkg ($dir/.lock); giving up"
		exec {lockfd}>&-
		return 1
	fi
	if [ -f "$dir/.complete" ] && [ -s "$path" ]; then
		exec {lockfd}>&-
		DEBUG_VMLINUX=$path
		dmsg "$pkg $ver: cached $path (another run fetched it)"
		return 0
	fi
	deb=$(ls "$dir"/.deb/*.deb 2>/dev/null | head -n1)
	if [ -z "$deb" ]; then
		mkdir -p "$dir/.deb" || { exec {lockfd}>&-; return 1; }
		local size
		size=$(apt-cache show --no-all-versions "$pkg=$ver" 2>/dev/null | sed -n 's/^Size: //p' | head -n1)
		dmsg "downloading $pkg $ver (apt-get download, ${size:+$((size / 1000000)) MB, }once per kernel version)"
		t0=$SECONDS
		# apt's _apt user may not be able to write here; it then downloads as us.
		(cd "$dir/.deb" && timeout -k 10 "$DEBUGINFO_DOWNLOAD_TIMEOUT" apt-get download "$pkg=$ver" \
			>/dev/null 2>"$dir/.deb/apt.err")
		rc=$?
		if [ $rc -ne 0 ]; then
			if [ $rc -eq 124 ]; then
				dmsg "apt-get download $pkg=$ver did not finish within ${DEBUGINFO_DOWNLOAD_TIMEOUT}s"
			else
				dmsg "apt-get download $pkg=$ver failed: $(grep -v '^W:' "$dir/.deb/apt.err" | tail -n1)"
			fi
			rm -rf "$dir/.deb"
			exec {lockfd}>&-
			return 1
		fi
		deb=$(ls "$dir"/.deb/*.deb 2>/dev/null | head -n1)
		[ -n "$deb" ] || { dmsg "apt-get download left no .deb"; exec {lockfd}>&-; return 1; }
		dmsg "downloaded $(basename "$deb"): $(( $(stat -c %s "$deb") / 1000000 )) MB in $((SECONDS - t0))s"
	else
		dmsg "reusing $deb (an earlier extraction failed)"
	fi
	tmp=$(mktemp -d "$dir/.extract.XXXXXX") || { exec {lockfd}>&-; return 1; }
	t0=$SECONDS
	if ! timeout -k 10 600 bash -c 'set -o pipefail; dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" "./usr/lib/debug/boot/vmlinux-$3"' \
		_ "$deb" "$tmp" "$release" 2>"$dir/extract.err" || [ ! -s "$tmp/usr/lib/debug/boot/vmlinux-$release" ]; then
		dmsg "could not take ./usr/lib/debug/boot/vmlinux-$release out of $(basename "$deb") within 600s: $(tail -n1 "$dir/extract.err")"
		rm -rf "$tmp"
		exec {lockfd}>&-
		return 1
	fi
	mv "$tmp/usr/lib/debug/boot/vmlinux-$release" "$path" && rm -rf "$tmp" "$dir/.deb" "$dir/extract.err"
	touch "$dir/.complete"
	exec {lockfd}>&-
	dmsg "extracted $path ($(( $(stat -c %s "$path") / 1000000 )) MB) in $((SECONDS - t0))s; the .deb is deleted"
	DEBUG_VMLINUX=$path
}

# Called rather than sourced: print the result.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	[ $# -eq 2 ] || { echo "usage: tests/qemu/debuginfo.sh RELEASE VERSION (e.g. 6.1.0-57-cloud-amd64 6.1.192-3)" >&2; exit 2; }
	debuginfo_fetch "$1" "$2" || exit 1
	printf 'DEBUG_VMLINUX=%q\n' "$DEBUG_VMLINUX"
fi

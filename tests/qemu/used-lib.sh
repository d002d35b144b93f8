# tests/qemu/used-lib.sh - the host side of the "used guest" (the guest side
# is tests/qemu/used-guest), shared by the crash drill (--workload used)
# and the benchmark (tests/qemu/bench, used guests).  Source it.
#
#   used_sizes MEM_MIB        sets USED_ANON, USED_CACHE, USED_FREE (MiB):
#                             600, 400 and 200 per 2 GiB of RAM, issue 7's
#                             used guest (600 MB anonymous, 400 MB page cache)
#                             plus freed memory holding random bytes
#   used_cache_disk IMG MIB   IMG: an ext4 file system (no journal) with one
#                             file, "data", of MIB MiB of random bytes; 0, or
#                             1 after one line on stderr
#   used_qemu IMG             sets USED_QEMU_ARGS,
#                             the QEMU arguments of that disk: read-only
#                             virtio-blk with serial "ccworkload", which the
#                             guest finds in sysfs

used_sizes() {
	USED_ANON=$(($1 * 600 / 2048)) USED_CACHE=$(($1 * 400 / 2048)) USED_FREE=$(($1 * 200 / 2048))
}

used_cache_disk() {
	local img=$1 mib=$2 dir mke2fs
	mke2fs=$(command -v mke2fs || echo /usr/sbin/mke2fs)
	[ -x "$mke2fs" ] || { echo "used_cache_disk: mke2fs is missing (e2fsprogs)" >&2; return 1; }
	dir=$(mktemp -d "$img.d.XXXXXX") || return 1
	if ! head -c $((mib << 20)) /dev/urandom >"$dir/data"; then
		rm -rf "$dir"; echo "used_cache_disk: cannot write $dir/data" >&2; return 1
	fi
	if ! "$mke2fs" -q -F -t ext4 -O ^has_journal -L ccworkload -d "$dir" "$img" "$((mib + mib / 16 + 16))M" >"$dir.out" 2>&1; then
		echo "used_cache_disk: mke2fs failed: $(tail -n1 "$dir.out")" >&2; rm -rf "$dir" "$dir.out"; return 1
	fi
	rm -rf "$dir" "$dir.out"
}

used_qemu() {
	# shellcheck disable=SC2054  # the commas are QEMU's
	USED_QEMU_ARGS=(-drive "if=none,id=w0,file=$1,format=raw,readonly=on" -device virtio-blk-pci,drive=w0,serial=ccworkload)
}

# tests/host/mountns.sh - source it first (before lib.sh) from a host test
# that mounts small file systems: own_mount_ns WHAT "$@" runs the test again
# in a mount namespace of its own (unshare: as root directly, else in a user
# namespace), so nothing is mounted on the host and nothing needs cleaning up
# if the test dies.  Where neither works the test is skipped, saying that
# WHAT is not tested.  Inside the namespace, own_mount_ns returns at once.
own_mount_ns() {
	[ -z "${CC_OWN_MOUNT_NS:-}" ] || return 0
	local what=$1 ns
	shift
	if [ "$(id -u)" -eq 0 ]; then ns=(unshare --mount --propagation private)
	else ns=(unshare --user --map-root-user --mount --propagation private); fi
	if ! "${ns[@]}" true 2>/dev/null; then
		echo "skip - '${ns[*]}' does not work here (no user namespaces?): $what not tested"
		exit 0
	fi
	CC_OWN_MOUNT_NS=1 exec "${ns[@]}" bash "$0" "$@"
}

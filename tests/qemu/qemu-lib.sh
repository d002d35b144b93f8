# shellcheck shell=bash
# tests/qemu/qemu-lib.sh - run QEMU with every console line stamped with the
# host clock as it arrives, and every wait bounded.  The crash drill's
# console loop (tests/qemu/drill), made generic; used by tests/qemu/bench.
# Source it from bash; it needs LC_ALL=C (the "." in $EPOCHREALTIME).
#
#   QS_PHASES=("ERE@@SECONDS@@what is waited for" ...)   (optional)
#   QS_SHOW=ERE                                          (optional)
#   QS_STOP=ERE                                          (optional)
#   qs_run DIR TIMEOUT COMMAND...
#       Runs COMMAND (QEMU, console on stdout) under `timeout -k 5 TIMEOUT`.
#       Each console line goes to DIR/console.log and, prefixed with
#       $EPOCHREALTIME taken when it arrived, to DIR/console.stamped.
#       Phase i ends at the first line that matches its ERE (bash =~; a line
#       matching a later phase ends the phases before it too) and may last
#       SECONDS from the end of the previous phase; when that runs out, QEMU
#       is stopped and QS_EXPIRED says what was being waited for.  After the
#       last phase only TIMEOUT bounds the run.  Lines matching QS_SHOW are
#       printed live, with the seconds since the start ("  [  5.07s] ...").
#       The first line matching QS_STOP stops QEMU at once (the run has
#       shown what it was for); QS_STOPPED is that line, else empty.
#       Sets QS_RC (COMMAND's exit code; 124 when TIMEOUT stopped it),
#       QS_T0 and QS_TEXIT (stamps of the start and of the console's end),
#       QS_EXPIRED (empty, or what was being waited for when a bound ran out).
#   qs_stamp DIR ERE      the stamp of the first console line matching ERE (awk), or nothing
#   qs_elapsed FROM TO    seconds from stamp FROM to stamp TO, 2 decimals
#   qs_mbs BYTES SECONDS  BYTES / SECONDS in MB/s (10^6), no decimals

qs_elapsed() {
	local a=${1/./} b=${2/./} d
	d=$((10#$b - 10#$a))
	printf '%d.%02d\n' $((d / 1000000)) $((d % 1000000 / 10000))
}

qs_mbs() { awk -v b="$1" -v s="$2" 'BEGIN { if (s > 0) printf "%.0f\n", b / s / 1e6; else print "n/a" }'; }

qs_stamp() {
	awk -v re="$2" '{ t = substr($0, length($1) + 2); if (t ~ re) { print $1; exit } }' "$1/console.stamped" 2>/dev/null
}

qs_run() {
	local dir=$1 limit=$2 qpid line now rc partial="" phase=0 phase_t0 nphases k
	local re bound what e
	shift 2
	nphases=${#QS_PHASES[@]}
	QS_RC="" QS_EXPIRED="" QS_STOPPED=""
	: >"$dir/console.log"
	: >"$dir/console.stamped"
	rm -f "$dir/console.fifo"
	mkfifo "$dir/console.fifo" || { QS_RC=2; QS_EXPIRED="mkfifo failed"; return 1; }
	QS_T0=$EPOCHREALTIME
	phase_t0=$QS_T0
	timeout -k 5 "$limit" "$@" </dev/null >"$dir/console.fifo" 2>&1 &
	qpid=$!
	exec {QS_FD}<"$dir/console.fifo"
	while :; do
		if IFS= read -r -t 1 line <&"$QS_FD"; then
			line=$partial$line partial=""
		else
			rc=$?
			if [ $rc -gt 128 ]; then
				# no complete line within 1 s: keep what came, check the bound
				partial+=$line
				if [ $phase -lt "$nphases" ] && [ -z "$QS_EXPIRED" ]; then
					re=${QS_PHASES[$phase]} bound=${re#*@@} what=${bound#*@@} bound=${bound%%@@*}
					if [ $(( ${EPOCHREALTIME/./} - ${phase_t0/./} )) -gt $((bound * 1000000)) ]; then
						QS_EXPIRED=$what
						echo "  timeout: waited ${bound}s for $what; stopping QEMU"
						kill "$qpid" 2>/dev/null
					fi
				fi
				continue
			fi
			# end of the console (QEMU exited); a last line may lack its newline
			line=$partial$line partial=""
			[ -n "$line" ] || break
		fi
		now=$EPOCHREALTIME
		line=${line%$'\r'}
		printf '%s\n' "$line" >>"$dir/console.log"
		printf '%s %s\n' "$now" "$line" >>"$dir/console.stamped"
		for ((k = phase; k < nphases; k++)); do
			re=${QS_PHASES[$k]%%@@*}
			if [[ $line =~ $re ]]; then phase=$((k + 1)) phase_t0=$now; break; fi
		done
		if [ -n "${QS_STOP:-}" ] && [ -z "$QS_STOPPED" ] && [[ $line =~ $QS_STOP ]]; then
			QS_STOPPED=$line
			kill "$qpid" 2>/dev/null
		fi
		if [ -n "${QS_SHOW:-}" ] && [[ $line =~ $QS_SHOW ]]; then
			e=$(qs_elapsed "$QS_T0" "$now")
			printf '  [%6ss] %s\n' "$e" "$line"
		fi
	done
	# shellcheck disable=SC2034  # for the caller
	QS_TEXIT=$EPOCHREALTIME
	exec {QS_FD}<&-
	rm -f "$dir/console.fifo"
	wait "$qpid"
	QS_RC=$?
	if [ -z "$QS_EXPIRED" ] && [ -z "$QS_STOPPED" ] && [ "$QS_RC" -eq 124 ]; then
		QS_EXPIRED="the whole run to end within ${limit}s"
		echo "  timeout: the run took more than ${limit}s; QEMU stopped"
	fi
	return 0
}

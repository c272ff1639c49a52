#!/usr/bin/env bash
# test-saturated.sh runs the whole test suite with the race detector three
# times in a row while every core is kept busy by two busy-loop processes, and
# fails if any run fails. It shows that no test depends on the machine's speed
# (issue 10, point 2). Each run's wall time is reported; the busy loops are
# killed when the script exits, however it exits.
#
#   scripts/test-saturated.sh            # from the repository root
#   RUNS=1 LOAD_PER_CORE=0 scripts/test-saturated.sh   # one run on an idle machine
set -u

runs=${RUNS:-3}
per_core=${LOAD_PER_CORE:-2}
cd "$(dirname "$0")/.." || exit 2

cores=$(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc 2>/dev/null || echo 2)
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait "${pids[@]}" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 130' INT TERM

loads=$((cores * per_core))
for ((i = 0; i < loads; i++)); do
	# A busy loop in a child shell; it exits with the script (trap above).
	bash -c 'while :; do :; done' &
	pids+=($!)
done
echo "load: $loads busy-loop processes on $cores cores"

failed=0
for ((run = 1; run <= runs; run++)); do
	start=$(date +%s)
	go test -race -count=1 ./...
	status=$?
	secs=$(($(date +%s) - start))
	if [ "$status" -eq 0 ]; then
		echo "run $run of $runs: ok in ${secs}s"
	else
		echo "run $run of $runs: FAILED (exit $status) after ${secs}s"
		failed=1
	fi
done

if [ "$failed" -ne 0 ]; then
	echo "test-saturated: at least one run failed"
	exit 1
fi
echo "test-saturated: all $runs runs passed under load"

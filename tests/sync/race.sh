#!/bin/sh
# Runs the four-office concurrency test N times in a row (default 20); stops at the first
# failure. Usage: tests/sync/race.sh [N]
set -eu
cd "$(dirname "$0")/../.."
runs=${1:-20}
i=1
while [ "$i" -le "$runs" ]; do
    start=$(date +%s)
    if ! .venv/bin/pytest -q -p no:cacheprovider tests/sync/test_concurrency.py >/tmp/approval-race-$$.log 2>&1; then
        echo "run $i of $runs FAILED (log: /tmp/approval-race-$$.log)"
        exit 1
    fi
    echo "run $i of $runs passed in $(( $(date +%s) - start )) s"
    i=$((i + 1))
done
rm -f /tmp/approval-race-$$.log
echo "all $runs runs passed"

#!/usr/bin/env bash
# The concurrency suite under ThreadSanitizer: 8 threads mapping, unmapping and translating on
# one concurrent table for every format that allows it (docs/concurrency.md). Any data race
# report fails CI (halt_on_error). It builds in a scratch path of its own so the ordinary debug
# build stays valid; only the concurrency tests run, so it takes a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."

export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1:report_signal_unsafe=0"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
swift test --sanitize=thread --scratch-path .build/tsan --filter ConcurrencyTests "$@" 2>&1 | tee "$log" || status=$?
if grep -q "WARNING: ThreadSanitizer" "$log"; then
    echo "tsan: ThreadSanitizer reported a race" >&2
    exit 1
fi
exit "$status"

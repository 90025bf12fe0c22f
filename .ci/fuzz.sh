#!/usr/bin/env bash
# Fuzzes the CLI's parser and runner for about FUZZ_SECONDS (default 60) under libFuzzer and
# AddressSanitizer: Sources/PageTableFuzz feeds each input as option values and a script to
# every built-in format, with fault injection, and checks every answer against the reference
# model and the structural invariants. It starts from the seed corpus in Tests/Fuzz/corpus.
# A crash, a sanitizer report or a failed check fails CI; the input that caused it is saved
# under .build/fuzz-artifacts/ and printed (replay it with
# `swift run PageTableFuzz .build/fuzz-artifacts/crash-...`).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${FUZZ_SECONDS:-60}"
# A scratch path of its own: these flags would otherwise invalidate the ordinary build.
swift build --product PageTableFuzz --scratch-path .build/fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -parse-as-library

artifacts=.build/fuzz-artifacts
rm -rf "$artifacts" .build/fuzz-corpus
mkdir -p "$artifacts" .build/fuzz-corpus
cp Tests/Fuzz/corpus/* .build/fuzz-corpus/

status=0
.build/fuzz/debug/PageTableFuzz -max_total_time="$seconds" -max_len=1024 -timeout=20 -rss_limit_mb=2048 \
    -dict=Tests/Fuzz/script.dict -artifact_prefix="$artifacts/" -print_final_stats=1 \
    .build/fuzz-corpus > "$artifacts/fuzz.log" 2>&1 || status=$?
tail -n 15 "$artifacts/fuzz.log"
if [ "$status" -ne 0 ]; then
    echo "fuzz.sh: the fuzzer failed (status $status); see $artifacts/fuzz.log" >&2
    grep -E "fuzz check failed|ERROR: AddressSanitizer|ERROR: LeakSanitizer|Fatal error|runtime failure" \
        "$artifacts/fuzz.log" | head -n 5 >&2 || true
    for input in "$artifacts"/crash-* "$artifacts"/leak-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
        [ -e "$input" ] || continue
        echo "fuzz.sh: reproducing input saved as $input:" >&2
        od -c "$input" | head -n 40 >&2
    done
    exit 1
fi
echo "fuzz.sh: no crash or failed check in ${seconds}s"

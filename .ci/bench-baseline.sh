#!/usr/bin/env bash
# The C baseline of `pagetable bench` keeps the rules it is measured under: its self-test,
# then one repetition of every case (a smoke run; timings are not checked). Then the release
# build that measurements use (the optimizer takes paths a debug build never does: a compiler
# crash there once went unseen) and one round of the side-by-side comparison.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cc >/dev/null || ! command -v make >/dev/null; then
    apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev
fi
make -s -C Tests/Benchmarks/baseline-c
make -s -C Tests/Benchmarks/baseline-c check
Tests/Benchmarks/baseline-c/.build-c/lpae-bench --json --repetitions 1 --clock thread-cpu >/dev/null
python3 Tests/Benchmarks/compare.py --rounds 1 --repetitions 1 --clock thread-cpu >/dev/null

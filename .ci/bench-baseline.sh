#!/usr/bin/env bash
# The C baseline of `pagetable bench` keeps the rules it is measured under: its self-test,
# then one repetition of every case (a smoke run; timings are not checked).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cc >/dev/null || ! command -v make >/dev/null; then
    apt-get update && apt-get install -y --no-install-recommends gcc make libc6-dev
fi
make -s -C Tests/Benchmarks/baseline-c
make -s -C Tests/Benchmarks/baseline-c check
Tests/Benchmarks/baseline-c/.build-c/lpae-bench --json --repetitions 1 --clock thread-cpu >/dev/null

#!/usr/bin/env bash
# The whole test suite under AddressSanitizer, with LeakSanitizer on (its default on Linux):
# any out-of-bounds access, use after free or leak fails CI. It builds in a scratch path of its
# own so the ordinary debug build stays valid.
#
# Leak suppressions (.ci/lsan.supp) cover the toolchain's own leaks only, each explained there
# with what was measured: XCTest's main (run by every `swift test` before Swift Testing) leaves
# its bookkeeping at exit, and Foundation's Process.run leaks a weak-reference side table.
# Nothing of ours is suppressed.
set -euo pipefail
cd "$(dirname "$0")/.."

export LSAN_OPTIONS="suppressions=$PWD/.ci/lsan.supp:print_suppressions=1"
# The random checks at a quarter of their operations (each still runs on until it has seen
# every outcome it wants): the seeds step gives the depth, this one the sanitizer's eyes on
# every check and configuration, and CI stays near 30 minutes.
export PAGETABLE_DEPTH="${PAGETABLE_DEPTH:-25}"
export ASAN_OPTIONS="detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1"
swift test --sanitize=address --scratch-path .build/asan "$@"

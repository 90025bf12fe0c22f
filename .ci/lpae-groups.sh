#!/usr/bin/env bash
# Self-test of the end-to-end check's contiguous-group scan (Tests/EndToEnd/lpae_groups.py):
# images with a group at every level pass, planted partial, misaligned and non-uniform groups
# are each caught. The random end-to-end run in .ci/run covers groups and --no-contiguous.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import unicorn' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check unicorn
fi
swift build --product pagetable
python3 Tests/EndToEnd/armv8_mmu_check.py --pagetable .build/debug/pagetable --self-test

#!/usr/bin/env bash
# End-to-end check of riscv and x86-64 images against QEMU's RISC-V and x86-64 MMUs (unicorn):
# real loads, stores and fetches at several privilege levels, plus planted-bug self-tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import unicorn' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check unicorn
fi
swift build --product pagetable
python3 Tests/EndToEnd/mmu_check.py --arch riscv --pagetable .build/debug/pagetable --seed 20261121
python3 Tests/EndToEnd/mmu_check.py --arch x86-64 --pagetable .build/debug/pagetable --seed 20261121

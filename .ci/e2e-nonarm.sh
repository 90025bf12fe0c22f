#!/usr/bin/env bash
# End-to-end check of riscv and x86-64 images against QEMU's RISC-V and x86-64 MMUs: unicorn for
# stage 1 and x86-64, Debian's qemu-system-riscv64 (QEMU 7.2) for the G-stage, Svnapot and
# Svpbmt. Real loads, stores and fetches at several privilege levels, plus planted-bug self-tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! python3 -c 'import unicorn' 2>/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check unicorn
fi
if ! command -v qemu-system-riscv64 >/dev/null; then
    apt-get update && apt-get install -y --no-install-recommends qemu-system-misc
fi
swift build --product pagetable
python3 Tests/EndToEnd/mmu_check.py --arch riscv --pagetable .build/debug/pagetable --seed 20261121
python3 Tests/EndToEnd/mmu_check.py --arch x86-64 --pagetable .build/debug/pagetable --seed 20261121
python3 Tests/EndToEnd/mmu_check.py --arch riscv-system --pagetable .build/debug/pagetable --seed 20261121 --cases 2

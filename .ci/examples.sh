#!/usr/bin/env bash
# The example outside package (docs/examples/CustomFormat): build it against this checkout,
# run its tests (its format through the conformance kit, its own pagetable in-process), then
# run the executable it builds on its script and compare the answers. First, the tutorial
# (docs/adding-a-format.md) must show this package's code verbatim.
set -euo pipefail
cd "$(dirname "$0")/../docs/examples/CustomFormat"

python3 Scripts/check_tutorial.py   # the tutorial's code blocks are this package's code
swift build
swift test
expected='mapped 4194304
mapped 8192
mapped 0 error invalid-attributes
0x80401234
unmapped 4096
unmapped'
actual=$(swift run teaching-pagetable run --format teaching-mmu32 teaching.pt)
if [ "$actual" != "$expected" ]; then
    printf 'teaching-pagetable answered:\n%s\nexpected:\n%s\n' "$actual" "$expected" >&2
    exit 1
fi
swift run teaching-pagetable formats | grep -qx 'teaching-mmu32'
echo "examples: CustomFormat builds, passes its tests and answers its script"

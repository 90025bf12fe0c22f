#!/usr/bin/env bash
# Bare metal (docs/bare-metal.md): builds the library with Embedded Swift for three bare-metal
# triples, compiles and links the whole public API for every built-in format on ARMv7 and
# RISC-V, then builds the AArch64 example kernel and boots it under QEMU. Fails on any failed
# check inside the kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

if ! command -v qemu-system-aarch64 >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends qemu-system-arm
fi

# The library, as a client package would build it: every built-in format, through the umbrella.
for triple in aarch64-none-none-elf armv7-none-none-eabi riscv64-none-none-eabi; do
    swift build --triple "$triple" -c release --target PageTableKit \
        -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo
done

# Specialised by a client and linked: the whole public API for every format. The AArch64
# kernel below runs the same exercise, so it is linked here for the other two.
out=.build/bare-metal
for triple in armv7-none-none-eabi riscv64-none-none-eabi; do
    docs/examples/BareMetal/build.sh linkcheck "$triple" "$out"
done

docs/examples/BareMetal/build.sh kernel "$out"
log="$out/kernel.log"
status=0
timeout 120 qemu-system-aarch64 -M virt -cpu cortex-a57 -nographic -semihosting -nic none \
    -kernel "$out/aarch64-none-none-elf/kernel.elf" | tee "$log" || status=$?
if [ "$status" != 0 ] || ! grep -Eq '^[0-9]+ passed, 0 failed' "$log" || grep -q '^FAIL' "$log"; then
    echo "bare-metal kernel: checks failed (exit status $status)" >&2
    exit 1
fi

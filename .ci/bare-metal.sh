#!/usr/bin/env bash
# Bare metal (docs/bare-metal.md): builds the library with Embedded Swift for three bare-metal
# triples (through SwiftPM for AArch64, from its sources with build.sh for all three), compiles
# and links the whole public API for every built-in format on ARMv7 and RISC-V (and runs it
# there under QEMU), then builds the AArch64 example kernel and boots it under QEMU. Fails on
# any failed check.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"

if ! command -v qemu-system-aarch64 >/dev/null || ! command -v qemu-system-riscv64 >/dev/null; then
    sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
    $sudo apt-get update
    $sudo apt-get install -y --no-install-recommends qemu-system-arm qemu-system-misc
fi

# The library, as a client package would build it with SwiftPM: every built-in format, through
# the umbrella. One triple is enough for this route: build.sh below compiles every library
# module from its sources for each of the three triples.
swift build --triple aarch64-none-none-elf -c release --target PageTableKit \
    -Xswiftc -enable-experimental-feature -Xswiftc Embedded -Xswiftc -wmo

# Specialised by a client and linked: the whole public API for every format. The AArch64
# kernel below runs the same exercise, so it is linked here for the other two, and both boot.
out=.build/bare-metal
for triple in armv7-none-none-eabi riscv64-none-none-eabi; do
    docs/examples/BareMetal/build.sh linkcheck "$triple" "$out"
done
docs/examples/BareMetal/build.sh kernel "$out"

boot() {  # boot NAME QEMU ARGS...: runs to its semihosting exit; fails unless all passed
    local name="$1" log="$out/$1.log" status=0
    shift
    timeout 120 "$@" -nographic -semihosting -nic none | tee "$log" || status=$?
    if [ "$status" != 0 ] || ! grep -Eq '^[0-9]+ passed, 0 failed' "$log" || grep -q 'FAIL' "$log"; then
        echo "bare metal: $name failed (exit status $status)" >&2
        exit 1
    fi
}
boot armv7-linkcheck qemu-system-arm -M virt -cpu cortex-a15 -kernel "$out/armv7-none-none-eabi/linkcheck.elf"
boot riscv64-linkcheck qemu-system-riscv64 -M virt -bios none -kernel "$out/riscv64-none-none-eabi/linkcheck.elf"
boot aarch64-kernel qemu-system-aarch64 -M virt -cpu cortex-a57 -kernel "$out/aarch64-none-none-elf/kernel.elf"

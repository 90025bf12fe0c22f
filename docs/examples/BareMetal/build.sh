#!/usr/bin/env bash
# Builds the library for a bare-metal triple with Embedded Swift, straight from its sources,
# then either the AArch64 example kernel or the link check for that triple.
#
#   build.sh kernel    [OUT]            -> OUT/aarch64-none-none-elf/kernel.elf
#   build.sh linkcheck TRIPLE [OUT]     -> OUT/TRIPLE/linkcheck.elf (bootable on ARMv7 and RISC-V)
#
# SWIFTC, CLANG and LLD may name the tools (default: from PATH, else /opt/swift/usr/bin).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
tools=/opt/swift/usr/bin
SWIFTC="${SWIFTC:-$(command -v swiftc || echo $tools/swiftc)}"
CLANG="${CLANG:-$(command -v clang || echo $tools/clang)}"
LLD="${LLD:-$(command -v ld.lld || echo $tools/ld.lld)}"

what="$1"; shift
if [ "$what" = kernel ]; then triple=aarch64-none-none-elf; else triple="$1"; shift; fi
out="${1:-$root/.build/bare-metal}/$triple"
mkdir -p "$out"

# Per-triple code generation: AArch64 never relies on unaligned accesses (data accesses are
# Device memory until the MMU is on); ARMv7 with VFP and hard float; RV64GC, hard float.
case "$triple" in
    aarch64-*) cflags=(-mstrict-align); swiftflags=(-Xcc -mstrict-align) ;;
    armv7-*) cflags=(-mfloat-abi=hard -mfpu=vfpv3); swiftflags=() ;;
    riscv64-*) cflags=(-march=rv64gc -mabi=lp64d -mcmodel=medany); swiftflags=(-Xcc -march=rv64gc -Xcc -mabi=lp64d) ;;
    *) echo "unsupported triple $triple" >&2; exit 2 ;;
esac
swift=("$SWIFTC" -target "$triple" -enable-experimental-feature Embedded -wmo -Osize -parse-as-library
       -Xfrontend -function-sections "${swiftflags[@]}" -I "$out")

module() {  # module NAME SOURCE-DIR (the library's modules share one package, as SwiftPM builds them)
    "${swift[@]}" -module-name "$1" -package-name swift_page_table -emit-module -emit-module-path "$out/$1.swiftmodule" \
        -c $(find "$2" -name '*.swift' | sort) -o "$out/$1.o"
}
module PageTable "$root/Sources/PageTable"
module ARMLPAE "$root/Formats/ARMLPAE"
module ARMv7Short "$root/Formats/ARMv7Short"
module GPULPAE "$root/Formats/GPULPAE"
module RISCV "$root/Formats/RISCV"
module X86 "$root/Formats/X86"

objects=("$out/PageTable.o" "$out/ARMLPAE.o" "$out/ARMv7Short.o" "$out/GPULPAE.o" "$out/RISCV.o" "$out/X86.o")
"$CLANG" --target="$triple" "${cflags[@]}" -ffreestanding -fno-builtin -Os -ffunction-sections \
    -c "$here/support.c" -o "$out/support.o"
objects+=("$out/support.o")
if [ "$triple" = armv7-none-none-eabi ]; then
    "$CLANG" --target="$triple" "${cflags[@]}" -ffreestanding -fno-builtin -Os -c "$here/eabi.c" -o "$out/eabi.o"
    objects+=("$out/eabi.o")
fi

if [ "$what" = kernel ]; then
    "$CLANG" --target="$triple" "${cflags[@]}" -c "$here/start.S" -o "$out/start.o"
    # KERNEL_SWIFTFLAGS: extra flags, e.g. `-D KERNEL_ONLY` to leave out the API exercise.
    "${swift[@]}" -module-name Kernel -enable-experimental-feature Extern ${KERNEL_SWIFTFLAGS:-} \
        -c "$here/Kernel.swift" "$here/Hardware.swift" "$here/APIExercise.swift" -o "$out/Kernel.o"
    "$LLD" -T "$here/kernel.ld" --gc-sections -o "$out/kernel.elf" "$out/start.o" "$out/Kernel.o" "${objects[@]}"
    echo "$out/kernel.elf"
else
    "${swift[@]}" -module-name LinkCheck -enable-experimental-feature Extern -c "$here/LinkCheck.swift" "$here/APIExercise.swift" -o "$out/LinkCheck.o"
    if [ "$triple" = armv7-none-none-eabi ]; then  # Bootable: qemu-system-arm -M virt.
        "$CLANG" --target="$triple" "${cflags[@]}" -c "$here/start-armv7.S" -o "$out/start.o"
        objects+=("$out/start.o" -e _start)
    elif [ "$triple" = riscv64-none-none-eabi ]; then  # Bootable: qemu-system-riscv64 -M virt -bios none.
        "$CLANG" --target="$triple" "${cflags[@]}" -c "$here/start-riscv64.S" -o "$out/start.o"
        objects+=("$out/start.o" -e _start --defsym=__link_base=0x80000000)
    fi
    "$LLD" -T "$here/linkcheck.ld" --gc-sections -o "$out/linkcheck.elf" "$out/LinkCheck.o" "${objects[@]}"
    echo "$out/linkcheck.elf"
fi

// The link check's entry: every format's whole public API, compiled and linked for one
// bare-metal triple (see build.sh). On ARMv7 it boots under QEMU (start-armv7.S); it prints
// `N passed, M failed` through `putchar` and returns the number failed.

@_extern(c, "putchar") func putchar(_ character: Int32) -> Int32

func write(_ text: StaticString) { text.withUTF8Buffer { for byte in $0 { _ = putchar(Int32(byte)) } } }

func write(decimal value: Int) {
    if value >= 10 { write(decimal: value / 10) }
    _ = putchar(Int32(48 + value % 10))
}

@_cdecl("linkcheck_main")
func linkCheckMain() -> Int32 {
    var passed = 0, failed = 0
    exerciseEveryFormat { name, ok in
        if ok { passed += 1 } else { failed += 1; write("FAIL "); write(name); write("\n") }
    }
    write(decimal: passed)
    write(" passed, ")
    write(decimal: failed)
    write(" failed\n")
    return Int32(failed)
}

// The link check's entry: every format's whole public API, compiled and linked for one
// bare-metal triple (see build.sh). It is linked, not run; the AArch64 kernel runs the same
// exercise under QEMU.

@_cdecl("linkcheck_main")
func linkCheckMain() -> Int32 {
    var failures: Int32 = 0
    exerciseEveryFormat { _, ok in if !ok { failures += 1 } }
    return failures
}

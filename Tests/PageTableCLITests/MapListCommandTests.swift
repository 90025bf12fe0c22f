import Testing

/// `map-list IOVA PROT PA:SIZE PA:SIZE ...`: a page list in one call, answered like `map`.
@Suite struct MapListCommandTests {
    @Test func mapsTheExtentsToConsecutiveAddresses() {
        let script = """
            map-list 0x10000 rw 0x40000000:4K 0x50000000:8K 0x60000000:4K
            translate 0x10000
            translate 0x11008
            translate 0x12000
            translate 0x13fff
            translate 0x14000
            """
        #expect(answers(script) == ["mapped 16384", "0x40000000", "0x50000008", "0x50001000", "0x60000fff", "unmapped"])
    }

    @Test func aBlockSpansExtentsThatContinueEachOther() {
        // Two halves of a 2M block that continue each other make one block: no page table.
        let joined = runScript("map-list 0x200000 rw 0x40200000:1M 0x40300000:1M", ["--stats"])
        #expect(joined.lines.first == "mapped 2097152")
        #expect(joined.lines.contains("tables 3"), "\(joined.lines)")
        // Halves that do not continue each other need pages.
        let split = runScript("map-list 0x200000 rw 0x40200000:1M 0x50300000:1M", ["--stats"])
        #expect(split.lines.first == "mapped 2097152")
        #expect(split.lines.contains("tables 4"), "\(split.lines)")
    }

    @Test func anOverlapAnswersTheExactPrefix() {
        let script = """
            map 0x3000 0x70000000 4K rw
            map-list 0 rw 0x40000000:8K 0x50000000:8K
            translate 0x2000
            """
        #expect(answers(script) == ["mapped 4096", "mapped 12288 error already-mapped", "0x50000000"])
    }

    @Test func badListsMapNothing() {
        let script = """
            map-list 0 rw 0x40000000:4K 0x50000000:0
            map-list 0 rw 0x40000000:4K 0x50000800:4K
            map-list 0 rw 0x8000000000000000:0x8000000000000000 0:0x8000000000000000
            map-list 0 rw 0xfffffffff000:8K
            map-list 0 - 0x40000000:4K
            translate 0
            """
        #expect(answers(script) == ["mapped 0 error misaligned", "mapped 0 error misaligned", "mapped 0 error out-of-range",
                                    "mapped 0 error out-of-range", "mapped 0 error invalid-attributes", "unmapped"])
    }

    @Test func malformedOperandsAreScriptErrors() {
        let missing = runScript("map-list 0 rw")
        #expect(missing.status == 2)
        #expect(missing.error == "script:1: 'map-list' takes at least 3 operands (map-list IOVA PROT PA:SIZE ...), got 2\n")
        let noColon = runScript("map-list 0 rw 0x1000")
        #expect(noColon.status == 2)
        #expect(noColon.error == "script:1: 'map-list' extents are PA:SIZE, got '0x1000'\n")
        #expect(runScript("map-list 0 rw 0x1000:zz").status == 2)
    }
}

import Testing

/// `fail-alloc N`, `fail-alloc off` and `map-all` on the command line.
@Suite struct FaultInjectionCommandTests {
    /// ias 39: a 4K map needs an L2 and an L3 table; one crossing a 1 GiB boundary needs two of each.
    @Test func theNthAllocationFromHereFailsAndEveryLaterOne() {
        let script = """
            fail-alloc 3
            map 0x3ffff000 0x40000000 8K rw
            translate 0x3ffff000
            translate 0x40000000
            map 0x80000000 0x40000000 4K rw
            fail-alloc off
            map 0x80000000 0x40000000 4K rw
            """
        #expect(answers(script, ["--ias", "39", "--stats"]).prefix(9) == [
            "ok", "mapped 4096 error out-of-memory", "0x40000000", "unmapped",
            "mapped 0 error out-of-memory", "ok", "mapped 4096", "tables 5", "table-bytes 20480",
        ])
    }

    @Test func mapAllUndoesItsPrefixAndFreesItsTables() {
        let script = """
            fail-alloc 3
            map-all 0x3ffff000 0x40000000 8K rw
            translate 0x3ffff000
            fail-alloc off
            map-all 0x3ffff000 0x40000000 8K rw
            map-all 0x3fffe000 0x50000000 16K rw
            translate 0x3fffe000
            """
        #expect(answers(script, ["--ias", "39", "--stats"]).prefix(8) == [
            "ok", "mapped 0 error out-of-memory", "unmapped", "ok", "mapped 8192",
            "mapped 0 error already-mapped", "unmapped", "tables 5",
        ])
    }

    @Test func failAllocOperandsAreChecked() {
        #expect(runScript("fail-alloc 0").status == 2)
        #expect(runScript("fail-alloc").error == "script:1: 'fail-alloc' takes 1 operand (fail-alloc N|off), got 0\n")
        #expect(runScript("fail-alloc on").status == 2)
        #expect(runScript("map-all 0 0 4K").error == "script:1: 'map-all' takes 4 operands (map-all IOVA PA SIZE PROT), got 3\n")
    }
}

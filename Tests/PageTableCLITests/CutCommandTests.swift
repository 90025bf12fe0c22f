import Testing

/// `cut IOVA`: the leaf holding IOVA becomes the next smaller leaves with the same
/// translations; answers `cut <bytes>` (the leaf's size) or `cut 0 error <name>`. On
/// `arm-lpae-64` only `--bbm-level 2` allows it.
@Suite struct CutCommandTests {
    @Test func armRefusesWithoutBreakBeforeMakeLevel2() {
        let script = """
            map 0x200000 0x40200000 2M rw
            cut 0x201000
            unmap 0x201000 4K
            translate 0x3fffff
            """
        let refused = ["mapped 2097152", "cut 0 error unsupported", "unmapped 0 error partial-leaf", "0x403fffff"]
        #expect(answers(script) == refused)
        #expect(answers(script, ["--bbm-level", "1"]) == refused)
    }

    @Test func level2CutsABlockIntoGroupsAndAGroupIntoPages() {
        let script = """
            map 0x200000 0x40200000 2M rw
            unmap 0x201000 4K
            cut 0x3fffff
            translate 0x3fffff
            unmap 0x200000 64K
            cut 0x221234
            unmap 0x221000 4K
            translate 0x220fff
            translate 0x222000
            cut 0x222000
            cut 0x600000
            cut 0x1000000000000
            """
        #expect(answers(script, ["--bbm-level", "2"]) == [
            "mapped 2097152", "unmapped 0 error partial-leaf", "cut 2097152", "0x403fffff", "unmapped 65536",
            "cut 65536", "unmapped 4096", "0x40220fff", "0x40222000", "cut 0 error unsupported",
            "cut 0 error not-mapped", "cut 0 error out-of-range",
        ])
    }

    @Test func x86CutsAPageIntoSmallerPages() {
        let script = """
            map 0x40000000 0x80000000 1G rw
            cut 0x40000000
            cut 0x40200000
            unmap 0x40201000 4K
            translate 0x7fffffff
            """
        let result = pagetable(["run", "--format", "x86-64", "--stats", "-"], input: script)
        #expect(result.status == 0)
        #expect(Array(result.lines.prefix(5)) == ["mapped 1073741824", "cut 1073741824", "cut 2097152", "unmapped 4096",
                                                  "0xbfffffff"])
        #expect(result.lines.contains("tables 4"), "the top table, a PDPT, the cut's page directory and page table")
    }

    @Test func malformedCutsAndLevelsAreUsageErrors() {
        #expect(runScript("cut").status == 2)
        #expect(runScript("cut 1 2").status == 2)
        #expect(runScript("map 0 0 4K rw", ["--bbm-level", "3"]).status == 2)
    }
}

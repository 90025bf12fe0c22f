import Testing

/// `collapse IOVA SIZE`: the uniformly mapped table under the range becomes one block again;
/// answers `collapsed <bytes>` or `collapsed 0 error <name>`. On `arm-lpae-64` only
/// `--bbm-level 2` allows it.
@Suite struct CollapseCommandTests {
    @Test func armRefusesWithoutBreakBeforeMakeLevel2() {
        let script = """
            map 0x200000 0x40200000 64K rw
            collapse 0x200000 2M
            """
        #expect(answers(script) == ["mapped 65536", "collapsed 0 error unsupported"])
        #expect(answers(script, ["--bbm-level", "1"]) == ["mapped 65536", "collapsed 0 error unsupported"])
    }

    @Test func level2CollapsesWhatCutSplit() {
        let script = """
            map 0x200000 0x40200000 2M rw
            cut 0x200000
            cut 0x210000
            collapse 0x200000 2M
            unmap 0x201000 4K
            cut 0x200000
            protect 0x230000 64K r
            collapse 0x200000 2M
            unmap 0x230000 64K
            collapse 0x200000 2M
            collapse 0x200000 64K
            collapse 0x201000 2M
            collapse 0x1000000000000 2M
            """
        #expect(answers(script, ["--bbm-level", "2"]) == [
            "mapped 2097152", "cut 2097152", "cut 65536", "collapsed 2097152", "unmapped 0 error partial-leaf",
            "cut 2097152", "protected 65536", "collapsed 0 error not-uniform", "unmapped 65536",
            "collapsed 0 error not-mapped", "collapsed 0 error unsupported", "collapsed 0 error misaligned",
            "collapsed 0 error out-of-range",
        ])
    }

    @Test func x86CollapsesPagesIntoA1GiBPage() {
        let script = """
            map 0x40000000 0x80000000 1G rw
            cut 0x40000000
            cut 0x40200000
            collapse 0x40000000 1G
            translate 0x7fffffff
            """
        let result = pagetable(["run", "--format", "x86-64", "--stats", "-"], input: script)
        #expect(result.status == 0)
        #expect(Array(result.lines.prefix(5)) == ["mapped 1073741824", "cut 1073741824", "cut 2097152",
                                                  "collapsed 1073741824", "0xbfffffff"])
        #expect(result.lines.contains("tables 2"), "the top table and the PDPT holding the 1 GiB page")
    }

    @Test func malformedCollapsesAreUsageErrors() {
        #expect(runScript("collapse 0").status == 2)
        #expect(runScript("collapse 0 2M 1").status == 2)
    }
}

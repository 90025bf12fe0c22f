import Testing

/// The answer line of each operation, for successes and for every error name.
@Suite struct ScriptAnswerTests {
    @Test func mapAnswersTheBytesMapped() {
        #expect(answers("map 0x1000 0x40001000 4K rw") == ["mapped 4096"])
        #expect(answers("map 0x200000 0x40200000 2M rw") == ["mapped 2097152"])
        #expect(answers("map 0x40000000 0x80000000 1G rw") == ["mapped 1073741824"])
    }

    @Test func translateAnswersLowerCaseUnpaddedHexOrUnmapped() {
        let script = """
            map 0x1000 0xABC000 4K rw
            translate 0x1fed
            translate 0x1000
            translate 0x2000
            translate 0
            """
        #expect(answers(script) == ["mapped 4096", "0xabcfed", "0xabc000", "unmapped", "unmapped"])
    }

    @Test func translateAnswersPhysicalAddressZero() {
        #expect(answers("map 0x1000 0 4K rw\ntranslate 0x1008") == ["mapped 4096", "0x8"])
    }

    @Test func translateBeyondTheInputSpaceIsUnmapped() {
        #expect(answers("translate 0x1000000000000\ntranslate 0xffffffffffffffff") == ["unmapped", "unmapped"])
    }

    @Test func unmapAnswersTheBytesUnmapped() {
        #expect(answers("map 0 0x40000000 8K rw\nunmap 0 8K\ntranslate 0") == ["mapped 8192", "unmapped 8192", "unmapped"])
    }

    @Test func unmapAcrossTwoMappings() {
        let script = """
            map 0 0x40000000 1M rw
            map 0x100000 0x40100000 1M rw
            unmap 0 2M
            """
        #expect(answers(script) == ["mapped 1048576", "mapped 1048576", "unmapped 2097152"])
    }

    @Test func alreadyMapped() {
        #expect(answers("map 0 0x40000000 4K rw\nmap 0 0x50000000 4K r")
                == ["mapped 4096", "mapped 0 error already-mapped"])
    }

    @Test func alreadyMappedAfterAPrefix() {
        #expect(answers("map 0x1000 0x40001000 4K rw\nmap 0 0x50000000 8K rw")
                == ["mapped 4096", "mapped 4096 error already-mapped"])
    }

    @Test func notMappedAtAHole() {
        #expect(answers("unmap 0 4K") == ["unmapped 0 error not-mapped"])
        #expect(answers("map 0 0x40000000 4K rw\nunmap 0 8K") == ["mapped 4096", "unmapped 4096 error not-mapped"])
    }

    @Test func partialLeaf() {
        #expect(answers("map 0 0x40000000 2M rw\nunmap 0 4K\nunmap 0x1000 2M")
                == ["mapped 2097152", "unmapped 0 error partial-leaf", "unmapped 0 error partial-leaf"])
    }

    @Test func misaligned() {
        #expect(answers("map 0x800 0x40000000 4K rw") == ["mapped 0 error misaligned"])
        #expect(answers("map 0 0x40000800 4K rw") == ["mapped 0 error misaligned"])
        #expect(answers("map 0 0x40000000 100 rw") == ["mapped 0 error misaligned"])
        #expect(answers("map 0 0x40000000 0 rw") == ["mapped 0 error misaligned"])
        #expect(answers("unmap 0x10 4K") == ["unmapped 0 error misaligned"])
    }

    @Test func outOfRange() {
        #expect(answers("map 0x1000000000000 0x40000000 4K rw") == ["mapped 0 error out-of-range"])
        #expect(answers("map 0 0x1000000000000 4K rw") == ["mapped 0 error out-of-range"])
        #expect(answers("map 0x1000 0 4K rw", ["--ias", "32"]) == ["mapped 4096"])
        #expect(answers("map 0x100000000 0 4K rw", ["--ias", "32"]) == ["mapped 0 error out-of-range"])
        #expect(answers("unmap 0xfffffffff000 8K") == ["unmapped 0 error out-of-range"])
    }

    @Test func invalidAttributesFromTheTable() {
        for protection in ["x", "c", "d", "p", "-", "xcp"] {
            #expect(answers("map 0 0x40000000 4K \(protection)") == ["mapped 0 error invalid-attributes"],
                    "PROT \(protection)")
        }
    }

    @Test func cacheableAndDeviceTogetherIsInvalidAttributes() {
        #expect(answers("map 0 0x40000000 4K rwcd\ntranslate 0") == ["mapped 0 error invalid-attributes", "unmapped"])
        #expect(answers("map 0 0x40000000 4K dc") == ["mapped 0 error invalid-attributes"])
    }

    @Test func outOfMemory() {
        // 4K of memory holds the top table only: the first map needs a second table.
        #expect(answers("map 0 0x40000000 4K rw\ntranslate 0", ["--memory-size", "4K"])
                == ["mapped 0 error out-of-memory", "unmapped"])
    }

    @Test func everyErrorNameIsAnswered() {
        let script = """
            map 0 0x40000000 4K rw
            map 0 0x40000000 4K rw
            map 0x200000 0x40200000 2M rw
            unmap 0x200000 4K
            unmap 0x10000 4K
            map 0x10 0 4K rw
            map 0x1000000000000 0 4K rw
            map 0x10000 0 4K x
            map 0x8000000000 0 4K rw
            """
        let expected = ["mapped 4096", "mapped 0 error already-mapped", "mapped 2097152",
                        "unmapped 0 error partial-leaf", "unmapped 0 error not-mapped", "mapped 0 error misaligned",
                        "mapped 0 error out-of-range", "mapped 0 error invalid-attributes",
                        "mapped 0 error out-of-memory"]
        // 16K: the top table and one table per level below it; the last map needs a new L1.
        #expect(answers(script, ["--memory-size", "16K"]) == expected)
    }

    @Test func protectionLettersReachTheTable() {
        let script = "map 0 0x40000000 4K wrxcp\nmap 0x1000 0x40001000 4K rrd\nmap 0x2000 0x40002000 4K xwr"
        let result = runScript(script, ["--dump"])
        #expect(result.lines.prefix(3) == ["mapped 4096", "mapped 4096", "mapped 4096"])
        #expect(result.output.contains("pa 0x40000000 size 4K rwxcp"))
        #expect(result.output.contains("pa 0x40001000 size 4K rd"))
        #expect(result.output.contains("pa 0x40002000 size 4K rwx"))
    }

    @Test func aTableFailureDoesNotStopTheRun() {
        let result = runScript("unmap 0 4K\nmap 0 0x40000000 4K rw\ntranslate 0x10")
        #expect(result.status == 0)
        #expect(result.lines == ["unmapped 0 error not-mapped", "mapped 4096", "0x40000010"])
        #expect(result.error.isEmpty)
    }

    @Test func mappingThenUnmappingEverythingLeavesTheTopTable() {
        let result = runScript("map 0 0x40000000 1G rw\nmap 0x40000000 0 4K rw\nunmap 0 0x40001000", ["--stats"])
        #expect(result.lines.prefix(3) == ["mapped 1073741824", "mapped 4096", "unmapped 1073745920"])
        #expect(result.lines.contains("tables 1"))
        #expect(result.lines.contains("table-bytes 4096"))
    }

    @Test func mappingThenUnmappingInOneCallOfEachLeavesTheTopTable() {
        let result = runScript("map 0 0x40000000 0x40201000 rw\nunmap 0 0x40201000",
                               ["--granule", "4k", "--ias", "48", "--stats"])
        #expect(result.lines.prefix(2) == ["mapped 1075843072", "unmapped 1075843072"])
        #expect(result.lines.contains("tables 1"))
    }

    @Test func otherGranulesAndStages() {
        #expect(answers("map 0 0 64K rw\nmap 0x20000000 0x20000000 512M rw\ntranslate 0x2000abcd",
                        ["--granule", "64k", "--stage", "2", "--ias", "40", "--oas", "40"])
                == ["mapped 65536", "mapped 536870912", "0x2000abcd"])
        #expect(answers("map 0x4000 0x4000 16K rw\nmap 0x1000 0x1000 4K rw", ["--granule", "16K"])
                == ["mapped 16384", "mapped 0 error misaligned"])
    }
}

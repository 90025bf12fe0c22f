import Testing

/// `--stats` and `--dump`: after the answers, statistics first, then the tree.
@Suite struct ReportTests {
    private let script = """
        map 0 0x40000000 8K rw
        map 0x200000 0x40200000 2M rwc
        map 0x40000000 0xc0000000 1G rwd
        """

    @Test func statisticsFollowTheAnswers() {
        let result = runScript(script, ["--stats"])
        #expect(result.status == 0)
        #expect(result.lines == [
            "mapped 8192", "mapped 2097152", "mapped 1073741824",
            "tables 4", "table-bytes 16384", "mapped-bytes \(8192 + (2 << 20) + (1 << 30))",
            "syncs 0", "cache-cleans 0", "shared-tables 0", "tables-L0 1", "tables-L1 1", "tables-L2 1", "tables-L3 1",
            "leaves-L1 1", "leaves-L2 1", "leaves-L3 2",
        ])
    }

    @Test func statisticsOfAnEmptyTableCountTheTopTable() {
        let result = runScript("", ["--stats", "--granule", "64k", "--ias", "42"])
        #expect(result.lines.prefix(2) == ["tables 1", "table-bytes 65536"])
        #expect(result.lines.allSatisfy { $0.split(separator: " ").count == 2 })
    }

    @Test func statisticsFollowUnmaps() {
        let result = runScript(script + "\nunmap 0 8K\nunmap 0x200000 2M\nunmap 0x40000000 1G", ["--stats"])
        #expect(result.lines.dropFirst(6).prefix(3) == ["tables 1", "table-bytes 4096", "mapped-bytes 0"])
    }

    @Test func dumpShowsTheTreeIndentedByDepth() {
        let result = runScript(script, ["--dump"])
        #expect(result.status == 0)
        #expect(result.lines == [
            "mapped 8192", "mapped 2097152", "mapped 1073741824",
            "L0 table 0x80000000 va 0x0-0xffffffffffff 4096 bytes",
            "  L1 table 0x80001000 va 0x0-0x7fffffffff 4096 bytes",
            "    L2 table 0x80002000 va 0x0-0x3fffffff 4096 bytes",
            "      L3 table 0x80003000 va 0x0-0x1fffff 4096 bytes",
            "        L3 leaf va 0x0-0x1fff pa 0x40000000 size 4K x2 rw",
            "      L2 leaf va 0x200000-0x3fffff pa 0x40200000 size 2M rwc",
            "    L1 leaf va 0x40000000-0x7fffffff pa 0xc0000000 size 1G rwd",
        ])
    }

    @Test func statisticsComeBeforeTheDump() {
        let result = runScript("map 0 0 4K rwp", ["--dump", "--stats"])
        let lines = result.lines
        #expect(lines.first == "mapped 4096")
        #expect(lines[1] == "tables 4")
        let dumpStart = lines.firstIndex { $0.hasPrefix("L0 table ") }
        let lastStatistic = lines.lastIndex { $0.hasPrefix("leaves-") }
        #expect(dumpStart != nil && lastStatistic != nil && lastStatistic! < dumpStart!)
        #expect(lines.last == "        L3 leaf va 0x0-0xfff pa 0x0 size 4K rwp")
    }

    @Test func reportsAreOptIn() {
        #expect(runScript(script).lines.count == 3)
    }
}

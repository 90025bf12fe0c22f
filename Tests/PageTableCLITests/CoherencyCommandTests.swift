import Testing

/// `--non-coherent` and the `syncs` / `cache-cleans` statistics.
@Suite struct CoherencyCommandTests {
    /// 1 GiB of 4K pages into empty space, unmapped in one operation; then 2 MiB the same way.
    static let script = """
        map 0x40000000 0x80001000 1G rw
        unmap 0x40000000 1G
        map 0x40000000 0x80000000 2M rw
        unmap 0x40000000 2M
        """

    static func statistic(_ name: String, _ lines: [String]) -> Int? {
        lines.first { $0.hasPrefix(name + " ") }.flatMap { Int($0.dropFirst(name.count + 1)) }
    }

    @Test func twoUnmapsAreTwoSyncsAndCoherentTablesAreNeverCleaned() {
        let lines = answers(Self.script, ["--ias", "39", "--stats"])
        #expect(Self.statistic("syncs", lines) == 2)
        #expect(Self.statistic("cache-cleans", lines) == 0)
    }

    @Test func nonCoherentTablesAreCleanedAboutOncePerModifiedTable() throws {
        let lines = answers(Self.script, ["--ias", "39", "--stats", "--non-coherent"])
        #expect(Self.statistic("syncs", lines) == 2)
        let cleans = try #require(Self.statistic("cache-cleans", lines))
        // 512 L3 tables and one L2 filled for the 1 GiB: hundreds, not one per page.
        #expect(cleans >= 514 && cleans < 530, "cache-cleans \(cleans)")
    }

    @Test func nonCoherentWalksShowInTheExportedRegisters() throws {
        let coherent = answers("translate 0", ["--stats"])
        #expect(Self.statistic("cache-cleans", coherent) == 0)
        let usage = runScript("translate 0", ["--non-coherent", "--stage", "2"])
        #expect(usage.status == 0)
    }
}

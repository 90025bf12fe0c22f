import Testing

/// `reserve`, `release` and `estimate` on the command line.
@Suite struct ReservationCommandTests {
    static func statistic(_ name: String, _ lines: [String]) -> String? {
        lines.last { $0.hasPrefix(name + " ") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// The example of the reservation issue, on arm-lpae-64 --ias 39.
    @Test func reservationExample() {
        #expect(answers("reserve 0x10000000 1G", ["--ias", "39", "--stats"]).prefix(2) == ["reserved 1073741824", "tables 515"])
        let script = """
            reserve 0x10000000 1G
            estimate 0x50000000 1G
            fail-alloc 1
            map 0x10000000 0x40000000 16M rw
            map 0x90000000 0x40000000 16M rw
            unmap 0x10000000 16M
            """
        let lines = answers(script, ["--ias", "39", "--stats"])
        #expect(Array(lines.prefix(6)) == ["reserved 1073741824", "tables 513", "ok", "mapped 16777216",
                                           "mapped 0 error out-of-memory", "unmapped 16777216"])
        #expect(Self.statistic("tables", lines) == "515", "unmapping inside the reservation frees nothing")
        let released = answers(script + "\nfail-alloc off\nrelease 0x10000000 1G", ["--ias", "39", "--stats"])
        #expect(released[7] == "released 1073741824")
        #expect(Self.statistic("tables", released) == "1")
    }

    @Test func estimateCountsOnlyMissingTables() {
        #expect(answers("estimate 0 4K") == ["tables 3"])
        #expect(answers("map 0 0x40000000 4K rw\nestimate 0 2M") == ["mapped 4096", "tables 0"])
        #expect(answers("estimate 0x1000 1") == ["tables 0 error misaligned"])
    }

    @Test func releaseNeedsAReservation() {
        #expect(answers("release 0 4K") == ["released 0 error not-mapped"])
        #expect(answers("reserve 0 8K\nreserve 0 8K\nrelease 0 8K\nrelease 0 8K\nrelease 0 8K", ["--stats"]).prefix(6)
                == ["reserved 8192", "reserved 8192", "released 8192", "released 8192", "released 0 error not-mapped",
                    "tables 1"])
    }

    @Test func aFailedReservationKeepsNothing() {
        let lines = answers("fail-alloc 3\nreserve 0 1G", ["--stats"])
        #expect(Array(lines.prefix(3)) == ["ok", "reserved 0 error out-of-memory", "tables 1"])
    }
}

import Foundation
import Testing
@testable import PageTableCLI

/// `pagetable bench`: output shape, case names, options. Cases run at the tiny scale with one
/// repetition; nothing here looks at timings.
@Suite struct BenchCommandTests {
    /// Every standard case, in report order.
    static let standardNames = ["map-4k", "unmap-4k", "translate", "map-2m", "v7s-map-4k", "gpu-repeat-1t"]
        + ["", "v7s-", "gpu-"].flatMap { prefix in
            ["map-one-4k", "unmap-one-4k", "map-unmap-one-4k", prefix == "v7s-" ? "teardown-16m" : "teardown-1g",
             "map-4k-fresh", "map-64k-fresh", prefix == "v7s-" ? "map-1m-fresh" : "map-2m-fresh"].map { prefix + $0 }
        }
        + concurrentNames
    /// The concurrent cases, last.
    static let concurrentNames: [String] = ["concurrent-4k-1t", "concurrent-4k-2t", "concurrent-4k-all"]

    /// Runs the bench command in-process at the tiny scale and parses its JSON lines.
    private func tinyJSONRun(_ command: BenchCommand = BenchCommand(json: true, repetitions: 1))
        throws -> [[String: Any]] {
        let output = CapturedText()
        command.perform(scale: .tiny, standardOutput: output)
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(output.text.hasSuffix("\n"))
        return try lines.map { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
            return try #require(object as? [String: Any], "not a JSON object: \(line)")
        }
    }

    @Test func jsonLinesNameTheStandardCasesInOrderWithTheRequiredKeys() throws {
        let records = try tinyJSONRun()
        #expect(records.map { $0["case"] as? String } == Self.standardNames)
        #expect(records.map { $0["format"] as? String }
                == ["arm-lpae-64", "arm-lpae-64", "arm-lpae-64", "arm-lpae-64", "arm-v7s", "gpu-lpae"]
                + Array(repeating: "arm-lpae-64", count: 7) + Array(repeating: "arm-v7s", count: 7)
                + Array(repeating: "gpu-lpae", count: 7) + Array(repeating: "arm-lpae-64", count: Self.concurrentNames.count))
        for record in records {
            for key in ["case", "format", "bytes", "ops", "nsPerOp", "minNsPerOp", "repetitions", "tables", "tableBytes"] {
                #expect(record[key] != nil, "\(record["case"] ?? "?") lacks \(key)")
            }
            #expect(record["repetitions"] as? Int == 1)
            let nanoseconds = try #require(record["nsPerOp"] as? Double)
            #expect(nanoseconds >= 0)
        }
    }

    @Test func operationsAndTablesFollowTheCaseDefinitions() throws {
        let records = Dictionary(uniqueKeysWithValues: try tinyJSONRun().map { ($0["case"] as! String, $0) })
        // 4 MiB of 4 KiB pages: 1024 pages in two level-3 tables, under one level-2 table and the top.
        #expect(records["map-4k"]?["bytes"] as? Int == 4 << 20)
        #expect(records["map-4k"]?["ops"] as? Int == 1024)
        #expect(records["map-4k"]?["tables"] as? Int == 4)
        #expect(records["map-4k"]?["tableBytes"] as? Int == 4 * 4096)
        // Unmapping frees everything but the top table before the call returns.
        #expect(records["unmap-4k"]?["ops"] as? Int == 1024)
        #expect(records["unmap-4k"]?["tables"] as? Int == 1)
        #expect(records["unmap-4k"]?["tableBytes"] as? Int == 4096)
        #expect(records["translate"]?["ops"] as? Int == BenchScale.tiny.lookups)
        #expect(records["translate"]?["tables"] as? Int == 4)
        // A 2 MiB-aligned output address: two 2 MiB blocks in one level-2 table.
        #expect(records["map-2m"]?["ops"] as? Int == 2)
        #expect(records["map-2m"]?["tables"] as? Int == 2)
        // 1 MiB of 4 KiB short-descriptor pages: one 1 KiB L2 table under the 16 KiB L1 table.
        #expect(records["v7s-map-4k"]?["bytes"] as? Int == 1 << 20)
        #expect(records["v7s-map-4k"]?["ops"] as? Int == 256)
        #expect(records["v7s-map-4k"]?["tables"] as? Int == 2)
        #expect(records["v7s-map-4k"]?["tableBytes"] as? Int == (16 << 10) + (1 << 10))
        // One repeat operation; shared tables keep it to a handful whatever the size.
        #expect(records["gpu-repeat-1t"]?["ops"] as? Int == 1)
        #expect(records["gpu-repeat-1t"]?["bytes"] as? Int == 1 << 30)
        let repeatTables = try #require(records["gpu-repeat-1t"]?["tables"] as? Int)
        #expect(repeatTables <= 8)
    }

    /// The single-page cases work on the populated map-4k range (the v7s-map-4k range for
    /// arm-v7s), a quarter of its pages, one call (or pair) per op; teardown is one op; fresh
    /// maps are 64 one-call maps, each with the tables of a map on an empty table.
    @Test func tableOperationCasesFollowTheirDefinitions() throws {
        let records = Dictionary(uniqueKeysWithValues: try tinyJSONRun().map { ($0["case"] as! String, $0) })
        // Populated: 4 MiB of 4 KiB pages (LPAE: 4 tables; gpu-lpae: one more level, 5), 1 MiB for v7s.
        for (prefix, populated, tables) in [("", 4 << 20, 4), ("gpu-", 4 << 20, 5), ("v7s-", 1 << 20, 2)] {
            for name in ["map-one-4k", "unmap-one-4k", "map-unmap-one-4k"] {
                let record = try #require(records[prefix + name])
                #expect(record["bytes"] as? Int == populated, "\(prefix + name)")
                #expect(record["ops"] as? Int == populated / 4096 / 4, "\(prefix + name)")
                #expect(record["tables"] as? Int == tables, "\(prefix + name): the populated tables stay")
            }
        }
        #expect(records["teardown-1g"]?["ops"] as? Int == 1)
        #expect(records["teardown-1g"]?["tables"] as? Int == 4, "the tables the teardown frees")
        #expect(records["gpu-teardown-1g"]?["tables"] as? Int == 5)
        #expect(records["v7s-teardown-16m"]?["tables"] as? Int == 2)
        // Fresh maps: top table plus the tables one call allocates.
        for (name, bytes, tables) in [("map-4k-fresh", 4 << 10, 3), ("map-64k-fresh", 64 << 10, 3),
                                      ("map-2m-fresh", 2 << 20, 2), ("gpu-map-4k-fresh", 4 << 10, 4),
                                      ("gpu-map-2m-fresh", 2 << 20, 3), ("v7s-map-4k-fresh", 4 << 10, 2),
                                      ("v7s-map-64k-fresh", 64 << 10, 2), ("v7s-map-1m-fresh", 1 << 20, 1)] {
            let record = try #require(records[name])
            #expect(record["bytes"] as? Int == bytes, "\(name)")
            #expect(record["ops"] as? Int == TableOperations.freshBatch, "\(name)")
            #expect(record["tables"] as? Int == tables, "\(name)")
        }
    }

    /// The translate checksum is the sum of the true answers, so the lookups really ran (and
    /// the C baseline, which computes the same sum, can be checked against it).
    @Test func translateChecksumIsTheSumOfTheAnswers() throws {
        let records = try tinyJSONRun(BenchCommand(json: true, repetitions: 1, caseNames: ["translate"]))
        #expect(records.count == 1)
        var random = BenchRandom(seed: LPAETranslateCase.seed)
        var sum: UInt64 = 0
        let size = BenchScale.tiny.mappingBytes
        for _ in 0..<BenchScale.tiny.lookups {
            let offset = random.next() & (size - 1)
            sum &+= BenchMemory.base + 4096 + offset
        }
        #expect(records.first?["checksum"] as? String == sum.hexadecimal)
    }

    @Test func readableTableHasAHeaderAndOneAlignedRowPerCase() {
        let output = CapturedText()
        BenchCommand(repetitions: 1).perform(scale: .tiny, standardOutput: output)
        let lines = output.text.split(separator: "\n").map(String.init)
        #expect(lines.count == Self.standardNames.count + 1)
        #expect(lines.first?.hasPrefix("case") == true)
        #expect(lines.dropFirst().map { String($0.prefix { $0 != " " }) } == Self.standardNames)
        #expect(Set(lines.map(\.count)).count == 1, "rows are aligned to one width")
    }

    @Test func parsesOptions() throws {
        guard case .run(let command) = try BenchCommand.parse(["--json", "--repetitions", "3", "--case", "map-4k",
                                                               "--case", "translate"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(command.json && command.repetitions == 3 && !command.scaling && command.clock == .monotonic)
        #expect(command.cases.map(\.name) == ["map-4k", "translate"])
        guard case .run(let threadClock) = try BenchCommand.parse(["--clock", "thread-cpu"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(threadClock.clock == .threadCPU)
        guard case .help = try BenchCommand.parse(["--json", "-h"]) else {
            Issue.record("expected help")
            return
        }
    }

    @Test func scalingRunsMapAndUnmapFrom4KiBTo4GiB() throws {
        guard case .run(let command) = try BenchCommand.parse(["--scaling", "--case", "map-4k"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(command.cases.map(\.name) == Array(repeating: "map-4k", count: 11))
        #expect(command.cases.map { $0.bytes(at: .standard) } == (0...10).map { UInt64(4096) << (2 * UInt64($0)) })
        #expect(LPAEBench.batchCount(bytes: 4096) == 64)
        #expect(LPAEBench.batchCount(bytes: 16 << 20) == 1)
        #expect(LPAEBench.batchCount(bytes: 4 << 30) == 1)
    }

    @Test(arguments: [
        (["--frobnicate"], "unknown option '--frobnicate' for 'bench'"),
        (["extra"], "unexpected argument 'extra' for 'bench'"),
        (["--repetitions", "0"], "bad value '0' for --repetitions"),
        (["--repetitions"], "option '--repetitions' needs a value"),
        (["--case", "map-1t"],
         "unknown case 'map-1t' for --case (cases: " + BenchCommandTests.standardNames.joined(separator: ", ") + ")"),
        (["--clock", "wall"], "option '--clock' needs a value: monotonic or thread-cpu"),
    ])
    func refusesBadArguments(arguments: [String], message: String) {
        let result = pagetable(["bench"] + arguments)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error.hasPrefix("pagetable: " + message))
    }

    @Test func helpListsTheBenchCommand() {
        let result = pagetable(["bench", "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("pagetable bench [--json]"))
    }

    @Test func decimalsHaveThreePlaces() {
        #expect(BenchReport.decimal(1.4816) == "1.482")
        #expect(BenchReport.decimal(0.0004) == "0.000")
        #expect(BenchReport.decimal(17.5) == "17.500")
        #expect(BenchReport.decimal(1_234_567.25) == "1234567.250")
    }
}

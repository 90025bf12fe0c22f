import Foundation
import Testing
@testable import PageTableCLI

/// `pagetable bench`: output shape, case names, options. Cases run at the tiny scale with one
/// repetition; nothing here looks at timings.
@Suite struct BenchCommandTests {
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
        #expect(records.map { $0["case"] as? String }
                == ["map-4k", "unmap-4k", "translate", "map-2m", "v7s-map-4k", "gpu-repeat-1t"])
        #expect(records.map { $0["format"] as? String }
                == ["arm-lpae-64", "arm-lpae-64", "arm-lpae-64", "arm-lpae-64", "arm-v7s", "gpu-lpae"])
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
        #expect(lines.count == 7)
        #expect(lines.first?.hasPrefix("case") == true)
        #expect(lines.dropFirst().map { String($0.prefix { $0 != " " }) }
                == ["map-4k", "unmap-4k", "translate", "map-2m", "v7s-map-4k", "gpu-repeat-1t"])
        #expect(Set(lines.map(\.count)).count == 1, "rows are aligned to one width")
    }

    @Test func parsesOptions() throws {
        guard case .run(let command) = try BenchCommand.parse(["--json", "--repetitions", "3", "--case", "map-4k",
                                                               "--case", "translate"]) else {
            Issue.record("expected a run")
            return
        }
        #expect(command.json && command.repetitions == 3 && !command.scaling)
        #expect(command.cases.map(\.name) == ["map-4k", "translate"])
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
         "unknown case 'map-1t' for --case (cases: map-4k, unmap-4k, translate, map-2m, v7s-map-4k, gpu-repeat-1t)"),
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

import Foundation
import Testing

/// The output meant for people: merged dump runs, per-command help, `--explain`, file names in
/// script errors, compact exports and statistics without zero rows.
@Suite struct ReadableOutputTests {
    private func dumpLeaves(_ script: String, _ options: [String] = ["--dump"]) -> [String] {
        runScript(script, options).lines.filter { $0.contains(" leaf ") }.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func leavesThatContinueEachOtherAreOneLine() {
        let leaves = dumpLeaves("map 0x1000 0x40000000 1G rw")
        // The output is not 2M-aligned where the input is: 4K pages in 513 leaf tables (511 in
        // the first, 512 in each full one, 1 in the last), each table's pages one line.
        #expect(leaves.first == "L3 leaf va 0x1000-0x1fffff pa 0x40000000 size 4K x511 rw")
        #expect(leaves.dropFirst().first == "L3 leaf va 0x200000-0x3fffff pa 0x401ff000 size 4K x512 rw")
        #expect(leaves.last == "L3 leaf va 0x40000000-0x40000fff pa 0x7ffff000 size 4K rw")
        #expect(leaves.count == 513)
        #expect(runScript("map 0x1000 0x40000000 1G rw", ["--dump=full"]).lines.filter { $0.contains(" leaf ") }.count
                == 262_144)
    }

    @Test func runsBreakAtAGapInTheOutputOrADifferentAttribute() {
        let leaves = dumpLeaves("map 0 0x40000000 8K rw\nmap 0x2000 0x40003000 4K rw\nmap 0x3000 0x40004000 4K r")
        #expect(leaves == [
            "L3 leaf va 0x0-0x1fff pa 0x40000000 size 4K x2 rw",
            "L3 leaf va 0x2000-0x2fff pa 0x40003000 size 4K rw",
            "L3 leaf va 0x3000-0x3fff pa 0x40004000 size 4K r",
        ])
        #expect(dumpLeaves("map 0 0x40000000 8K rw", ["--dump=full"]) == [
            "L3 leaf va 0x0-0xfff pa 0x40000000 size 4K rw",
            "L3 leaf va 0x1000-0x1fff pa 0x40001000 size 4K rw",
        ])
    }

    @Test func eachCommandHasItsOwnHelp() {
        let run = pagetable(["run", "--help"])
        #expect(run.status == 0)
        #expect(run.output.hasPrefix("usage: pagetable run "))
        #expect(run.output.contains("map-list IOVA PROT"))
        #expect(!run.output.contains("pagetable bench"))
        let formats = pagetable(["formats", "--help"])
        #expect(formats.status == 0 && formats.output.hasPrefix("usage: pagetable formats\n"))
        #expect(!formats.output.contains("Script:"))
        let bench = pagetable(["bench", "--help"])
        #expect(bench.status == 0 && bench.output.hasPrefix("usage: pagetable bench "))
    }

    @Test func explainWritesReasonsToStandardErrorOnly() {
        let script = "map 0x1000 0x40000000 4K rw\nmap 0x1000 0x40000000 4K rw\nunmap 0x9000 4K\ntranslate 0x1000"
        let plain = runScript(script)
        for flag in ["--explain", "-v"] {
            let explained = runScript(script, [flag])
            #expect(explained.status == 0)
            #expect(explained.output == plain.output)
            #expect(explained.error.split(separator: "\n") == [
                "script:2: already-mapped: a mapping already exists at 0x1000",
                "script:3: not-mapped: nothing is mapped at 0x9000",
            ])
        }
        #expect(plain.error.isEmpty)
    }

    @Test func scriptErrorsNameTheFile() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("bad.pt")
            try Data("map 0 0 4K rw\nfrob 1\n".utf8).write(to: file)
            let result = pagetable(["run", "--format", "arm-lpae-64", file.path])
            #expect(result.status == 2)
            #expect(result.error.hasPrefix("\(file.path):2: unknown operation 'frob'"))
            #expect(result.output.isEmpty)
        }
    }

    @Test func compactExportsHoldOnlyTheTables() throws {
        try withTemporaryDirectory { directory in
            let result = runScript("map 0x1000 0x40000000 16K rw", ["--export", directory.path, "--export-compact"])
            #expect(result.status == 0)
            let image = try Data(contentsOf: directory.appendingPathComponent("memory.bin"))
            let manifestData = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
            let manifest = try #require(try JSONSerialization.jsonObject(with: manifestData) as? [String: Any])
            #expect(image.count == 4 * 4096)
            #expect(manifest["imageSize"] as? Int == image.count)
            #expect(manifest["imageBase"] as? String == "0x80000000")
            #expect(manifest["memorySize"] as? Int == 64 << 20)
            // The full export of the same run starts with the same bytes.
            let full = directory.appendingPathComponent("full")
            _ = runScript("map 0x1000 0x40000000 16K rw", ["--export", full.path])
            let whole = try Data(contentsOf: full.appendingPathComponent("memory.bin"))
            #expect(whole.prefix(image.count) == image)
        }
        let alone = runScript("", ["--export-compact"])
        #expect(alone.status == 2)
        #expect(alone.error.contains("'--export-compact' needs '--export DIR'"))
    }

    @Test func statisticsLeaveOutZeroRows() {
        let lines = runScript("map 0 0x40000000 4K rw", ["--stats"]).lines
        #expect(lines.contains("leaves-L3 1"))
        #expect(!lines.contains { $0.hasPrefix("leaves-L1") || $0.hasPrefix("leaves-L2") })
        #expect(lines.contains("syncs 0"))
    }
}

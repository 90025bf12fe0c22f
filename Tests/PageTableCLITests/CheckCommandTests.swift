import Foundation
import Testing
@testable import PageTableCLI
import PageTableKit

/// `pagetable check`: every problem of a loaded image, one per line, or a summary.
@Suite struct CheckCommandTests {
    /// Exports `script` on arm-lpae-64 (1M of memory) into `directory`/image; returns the image
    /// directory and the run's `--stats` lines.
    private func export(_ script: String, in directory: URL, _ options: [String] = []) -> (URL, [String]) {
        let image = directory.appendingPathComponent("image")
        let run = runScript(script, ["--memory-size", "1M", "--stats", "--export", image.path] + options)
        #expect(run.status == 0, "\(run.error)")
        return (image, run.lines)
    }

    /// Overwrites the 8-byte little-endian descriptor at physical `address` of the image's memory.bin.
    private func poke(_ image: URL, _ address: UInt64, _ descriptor: UInt64) throws {
        let file = image.appendingPathComponent("memory.bin")
        var bytes = try Data(contentsOf: file)
        let offset = Int(address - 0x8000_0000)
        for byte in 0..<8 { bytes[offset + byte] = UInt8(truncatingIfNeeded: descriptor >> (8 * UInt64(byte))) }
        try bytes.write(to: file)
    }

    @Test func aSoundImageGetsASummary() {
        withTemporaryDirectory { directory in
            let (image, stats) = export(ImageLoadTests.mappings, in: directory)
            let result = pagetable(["check", "--image", image.path, "--memory-size", "64K"])
            #expect(result.status == 0, "\(result.error)")
            let value = { (name: String) in stats.first { $0.hasPrefix(name + " ") }?.split(separator: " ").last.map(String.init) }
            let leaves = stats.filter { $0.hasPrefix("leaves-") }.compactMap { Int($0.split(separator: " ")[1]) }.reduce(0, +)
            #expect(result.lines == ["ok: \(value("tables") ?? "?") tables, \(leaves) leaves, \(value("mapped-bytes") ?? "?") bytes mapped"])
            #expect(result.error.isEmpty)
        }
    }

    @Test func everyProblemIsListedWithItsAddress() throws {
        try withTemporaryDirectory { directory in
            let (image, _) = export("map 0 0x40000000 4K rw\nmap 0x8000000000 0x40000000 4K rw", in: directory)
            // L0 entry 2 points outside the memory; L0 entry 3 points back at the L0 table.
            try poke(image, 0x8000_0010, 0x1_0000_0003)
            try poke(image, 0x8000_0018, 0x8000_0003)
            let result = pagetable(["check", "--image", image.path])
            #expect(result.status == 1)
            #expect(result.error.isEmpty)
            #expect(result.lines.count == 2, "\(result.lines)")
            #expect(result.lines.first?.hasPrefix("0x80000010: outside-memory: ") == true, "\(result.lines)")
            #expect(result.lines.last?.hasPrefix("0x80000018: loop: ") == true, "\(result.lines)")
            // run refuses the image too, listing the same problems on standard error and running nothing.
            let run = pagetable(["run", "--image", image.path, "-"], input: "translate 0")
            #expect(run.status == 1)
            #expect(run.output.isEmpty)
            #expect(run.error == result.lines.map { "pagetable: \($0)\n" }.joined())
        }
    }

    /// A real format's problems, at their descriptors: ARM LPAE with a 40-bit output size.
    @Test func anARMImageWithBadDescriptorsIsListed() throws {
        try withTemporaryDirectory { directory in
            let (image, _) = export("map 0 0x40000000 4K rw", in: directory, ["--oas", "40"])
            try poke(image, 0x8000_2008, 0x100_0000_0000 | 0x401)  // L2 block at 2^40: beyond the output size
            try poke(image, 0x8000_0008, 0x80_0000_0000 | 0x401)   // an L0 block: no such encoding with 4K
            let result = pagetable(["check", "--image", image.path])
            #expect(result.status == 1)
            #expect(result.lines.map { $0.split(separator: ":").prefix(2).joined(separator: ":") }
                        == ["0x80002008: output-out-of-range", "0x80000008: reserved-encoding"], "in walk order: \(result.lines)")
        }
    }

    @Test func aLoadedTableIsDrawn() throws {
        try withTemporaryDirectory { directory in
            let (image, _) = export("map 0 0x40000000 4K rw", in: directory)
            let dot = directory.appendingPathComponent("tables.dot")
            let drawn = runScript("map 0 0x40000000 4K rw", ["--memory-size", "1M", "--dot", dot.path])
            #expect(drawn.status == 0)
            let expected = try String(contentsOf: dot, encoding: .utf8)
            try FileManager.default.removeItem(at: dot)
            let loaded = pagetable(["run", "--image", image.path, "--dot", dot.path, "-"], input: "")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(try String(contentsOf: dot, encoding: .utf8) == expected)
        }
    }

    @Test func aRawDumpIsCheckedFromItsRootOrRegister() throws {
        try withTemporaryDirectory { directory in
            let (image, _) = export("map 0 0x40000000 4K rw", in: directory)
            let memory = image.appendingPathComponent("memory.bin").path
            let raw = ["check", "--format", "arm-lpae-64", "--memory", memory, "--memory-base", "0x80000000"]
            let byRoot = pagetable(raw + ["--root", "0x80000000"])
            #expect(byRoot.status == 0, "\(byRoot.error)")
            #expect(byRoot.lines == ["ok: 4 tables, 1 leaves, 4096 bytes mapped"])
            let byRegister = pagetable(raw + ["--register", "TTBR0=0x80000000"])
            #expect(byRegister.lines == byRoot.lines)
            // The L3 table's only leaf cleared: an empty table below the top.
            try poke(image, 0x8000_3000, 0)
            let emptied = pagetable(raw + ["--root", "0x80000000"])
            #expect(emptied.status == 1)
            #expect(emptied.lines.contains { $0.hasPrefix("0x80003000: empty-table: ") }, "\(emptied.lines)")
        }
    }

    @Test func checkTakesNoScriptAndNeedsAnImage() {
        let cases: [([String], String)] = [
            ([], "'check' needs a table to check"),
            (["--format", "arm-lpae-64"], "'check' needs a table to check"),
            (["--image", "x", "-"], "unexpected argument '-' ('check' runs no SCRIPT)"),
            (["--image", "x", "--stats"], "option '--stats' does not apply to 'check'"),
            (["--image", "x", "-v"], "option '-v' does not apply to 'check'"),
            (["--image", "x", "--export", "y"], "option '--export' does not apply to 'check'"),
            (["--image", "x", "--format", "riscv"], "drop '--format'"),
        ]
        for (arguments, message) in cases {
            let result = pagetable(["check"] + arguments)
            #expect(result.status == 2, "\(arguments)")
            #expect(result.output.isEmpty)
            #expect(result.error.contains(message), "\(result.error)")
        }
        let help = pagetable(["check", "--help"])
        #expect(help.status == 0)
        #expect(help.output.hasPrefix("usage: pagetable check --image DIR"))
        for kind in ImageProblem.Kind.allCases { #expect(help.output.contains(kind.name), "\(kind.name)") }
    }

    @Test func aBrokenManifestIsAUsageError() throws {
        try withTemporaryDirectory { directory in
            let (image, _) = export("map 0 0x40000000 4K rw", in: directory)
            let file = image.appendingPathComponent("manifest.json")
            let good = try Data(contentsOf: file)
            for (bytes, message) in [(good.prefix(40), "is not a JSON object"), (Data(), "is not a JSON object")] {
                try bytes.write(to: file)
                let result = pagetable(["check", "--image", image.path])
                #expect(result.status == 2)
                #expect(result.output.isEmpty)
                #expect(result.error.contains(message), "\(result.error)")
            }
            try FileManager.default.removeItem(at: file)
            #expect(pagetable(["check", "--image", image.path]).error.contains("cannot read image manifest"))
        }
    }

    /// Random bytes written over the tables: check answers 0 or 1 with well-formed lines, never
    /// crashes; an image it passes loads and translates.
    @Test func corruptImagesNeverCrash() throws {
        let seed = ProcessInfo.processInfo.environment["PAGETABLE_SEED"].flatMap { UInt64($0) } ?? 0x15_2026
        print("CheckCommandTests.corruptImagesNeverCrash seed \(seed) (set PAGETABLE_SEED to repeat)")
        var random = BenchRandom(seed: seed)
        let kinds = Set(ImageProblem.Kind.allCases.map(\.name))
        try withTemporaryDirectory { directory in
            let (image, _) = export(ImageLoadTests.mappings + "\nmap 0x8000000000 0x3000 16K r", in: directory,
                                    ["--export-compact"])
            let file = image.appendingPathComponent("memory.bin")
            let original = try Data(contentsOf: file)
            var outcomes = [0, 0]
            for round in 0..<150 {
                var bytes = original
                for _ in 0...(random.next() % 6) {
                    let offset = Int(random.next() % UInt64(bytes.count))
                    // Whole descriptors now and then, single bytes otherwise.
                    let width = random.next() % 3 == 0 ? 8 : 1
                    let start = width == 8 ? offset & ~7 : offset
                    // Zeros a third of the time: cleared entries, which may leave a sound table.
                    var value = random.next() % 3 == 0 ? 0 : random.next()
                    for index in start..<min(bytes.count, start + width) { bytes[index] = UInt8(value & 0xFF); value >>= 8 }
                }
                try bytes.write(to: file)
                let result = pagetable(["check", "--image", image.path, "--memory-size", "64K"])
                #expect(result.status == 0 || result.status == 1, "seed \(seed) round \(round): \(result.error)")
                if result.status == 1 {
                    outcomes[1] += 1
                    for line in result.lines {
                        let fields = line.split(separator: " ", maxSplits: 2)
                        #expect(fields.count == 3 && fields[0].hasPrefix("0x") && fields[0].hasSuffix(":")
                                && kinds.contains(String(fields[1].dropLast())), "seed \(seed) round \(round): \(line)")
                    }
                } else if result.status == 0 {
                    outcomes[0] += 1
                    let run = pagetable(["run", "--image", image.path, "--memory-size", "64K", "--dump", "-"],
                                        input: "translate 0x1000\nmap 0x7000000000 0x1000 4K rw\nunmap 0 0x100000000")
                    #expect(run.status == 0, "seed \(seed) round \(round): \(run.error)")
                }
            }
            print("CheckCommandTests.corruptImagesNeverCrash: \(outcomes[0]) sound, \(outcomes[1]) with problems")
            #expect(outcomes[1] > 0, "seed \(seed): the corruption never produced a problem")
        }
    }
}

import Foundation
import PageTableCLI
import Testing
import TeachingMMUCommand

/// The package's own `pagetable`, run in-process on its catalogue.
@Suite struct CommandTests {
    func run(_ arguments: [String], input: String = "") -> (status: Int32, output: String, error: String) {
        let output = CapturedText(), error = CapturedText()
        let status = PageTableCommand(catalog: .teaching).run(arguments: arguments, standardInput: { Array(input.utf8) },
                                                             standardOutput: output, standardError: error)
        return (status, output.text, error.text)
    }

    @Test func formatsListsTheNewFormatAfterTheBuiltInOnes() {
        let result = run(["formats"])
        #expect(result.status == 0)
        #expect(result.output.hasSuffix("""
            teaching-mmu32
              an imaginary 32-bit MMU for learning to add formats: 4K pages, 4M sections
              --caches-invalid yes|no  default no  whether the walker caches empty entries (maps are then invalidated)

            """))
        #expect(result.output.hasPrefix("arm-lpae-64\n"))
    }

    @Test func aScriptRunsWithStatisticsAndADump() {
        let script = "map 0x400000 0x80400000 4M rwc\nmap 0x1000 0x2000 8K x\ntranslate 0x401234\nunmap 0x1000 4K\n"
        let result = run(["run", "--format", "teaching-mmu32", "--memory-base", "0x10000000", "--stats", "--dump", "-"],
                         input: script)
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(4)) == ["mapped 4194304", "mapped 8192", "0x80401234", "unmapped 4096"])
        #expect(lines.contains("tables 2"))
        #expect(lines.contains("mapped-bytes 4198400"))
        #expect(lines.contains { $0.contains("L1") }, "the dump names levels as the format does")
    }

    @Test func refusedAttributesAndBadOptionsAreReported() {
        let refused = run(["run", "--format", "teaching-mmu32", "-"], input: "map 0 0 4K w\n")
        #expect(refused.output == "mapped 0 error invalid-attributes\n")
        let bad = run(["run", "--format", "teaching-mmu32", "--caches-invalid", "maybe", "-"], input: "")
        #expect(bad.status == 2 && bad.error.contains("--caches-invalid"), "\(bad.error)")
    }

    @Test func exportAndDotWriteTheirFiles() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("teaching-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dot = directory.appendingPathComponent("tables.dot").path
        let result = run(["run", "--format", "teaching-mmu32", "--memory-base", "0x10000000", "--memory-size", "1M",
                          "--export", directory.path, "--dot", dot, "-"], input: "map 0x1000 0x2000 4K r\n")
        #expect(result.status == 0, "\(result.error)")
        let manifest = try String(contentsOfFile: directory.appendingPathComponent("manifest.json").path, encoding: .utf8)
        #expect(manifest.contains("\"format\" : \"teaching-mmu32\"") || manifest.contains("\"format\": \"teaching-mmu32\""),
                "\(manifest)")
        #expect(manifest.contains("\"ROOT\""))
        let memory = try Data(contentsOf: directory.appendingPathComponent("memory.bin"))
        #expect(memory.count == 1 << 20)
        // The L1 table is first in memory; its entry 0 points at the L2 table.
        let entry = memory.prefix(4).enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
        #expect(entry & 0xFFF == 1 && entry & 0xFFFF_F000 > 0x1000_0000)
        #expect(try String(contentsOfFile: dot, encoding: .utf8).hasPrefix("digraph"))
    }
}

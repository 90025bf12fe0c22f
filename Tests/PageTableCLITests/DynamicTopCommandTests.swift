import Foundation
import Testing

/// `--dynamic-top`: the table starts with the fewest levels and grows its top as maps need
/// (arm-lpae-64, `--ias` the maximum); `top` answers `top <levels> <input-bits> <root>`,
/// `--stats` ends with `levels` and `input-bits`, the manifest records the grown table.
@Suite struct DynamicTopCommandTests {
    @Test func theTopGrowsAsMapsNeedMoreBits() throws {
        let script = """
            top
            map 0x1000 0x40001000 4K rw
            top
            map 0x10000000000 0x50000000 2M rw
            top
            translate 0x1fff
            translate 0x100001fffff
            map 0x1000000000000 0x60000000 4K rw
            unmap 0x1000 4K
            translate 0x1000
            """
        let result = runScript(script, ["--dynamic-top", "--stats"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.lines
        try #require(lines.count >= 10)
        #expect(lines[0] == "top 2 30 0x80000000" && lines[1] == "mapped 4096" && lines[2] == lines[0])
        #expect(lines[3] == "mapped 2097152" && lines[4].hasPrefix("top 4 48 0x") && lines[4] != lines[0])
        #expect(Array(lines[5...9]) == ["0x40001fff", "0x501fffff", "mapped 0 error out-of-range", "unmapped 4096",
                                        "unmapped"])
        #expect(Array(lines.suffix(2)) == ["levels 4", "input-bits 48"])
    }

    @Test func withoutTheOptionTheTopIsFixed() {
        #expect(answers("top\nmap 0x10000000000 0x50000000 4K rw\ntop") == [
            "top 4 48 0x80000000", "mapped 4096", "top 4 48 0x80000000"])
        #expect(answers("top", ["--ias", "39"]) == ["top 3 39 0x80000000"])
        #expect(answers("map 0x8000000000 0 4K rw", ["--ias", "39"]) == ["mapped 0 error out-of-range"])
        // --stats has no levels lines then.
        #expect(!runScript("top", ["--stats"]).lines.contains { $0.hasPrefix("levels ") })
    }

    @Test func runningOutOfMemoryWhileGrowingChangesNothing() {
        let script = """
            map 0x1000 0x40001000 4K rw
            fail-alloc 2
            map 0x10000000000 0x50000000 4K rw
            top
            fail-alloc off
            map 0x10000000000 0x50000000 4K rw
            translate 0x10000000000
            translate 0x1000
            """
        let lines = answers(script, ["--dynamic-top"])
        #expect(Array(lines.prefix(4)) == ["mapped 4096", "ok", "mapped 0 error out-of-memory", "top 2 30 0x80000000"])
        #expect(Array(lines.suffix(3)) == ["mapped 4096", "0x50000000", "0x40001000"])
    }

    @Test func theUpperRangeGrowsToo() {
        let lines = answers("""
            map 0xfffffffffffff000 0x40000000 4K rw
            map 0xffff000000000000 0x50000000 4K rw
            top
            translate 0xffffffffffffffff
            translate 0xffff000000000fff
            """, ["--dynamic-top", "--va-range", "upper"])
        #expect(lines.count == 5 && lines[0] == "mapped 4096" && lines[1] == "mapped 4096")
        #expect(lines[2].hasPrefix("top 4 48 0x") && Array(lines[3...]) == ["0x40000fff", "0x50000fff"])
    }

    @Test func theManifestRecordsTheGrownTable() throws {
        try withTemporaryDirectory { directory in
            let target = directory.appendingPathComponent("image")
            let result = runScript("map 0x4000000000 0x40000000 4K rw\ntop",
                                   ["--dynamic-top", "--export", target.path])
            #expect(result.status == 0, "\(result.error)")
            let text = try String(contentsOf: target.appendingPathComponent("manifest.json"), encoding: .utf8)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(manifest["ias"] as? Int == 39 && manifest["maximumIas"] as? Int == 48)
            #expect(manifest["dynamicTop"] as? String == "on")
            let root = try #require(manifest["root"] as? String)
            #expect(result.lines.last == "top 3 39 \(root)")
            let registers = try #require(manifest["registers"] as? [String: String])
            #expect(registers["TTBR0"] == root)
            let tcrText = try #require(registers["TCR"])
            let tcr = try #require(UInt64(tcrText.dropFirst(2), radix: 16))
            #expect(tcr & 0x3F == 25, "T0SZ = 64 - 39")
        }
    }

    @Test(arguments: [
        (["--format", "x86-64"], "x86-64"), (["--format", "riscv"], "riscv"), (["--format", "arm-v7s"], "arm-v7s"),
        (["--format", "gpu-lpae"], "gpu-lpae"),
    ])
    func formatsWhoseTopCannotGrowRefuseTheOption(arguments: [String], name: String) {
        let result = pagetable(["run"] + arguments + ["--dynamic-top", "-"], input: "top")
        #expect(result.status == 2 && result.output.isEmpty)
        #expect(result.error.contains("--dynamic-top does not apply to format '\(name)'"), "\(result.error)")
    }

    @Test func armConfigurationsWithoutAGrowableTopAreRefused() {
        for (options, reason) in [(["--ias", "27"], "--ias 27 is below 30"),
                                  (["--stage", "2", "--ias", "40"], "concatenates top tables")] {
            let result = runScript("top", ["--dynamic-top"] + options)
            #expect(result.status == 2 && result.error.contains(reason), "\(options): \(result.error)")
        }
        // Stage 2 where no step concatenates (4K: 30 -> 39 -> 48) grows like stage 1.
        #expect(answers("map 0x10000000000 0x40000000 4K rw\ntop", ["--dynamic-top", "--stage", "2"]).last?
                    .hasPrefix("top 4 48 0x") == true)
    }
}

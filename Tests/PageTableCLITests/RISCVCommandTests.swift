import Foundation
import Testing

/// `--format riscv`: the existing operations answer exactly as for ARM (same lines, same error
/// names), plus what is RISC-V's own: execute-only, Svnapot, Svpbmt, the G-stage and SATP/HGATP.
@Suite struct RISCVCommandTests {
    /// The lines of `script` on a `riscv` table built with `options`.
    func riscv(_ script: String, _ options: [String] = []) -> [String] {
        let result = pagetable(["run", "--format", "riscv"] + options + ["-"], input: script)
        return result.status == 0 && result.error.isEmpty ? result.lines : ["status \(result.status): \(result.error)"]
    }

    /// Every operation and every error name; Sv39 has ARM's 39-bit 4K shape (three levels, 4K,
    /// 2M and 1G leaves), so the answers are the ARM answers; the
    /// table counts are gpu-lpae's `--ias 39` (the ARM format that, like this one, shares repeat tables).
    static let everyOperation = """
        map 0x1000 0x80001000 4K rw
        map 0x200000 0x80200000 2M rx
        map 0x40000000 0x40000000 1G r
        translate 0x1abc
        translate 0x3fffff
        translate 0x7fffffff
        translate 0x3000
        map 0x1000 0x90000000 4K rw
        map 0x3000 0x90000000 4K w
        map 0x3000 0x90000000 4K -
        map 0x8000000000 0x90000000 4K rw
        map 0x3000 0x90000000 4K rw
        map 0x3001 0x90000000 4K rw
        unmap 0x200000 4K
        unmap 0x5000 4K
        unmap 0x1000 4K
        map-all 0xbffff000 0x50000000 8K rw
        map-all 0xbfffe000 0x50000000 16K rw
        reserve 0x10000000 16M
        estimate 0x20000000 4K
        release 0x10000000 16M
        release 0x10000000 16M
        repeat 0xd0000000 0x70000000 4K 4M rw
        translate 0xd0123abc
        fail-alloc 1
        map 0x8000000000 0x90000000 4K rw
        map 0x100000000 0x90000000 4K rw
        fail-alloc off
        map 0x100000000 0x90000000 4K rw
        """

    static let expected = [
        "mapped 4096", "mapped 2097152", "mapped 1073741824", "0x80001abc", "0x803fffff", "0x7fffffff", "unmapped",
        "mapped 0 error already-mapped", "mapped 0 error invalid-attributes", "mapped 0 error invalid-attributes",
        "mapped 0 error out-of-range", "mapped 4096", "mapped 0 error misaligned", "unmapped 0 error partial-leaf",
        "unmapped 0 error not-mapped", "unmapped 4096", "mapped 8192", "mapped 0 error already-mapped",
        "reserved 16777216", "tables 1", "released 16777216", "released 0 error not-mapped", "mapped 4194304",
        "0x70000abc", "ok", "mapped 0 error out-of-range", "mapped 0 error out-of-memory", "ok", "mapped 4096",
    ]

    @Test func everyOperationAnswersAsForARM() {
        let lines = riscv(Self.everyOperation, ["--mode", "sv39", "--stats"])
        #expect(Array(lines.prefix(Self.expected.count)) == Self.expected)
        let arm = pagetable(["run", "--format", "gpu-lpae", "--ias", "39", "--stats", "-"], input: Self.everyOperation)
        let statistics = { (lines: [String]) in lines.dropFirst(Self.expected.count).filter {
            ["tables ", "table-bytes ", "mapped-bytes "].contains(where: $0.hasPrefix) } }
        #expect(Array(arm.lines.prefix(Self.expected.count)) == Self.expected)
        #expect(statistics(lines) == statistics(arm.lines) && !statistics(lines).isEmpty)
    }

    /// Sv48 (the default) and Sv57 take the same script with their wider input spaces: the
    /// top page of the 64-bit space is canonical, the first address above the lower half is not.
    @Test(arguments: ["sv48", "sv57"])
    func widerModesMapHighAddresses(mode: String) {
        let half: UInt64 = mode == "sv48" ? 1 << 47 : 1 << 56
        let script = "map 0xfffffffffffff000 0x80000000 4K rw\ntranslate 0xffffffffffffffff\n"
            + "map 0x\(String(half, radix: 16)) 0x80000000 4K rw\nmap 0x8000000000 0x8000000000 512G rwx\n"
            + "translate 0x8000000123\nmap 0x\(String(half - 0x1000, radix: 16)) 0x80000000 8K rw\n"
            + "map 0x\(String(0 &- half, radix: 16)) 0x80000000 4K rw\ntranslate 0x\(String(half | 0x123, radix: 16))"
        #expect(riscv(script, ["--mode", mode]) == ["mapped 4096", "0x80000fff", "mapped 0 error out-of-range",
                                                   "mapped 549755813888", "0x8000000123", "mapped 0 error out-of-range",
                                                   "mapped 4096", "unmapped"])
        #expect(riscv(script, ["--mode", mode]) == riscv(script, ["--mode", mode.uppercased()]))
    }

    /// Execute-only is allowed; W without R is not; `c` and `d` need Svpbmt.
    @Test func permissionsAndMemoryTypes() {
        let script = "map 0 0x80000000 4K x\nmap 0x1000 0x80000000 4K wx\nmap 0x2000 0x80000000 4K rc\n"
            + "map 0x3000 0x80000000 4K rwd\nmap 0x4000 0x80000000 4K rxp"
        #expect(riscv(script) == ["mapped 4096", "mapped 0 error invalid-attributes", "mapped 0 error invalid-attributes",
                                  "mapped 0 error invalid-attributes", "mapped 4096"])
        #expect(riscv(script, ["--svpbmt"]) == ["mapped 4096", "mapped 0 error invalid-attributes", "mapped 4096",
                                                "mapped 4096", "mapped 4096"])
        // The G-stage has no supervisor-only pages.
        #expect(riscv("map 0 0x80000000 4K rp\nmap 0 0x80000000 4K r", ["--stage", "2"])
                == ["mapped 0 error invalid-attributes", "mapped 4096"])
    }

    /// Svnapot: an aligned 64K range becomes one 16-entry NAPOT leaf.
    @Test func svnapotBuildsSixtyFourKiBLeaves() {
        let script = "map 0x10000 0x90010000 64K rw\nunmap 0x14000 4K\ntranslate 0x1fabc"
        #expect(riscv(script, ["--svnapot", "--stats"]).prefix(3) == ["mapped 65536", "unmapped 0 error partial-leaf", "0x9001fabc"])
        #expect(riscv(script, ["--stats"]).prefix(3) == ["mapped 65536", "unmapped 4096", "0x9001fabc"])
        #expect(riscv(script, ["--svnapot", "--dump"]).contains("        L0 leaf va 0x10000-0x1ffff pa 0x90010000 size 64K rw"))
        let twice = pagetable(["run", "--format", "riscv", "--svnapot", "--svnapot", "-"])
        #expect(twice.status == 2 && twice.error == "pagetable: option '--svnapot' is given more than once\n")
        let wrongFormat = pagetable(["run", "--format", "x86-64", "--svnapot", "-"])
        #expect(wrongFormat.status == 2 && wrongFormat.error == "pagetable: option '--svnapot' does not apply to format 'x86-64'\n")
    }

    /// The G-stage: a 16K root with 2048 entries covering 41 bits for Sv39x4.
    @Test func gStageRootIsSixteenKiB() {
        let lines = riscv("map 0x1ffffffff000 0x80000000 4K rw\nmap 0x20000000000 0x80000000 4K rw",
                          ["--mode", "sv39", "--stage", "2", "--stats"])
        #expect(Array(lines.prefix(4)) == ["mapped 0 error out-of-range", "mapped 0 error out-of-range",
                                           "tables 1", "table-bytes 16384"])
        #expect(riscv("map 0x1fffffff000 0x80000000 4K rw", ["--mode", "sv39", "--stage", "2"]) == ["mapped 4096"])
    }

    @Test func badOptionValuesAreUsageErrors() {
        let mode = pagetable(["run", "--format", "riscv", "--mode", "sv32", "-"])
        #expect(mode.status == 2 && mode.error == "pagetable: bad value 'sv32' for --mode (expected one of: sv39, sv48, sv57)\n")
        let stage = pagetable(["run", "--format", "riscv", "--stage", "3", "-"])
        #expect(stage.status == 2 && stage.error == "pagetable: bad value '3' for --stage (expected one of: 1, 2)\n")
    }

    /// The manifest: format, mode, stage, and SATP or HGATP.
    @Test func exportWritesTheManifest() throws {
        try withTemporaryDirectory { directory in
            for (options, mode, stage, register, value) in [
                (["--mode", "sv39"], "sv39", 1, "SATP", "0x8000000000080000"),
                ([], "sv48", 1, "SATP", "0x9000000000080000"),
                (["--mode", "sv57", "--stage", "2"], "sv57", 2, "HGATP", "0xa000000000080000"),
            ] {
                let folder = directory.appendingPathComponent(mode).path
                #expect(pagetable(["run", "--format", "riscv", "--export", folder] + options + ["-"], input: "").status == 0)
                let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))
                let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                #expect(manifest["format"] as? String == "riscv")
                #expect(manifest["mode"] as? String == mode)
                #expect(manifest["stage"] as? Int == stage)
                #expect(manifest["registers"] as? [String: String] == [register: value])
            }
        }
    }
}

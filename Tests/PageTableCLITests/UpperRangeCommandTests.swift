import Foundation
import Testing

/// `--va-range upper` on `arm-lpae-64` and canonical (sign-extended) addresses on `riscv` and
/// `x86-64`: scripts name full 64-bit addresses, and answers and dumps print them.
@Suite struct UpperRangeCommandTests {
    func run(_ format: String, _ script: String, _ options: [String] = []) -> Invocation {
        pagetable(["run", "--format", format] + options + ["-"], input: script)
    }

    static let upperScript = """
        map 0xffffff8000000000 0x40000000 2M rw
        translate 0xffffff8000001234
        map 0xfffffffffffff000 0x50000000 4K rw
        translate 0xffffffffffffffff
        map 0x1000 0x40000000 4K rw
        map 0xfffffffffffff000 0 8K rw
        map 0xffffff8000001000 0 4K rw
        protect 0xffffff8000000000 2M r
        estimate 0xffffffffffe00000 4K
        map-list 0xffffff8000200000 rw 0x60000000:4K 0x60001000:4K
        unmap 0xffffff8000200000 8K
        translate 0x1000
        """

    @Test func upperRangeTablesTakeFullAddresses() {
        let result = run("arm-lpae-64", Self.upperScript, ["--va-range", "upper", "--ias", "39", "--dump"])
        #expect(result.status == 0 && result.error.isEmpty, "\(result.error)")
        #expect(Array(result.lines.prefix(12)) == [
            "mapped 2097152", "0x40001234", "mapped 4096", "0x50000fff", "mapped 0 error out-of-range",
            "mapped 0 error out-of-range", "mapped 0 error already-mapped", "protected 2097152", "tables 0",
            "mapped 8192", "unmapped 8192", "unmapped",
        ])
        #expect(result.lines.contains("L1 table 0x80000000 va 0xffffff8000000000-0xffffffffffffffff 4096 bytes"))
        #expect(result.lines.contains("    L2 leaf va 0xffffff8000000000-0xffffff80001fffff pa 0x40000000 size 2M r"))
        #expect(result.lines.contains("      L3 leaf va 0xfffffffffffff000-0xffffffffffffffff pa 0x50000000 size 4K rw"))
    }

    @Test func lowerIsTheDefaultAndUpperAddressesAreOutOfRangeThere() {
        let script = "map 0xffffff8000000000 0x40000000 4K rw\nmap 0 0x40000000 4K rw"
        #expect(run("arm-lpae-64", script, ["--ias", "39"]).lines == ["mapped 0 error out-of-range", "mapped 4096"])
        #expect(run("arm-lpae-64", script, ["--ias", "39", "--va-range", "lower"]).lines
                == ["mapped 0 error out-of-range", "mapped 4096"])
    }

    @Test func stageTwoAndGPUTablesHaveNoUpperRange() {
        let stage2 = run("arm-lpae-64", "", ["--stage", "2", "--va-range", "upper"])
        #expect(stage2.status == 2 && stage2.error.contains("stage 2 has no upper range"), "\(stage2.error)")
        let gpu = run("gpu-lpae", "", ["--va-range", "upper"])
        #expect(gpu.status == 2 && gpu.error.contains("--va-range"), "\(gpu.error)")
        let wrong = run("arm-lpae-64", "", ["--va-range", "middle"])
        #expect(wrong.status == 2 && wrong.error.contains("--va-range"), "\(wrong.error)")
    }

    @Test func theExplanationNamesTheRange() {
        let result = run("arm-lpae-64", "map 0x1000 0 4K rw", ["--va-range", "upper", "--explain"])
        #expect(result.lines == ["mapped 0 error out-of-range"])
        #expect(result.error.contains("upper 48-bit input range"), "\(result.error)")
    }

    /// Upper-range export: the manifest carries `TTBR1` and a TCR with EPD0, and `vaRange`.
    @Test func theManifestCarriesTTBR1() throws {
        try withTemporaryDirectory { directory in
            let result = run("arm-lpae-64", "map 0xffff000000000000 0x40000000 4K rw",
                             ["--va-range", "upper", "--memory-size", "1M", "--export", directory.path])
            #expect(result.lines == ["mapped 4096"])
            let text = try String(contentsOf: directory.appendingPathComponent("manifest.json"), encoding: .utf8)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(manifest["vaRange"] as? String == "upper")
            let registers = try #require(manifest["registers"] as? [String: String])
            #expect(Set(registers.keys) == ["TTBR1", "TCR", "MAIR"])
            #expect(registers["TTBR1"] == manifest["root"] as? String)
            #expect(registers["TCR"] == "0x5b5100080")
        }
    }

    @Test func signExtendedFormatsTakeCanonicalAddresses() {
        let script = """
            map 0xffff800000000000 0x40000000 2M rw
            translate 0xffff800000001234
            map 0x800000000000 0x40000000 4K rw
            map 0x7ffffffff000 0x40000000 8K rw
            map 0x7ffffffff000 0x50000000 4K rw
            translate 0x7fffffffffff
            map 0xfffffffffffff000 0x60000000 4K rw
            translate 0xffffffffffffffff
            """
        let expected = ["mapped 2097152", "0x40001234", "mapped 0 error out-of-range", "mapped 0 error out-of-range",
                        "mapped 4096", "0x50000fff", "mapped 4096", "0x60000fff"]
        let x86 = run("x86-64", script, ["--dump"])
        #expect(Array(x86.lines.prefix(expected.count)) == expected, "\(x86.error)")
        #expect(x86.lines.contains { $0.hasPrefix("PML4 table ") && $0.hasSuffix(
            "va 0x0-0x7fffffffffff,0xffff800000000000-0xffffffffffffffff 4096 bytes") })
        #expect(x86.lines.contains("      PD leaf va 0xffff800000000000-0xffff8000001fffff pa 0x40000000 size 2M rw"))
        let riscv = run("riscv", script, ["--mode", "sv48"])
        #expect(Array(riscv.lines.prefix(expected.count)) == expected, "\(riscv.error)")
        // The G-stage's guest physical addresses are not sign-extended.
        let gstage = run("riscv", "map 0xffff800000000000 0x40000000 4K rw\nmap 0x800000000000 0x40000000 4K rw",
                         ["--stage", "2", "--mode", "sv48"])
        #expect(gstage.lines == ["mapped 0 error out-of-range", "mapped 4096"])
    }
}

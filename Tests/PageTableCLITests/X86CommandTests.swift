import Foundation
import Testing

/// `--format x86-64`: the existing operations answer exactly as for ARM (same lines, same
/// error names), plus x86's own rules and the CR3/CR4/EFER/PAT manifest.
@Suite struct X86CommandTests {
    func x86(_ script: String, _ options: [String] = []) -> [String] {
        let result = pagetable(["run", "--format", "x86-64"] + options + ["-"], input: script)
        return result.status == 0 && result.error.isEmpty ? result.lines : ["status \(result.status): \(result.error)"]
    }

    /// Every operation and every error name. 4-level paging has ARM's 48-bit 4K shape, so the
    /// answers are the ARM answers, and the table counts gpu-lpae's (which, like x86-64, shares
    /// repeat tables).
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
        map 0x3000 0x90000000 4K x
        map 0x1000000000000 0x90000000 4K rw
        map 0x3000 0x90000000 4K rw
        map 0x3001 0x90000000 4K rw
        unmap 0x200000 4K
        unmap 0x5000 4K
        unmap 0x1000 4K
        map-all 0xbffff000 0x50000000 8K rwc
        map-all 0xbfffe000 0x50000000 16K rwd
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
        map 0x8000000000 0x90000000 4K rw
        """

    static let expected = [
        "mapped 4096", "mapped 2097152", "mapped 1073741824", "0x80001abc", "0x803fffff", "0x7fffffff", "unmapped",
        "mapped 0 error already-mapped", "mapped 0 error invalid-attributes", "mapped 0 error invalid-attributes",
        "mapped 0 error out-of-range", "mapped 4096", "mapped 0 error misaligned", "unmapped 0 error partial-leaf",
        "unmapped 0 error not-mapped", "unmapped 4096", "mapped 8192", "mapped 0 error already-mapped",
        "reserved 16777216", "tables 1", "released 16777216", "released 0 error not-mapped", "mapped 4194304",
        "0x70000abc", "ok", "mapped 0 error out-of-memory", "mapped 0 error out-of-memory", "ok", "mapped 4096",
    ]

    @Test func everyOperationAnswersAsForARM() {
        let lines = x86(Self.everyOperation, ["--stats"])
        #expect(Array(lines.prefix(Self.expected.count)) == Self.expected)
        let arm = pagetable(["run", "--format", "gpu-lpae", "--stats", "-"], input: Self.everyOperation)
        let statistics = { (lines: [String]) in lines.dropFirst(Self.expected.count).filter {
            ["tables ", "table-bytes ", "mapped-bytes "].contains(where: $0.hasPrefix) } }
        #expect(Array(arm.lines.prefix(Self.expected.count)) == Self.expected)
        #expect(statistics(lines) == statistics(arm.lines) && !statistics(lines).isEmpty)
        #expect(lines.contains("tables-PML4 1") && lines.contains("leaves-PDPT 1"))
    }

    /// 5-level paging covers 57 bits.
    @Test func fiveLevelsMapAbove48Bits() {
        let script = "map 0x1000000000000 0x80000000 4K rw\ntranslate 0x1000000000fff\nmap 0x200000000000000 0x80000000 4K rw"
        #expect(x86(script, ["--levels", "5"]) == ["mapped 4096", "0x80000fff", "mapped 0 error out-of-range"])
        #expect(x86(script) == ["mapped 0 error out-of-range", "unmapped", "mapped 0 error out-of-range"])
    }

    /// Output addresses above MAXPHYADDR are out of range.
    @Test func outputSizeLimitsPhysicalAddresses() {
        #expect(x86("map 0 0xfffffff000 4K rw\nmap 0x1000 0x10000000000 4K rw", ["--oas", "40"])
                == ["mapped 4096", "mapped 0 error out-of-range"])
        let bad = pagetable(["run", "--format", "x86-64", "--oas", "56", "-"])
        #expect(bad.status == 2 && bad.error == "pagetable: invalid x86-64 configuration: --oas 56: must be 32...52\n")
        let levels = pagetable(["run", "--format", "x86-64", "--levels", "3", "-"])
        #expect(levels.status == 2 && levels.error == "pagetable: bad value '3' for --levels (expected one of: 4, 5)\n")
    }

    /// The manifest: format, levels, and CR3, CR4, EFER and PAT as hex strings.
    @Test(arguments: [4, 5])
    func exportWritesTheManifest(levels: Int) throws {
        try withTemporaryDirectory { directory in
            let folder = directory.path
            #expect(pagetable(["run", "--format", "x86-64", "--levels", "\(levels)", "--export", folder, "-"], input: "").status == 0)
            let data = try Data(contentsOf: URL(fileURLWithPath: folder + "/manifest.json"))
            let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
            #expect(manifest["format"] as? String == "x86-64")
            #expect(manifest["levels"] as? Int == levels)
            #expect(manifest["registers"] as? [String: String] == [
                "CR3": "0x80000000", "CR4": levels == 5 ? "0x1020" : "0x20", "EFER": "0x900", "PAT": "0x7040100070406"])
        }
    }
}

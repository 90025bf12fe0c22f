import Foundation
import Testing

/// `--format gpu-lpae`, the `repeat` operation, `shared-tables`, the folded `--dump` and `--dot`.
@Suite struct GPUCommandTests {
    /// The contract: 1 TiB of one 4K page at 1 TiB.
    static let contract = "repeat 0x10000000000 0x60000000 4K 1T rw"

    /// The lines of `script` run on a `gpu-lpae` table built with `options`.
    func gpu(_ script: String, _ options: [String] = []) -> [String] {
        let result = pagetable(["run", "--format", "gpu-lpae"] + options + ["-"], input: script)
        return result.status == 0 && result.error.isEmpty ? result.lines : ["status \(result.status): \(result.error)"]
    }

    /// The value of statistic `name` among `lines`.
    static func statistic(_ name: String, _ lines: [String]) -> Int? {
        lines.last { $0.hasPrefix(name + " ") }.flatMap { Int($0.dropFirst(name.count + 1)) }
    }

    @Test func isListedWithItsOptions() {
        let listing = pagetable(["formats"])
        #expect(listing.status == 0)
        #expect(listing.output.contains("""

            gpu-lpae
              GPU tables (Mali CSF): ARM LPAE stage 1, 4K granule, shared tables for repeat mappings
              --ias N           default 48   input-address (GPU VA) size in bits
              --oas N           default 48   output-address size in bits
              --dirty-tracking  default off  refused: shared repeat tables and dirty tracking exclude each other

            """))
        let help = pagetable(["--help"]).output
        #expect(help.contains("Options of --format gpu-lpae:"))
        #expect(help.contains("repeat IOVA PA PAGESIZE SIZE PROT") && help.contains("--dot FILE"))
    }

    /// One tebibyte of one page: four tables (top, L1, L2, L3); the L1 is shared by two top
    /// entries, the L2 and L3 by 512 entries each.
    @Test func repeatingOneTebibyteTakesFourTables() {
        let lines = gpu(Self.contract + "\ntranslate 0x10000000000\ntranslate 0x15555555abc\ntranslate 0x1ffffffffff\n"
                        + "translate 0xffffffffff\ntranslate 0x20000000000", ["--stats"])
        #expect(Array(lines.prefix(10)) == [
            "mapped 1099511627776", "0x60000000", "0x60000abc", "0x60000fff", "unmapped", "unmapped",
            "tables 4", "table-bytes 16384", "mapped-bytes 1099511627776", "syncs 0",
        ])
        #expect(Self.statistic("tables", lines).map { $0 <= 8 } == true)
        #expect(Self.statistic("shared-tables", lines) == 3)
        #expect(Array(lines.dropFirst(10)) == [
            "cache-cleans 0", "shared-tables 3", "tables-L0 1", "tables-L1 1", "tables-L2 1", "tables-L3 1",
            "leaves-L3 268435456",
        ])
    }

    /// Punching a 4K hole copies one table per level below the top (the path to the hole);
    /// mapping a real page into the hole needs no more.
    @Test func punchingAHoleAndRemappingItStaysWithinSixteenTables() {
        let hole = "0x10123456000"
        let punched = gpu(Self.contract + "\nunmap \(hole) 4K\ntranslate \(hole)\ntranslate 0x10123457000\n"
                          + "translate 0x10123455fff\ntranslate 0x18123456000", ["--stats"])
        #expect(Array(punched.prefix(6)) == ["mapped 1099511627776", "unmapped 4096", "unmapped", "0x60000000",
                                             "0x60000fff", "0x60000000"])
        #expect(Self.statistic("tables", punched).map { $0 <= 16 } == true)
        #expect(Self.statistic("tables", punched) == 7, "the L1, L2 and L3 on the hole's path are copied")
        #expect(Self.statistic("mapped-bytes", punched) == (1 << 40) - 4096)

        let remapped = gpu(Self.contract + "\nunmap \(hole) 4K\nmap \(hole) 0x70000000 4K rw\ntranslate 0x10123456abc\n"
                           + "translate 0x10123457abc", ["--stats"])
        #expect(Array(remapped.prefix(5)) == ["mapped 1099511627776", "unmapped 4096", "mapped 4096", "0x70000abc",
                                              "0x60000abc"])
        #expect(Self.statistic("tables", remapped).map { $0 <= 16 } == true)
        #expect(Self.statistic("mapped-bytes", remapped) == 1 << 40)
    }

    @Test func unmappingTheWholeTebibyteLeavesOneTable() {
        let lines = gpu(Self.contract + "\nunmap 0x10000000000 1T\ntranslate 0x10000000000", ["--stats"])
        #expect(Array(lines.prefix(6)) == ["mapped 1099511627776", "unmapped 1099511627776", "unmapped",
                                           "tables 1", "table-bytes 4096", "mapped-bytes 0"])
        #expect(Self.statistic("shared-tables", lines) == 0)
        let punched = gpu(Self.contract + "\nunmap 0x10123456000 4K\nmap 0x10123456000 0x70000000 4K rw\n"
                          + "unmap 0x10000000000 1T", ["--stats"])
        #expect(Array(punched.prefix(5)) == ["mapped 1099511627776", "unmapped 4096", "mapped 4096",
                                             "unmapped 1099511627776", "tables 1"])
    }

    /// A 2 MiB page repeats as shared tables of 2 MiB blocks.
    @Test func twoMebibytePagesRepeatAsBlocks() {
        let lines = gpu("repeat 0x10000000000 0x60000000 2M 1T rwc\ntranslate 0x10012345678", ["--stats"])
        #expect(Array(lines.prefix(3)) == ["mapped 1099511627776", "0x60145678", "tables 3"])
        #expect(Self.statistic("shared-tables", lines) == 2)
        #expect(Self.statistic("leaves-L2", lines) == 1 << 19)
    }

    /// `repeat` answers like `map`: exact prefixes and error names.
    @Test func repeatAnswersLikeMap() {
        let script = """
            repeat 0 0x60000000 64K 1M rw
            repeat 0x1000 0x60000000 2M 4M rw
            repeat 0 0x60000800 4K 8K rw
            repeat 0 0x60000000 4K 6K rw
            repeat 0xfffffffff000 0x60000000 4K 8K rw
            repeat 0 0x1000000000000 4K 4K rw
            repeat 0 0x60000000 4K 8K x
            repeat 0 0x60000000 4K 8K rwcd
            map 0x3000 0x40000000 4K rw
            repeat 0 0x60000000 4K 16K r
            translate 0x2fff
            translate 0x3000
            """
        #expect(gpu(script) == [
            "mapped 0 error misaligned", "mapped 0 error misaligned", "mapped 0 error misaligned",
            "mapped 0 error misaligned", "mapped 0 error out-of-range", "mapped 0 error out-of-range",
            "mapped 0 error invalid-attributes", "mapped 0 error invalid-attributes", "mapped 4096",
            "mapped 12288 error already-mapped", "0x60000fff", "0x40000000",
        ])
    }

    /// Formats without shared tables repeat with private tables.
    @Test func otherFormatsRepeatWithPrivateTables() {
        let lines = answers("repeat 0 0x60000000 4K 4M rw\ntranslate 0x3fffff", ["--stats"])
        #expect(Array(lines.prefix(3)) == ["mapped 4194304", "0x60000fff", "tables 5"])
        #expect(Self.statistic("shared-tables", lines) == 0)
        let v7s = pagetable(["run", "--format", "arm-v7s", "--stats", "-"], input: "repeat 0 0x60000000 4K 2M rw")
        #expect(v7s.lines.prefix(2) == ["mapped 2097152", "tables 3"])
    }

    @Test func repeatSyntax() {
        for (line, message) in [
            ("repeat 0 0 4K 4K", "script:1: 'repeat' takes 5 operands (repeat IOVA PA PAGESIZE SIZE PROT), got 4"),
            ("repeat 0 0 4K 4K rw rw", "script:1: 'repeat' takes 5 operands (repeat IOVA PA PAGESIZE SIZE PROT), got 6"),
            ("repeat 0 0 4Q 4K rw", "script:1: bad number '4Q'"),
            ("repeat 0 0 4K 4K rz", "script:1: bad protection 'rz'"),
        ] {
            let result = pagetable(["run", "--format", "gpu-lpae", "-"], input: line)
            #expect(result.status == 2 && result.output.isEmpty, "\(line)")
            #expect(result.error.hasPrefix(message), "\(line): \(result.error)")
        }
    }

    @Test func theInputSizeIsConfigurable() {
        let lines = gpu("repeat 0 0x60000000 4K 512G rw\nrepeat 0x8000000000 0x60000000 4K 4K rw", ["--ias", "39", "--stats"])
        #expect(Array(lines.prefix(3)) == ["mapped 549755813888", "mapped 0 error out-of-range", "tables 3"])
        #expect(Self.statistic("shared-tables", lines) == 2)
        #expect(Self.statistic("tables-L1", lines) == 1, "a 39-bit walk starts at L1")
        let refused = pagetable(["run", "--format", "gpu-lpae", "--ias", "52", "-"])
        #expect(refused.status == 2 && refused.error.hasPrefix("pagetable: invalid gpu-lpae configuration: --ias 52"))
        let granule = pagetable(["run", "--format", "gpu-lpae", "--granule", "64k", "-"])
        #expect(granule.status == 2 && granule.error == "pagetable: option '--granule' does not apply to format 'gpu-lpae'\n")
    }

    /// The dump shows a shared table once; later entries pointing at it fold into one line.
    @Test func theDumpOfAHugeRepeatStaysShort() {
        let lines = gpu(Self.contract, ["--dump"])
        #expect(lines.count == 1 + 3 + 1 + 512 + 3)
        #expect(Array(lines.prefix(5)) == [
            "mapped 1099511627776",
            "L0 table 0x80000000 va 0x0-0xffffffffffff 4096 bytes",
            "  L1 table 0x80003000 va 0x10000000000-0x17fffffffff 4096 bytes, shared by 2 entries",
            "    L2 table 0x80002000 va 0x10000000000-0x1003fffffff 4096 bytes, shared by 512 entries",
            "      L3 table 0x80001000 va 0x10000000000-0x100001fffff 4096 bytes, shared by 512 entries",
        ])
        #expect(lines[5] == "        L3 leaf va 0x10000000000-0x10000000fff pa 0x60000000 size 4K rw")
        #expect(Array(lines.suffix(3)) == [
            "      L3 table 0x80001000 va 0x10000200000-0x1003fffffff (shared by 512 entries, shown above) x511",
            "    L2 table 0x80002000 va 0x10040000000-0x17fffffffff (shared by 512 entries, shown above) x511",
            "  L1 table 0x80003000 va 0x18000000000-0x1ffffffffff (shared by 2 entries, shown above)",
        ])
    }

    /// Runs `script` with `--dot` and returns the digraph's text.
    func dot(_ script: String, format: String = "gpu-lpae") throws -> String {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("tables.dot")
            let result = pagetable(["run", "--format", format, "--dot", file.path, "-"], input: script)
            #expect(result.status == 0 && result.error.isEmpty)
            return try String(contentsOf: file, encoding: .utf8)
        }
    }

    /// The node names and edges (`parent -> child` with their labels) of a digraph.
    static func graph(_ text: String) -> (nodes: [String: String], edges: [String]) {
        var nodes: [String: String] = [:], edges: [String] = []
        for line in text.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            if line.contains(" -> ") {
                edges.append(String(line.dropLast()))
            } else if let bracket = line.firstIndex(of: "["), line.hasPrefix("t"),
                      let start = line.range(of: "label=\"")?.upperBound {
                let name = line[..<bracket].trimmingCharacters(in: .whitespaces)
                nodes[name] = String(line[start...].prefix { $0 != "\"" })
            }
        }
        return (nodes, edges)
    }

    @Test func theDotOfTheContractShowsOneNodePerTable() throws {
        let text = try dot(Self.contract)
        #expect(text.hasPrefix("digraph pagetable {\n") && text.hasSuffix("}\n"))
        let (nodes, edges) = Self.graph(text)
        #expect(nodes == [
            "t80000000": "L0 0x80000000",
            "t80003000": "L1 0x80003000\\nshared x2",
            "t80002000": "L2 0x80002000\\nshared x512",
            "t80001000": "L3 0x80001000\\nshared x512\\nleaves 512 x 4K",
        ])
        #expect(edges == [
            "t80000000 -> t80003000 [label=\"x2\"]",
            "t80003000 -> t80002000 [label=\"x512\"]",
            "t80002000 -> t80001000 [label=\"x512\"]",
        ])
    }

    /// 1 TiB starting 4K after a 2M boundary: private tables at both ends, and the shared L2 and
    /// L3 are each one node with two incoming edges (from a private table and from the chain).
    @Test func aSharedTableIsOneNodeWithSeveralIncomingEdges() throws {
        let (nodes, edges) = Self.graph(try dot("repeat 0x10000001000 0x60000000 4K 1T rw"))
        #expect(nodes.count == 10)
        let shared = nodes.filter { $0.value.contains("shared x") }
        #expect(shared.count == 2)
        for (name, label) in shared {
            let incoming = edges.filter { $0.contains("-> \(name) ") || $0.hasSuffix("-> \(name)") }
            #expect(incoming.count == 2, "\(label): \(incoming)")
            #expect(label.contains("shared x1023"), "511 entries of a private table and 512 of the chain")
            #expect(Set(incoming.map { $0.components(separatedBy: "label=").last ?? "" }) == ["\"x511\"]", "\"x512\"]"])
        }
        #expect(nodes.values.filter { $0.hasPrefix("L3 ") && !$0.contains("shared") }.sorted()
                == ["L3 0x80003000\\nleaves 511 x 4K", "L3 0x80009000\\nleaves 1 x 4K"])
    }

    @Test func everyFormatDrawsItsTree() throws {
        let (nodes, edges) = Self.graph(try dot("map 0 0x40000000 8K rw\nmap 0x200000 0x40200000 2M rw", format: "arm-lpae-64"))
        #expect(nodes.count == 4 && edges.count == 3)
        #expect(nodes["t80002000"] == "L2 0x80002000\\nleaves 1 x 2M")
        #expect(nodes["t80003000"] == "L3 0x80003000\\nleaves 2 x 4K")
        #expect(!edges.contains { $0.contains("label") })
        let empty = Self.graph(try dot("", format: "arm-v7s"))
        #expect(empty.nodes.count == 1 && empty.edges.isEmpty)
    }

    @Test func aDotFileThatCannotBeWrittenFailsLikeAnExport() {
        withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("missing/tables.dot").path
            let result = pagetable(["run", "--format", "gpu-lpae", "--dot", file, "-"], input: Self.contract)
            #expect(result.status == 1)
            #expect(result.lines == ["mapped 1099511627776"], "the answers are printed first")
            #expect(result.error.hasPrefix("pagetable: cannot write '\(file)'"))
        }
        let missing = pagetable(["run", "--format", "gpu-lpae", "-", "--dot"])
        #expect(missing.status == 2 && missing.error == "pagetable: option '--dot' needs a value\n")
    }

    /// The exported image is an arm-lpae-64 stage-1 image in which the two top entries of
    /// the repeat point at the same L1 table.
    @Test func theExportIsAnARMLPAEStage1Image() throws {
        try withTemporaryDirectory { directory in
            let result = pagetable(["run", "--format", "gpu-lpae", "--memory-size", "1M", "--export", directory.path, "-"],
                                   input: Self.contract)
            #expect(result.status == 0)
            let text = try String(contentsOf: directory.appendingPathComponent("manifest.json"), encoding: .utf8)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(manifest["format"] as? String == "gpu-lpae")
            #expect(manifest["granule"] as? String == "4k" && manifest["stage"] as? Int == 1)
            #expect(manifest["ias"] as? Int == 48 && manifest["oas"] as? Int == 48)
            #expect(manifest["registers"] as? [String: String]
                    == ["TTBR0": "0x80000000", "TCR": "0x500803510", "MAIR": "0xf404ff44"])
            let image = try Data(contentsOf: directory.appendingPathComponent("memory.bin"))
            func word(_ address: UInt64) -> UInt64 {
                let offset = Int(address - 0x8000_0000)
                return image[offset..<offset + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            }
            #expect(word(0x8000_0000 + 2 * 8) == 0x8000_3003 && word(0x8000_0000 + 3 * 8) == 0x8000_3003)
            #expect(word(0x8000_0000 + 4 * 8) == 0)
            #expect((0..<512).allSatisfy { word(0x8000_3000 + UInt64($0) * 8) == 0x8000_2003 })
            #expect((0..<512).allSatisfy { word(0x8000_2000 + UInt64($0) * 8) == 0x8000_1003 })
            #expect((0..<512).allSatisfy { word(0x8000_1000 + UInt64($0) * 8) == 0x0060_0000_6000_0E43 })
        }
    }
}

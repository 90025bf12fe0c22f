import Foundation
import Testing

/// `--format arm-v7s`: the ARMv7 short-descriptor format on the command line.
@Suite struct ARMv7ShortCommandTests {
    /// The answers of `script` on an `arm-v7s` table built with `options`.
    func v7s(_ script: String, _ options: [String] = []) -> [String] {
        let result = pagetable(["run", "--format", "arm-v7s"] + options + ["-"], input: script)
        return result.status == 0 ? result.lines : ["status \(result.status): \(result.error)"]
    }

    /// The standard error of a run that must fail with a usage error.
    func usageError(_ options: [String]) -> String {
        let result = pagetable(["run", "--format", "arm-v7s"] + options + ["-"], input: "")
        return result.status == 2 && result.output.isEmpty ? result.error : "status \(result.status): \(result.output)"
    }

    @Test func isListedWithItsOption() {
        let listing = pagetable(["formats"])
        #expect(listing.status == 0)
        #expect(listing.output.contains("""

            arm-v7s
              ARMv7 short-descriptor translation tables (4K/64K pages, 1M/16M sections), 32-bit
              --table-zone-size BYTES  default 1M  low-memory zone at the memory base that 1K L2 tables are carved from

            """))
        #expect(pagetable(["--help"]).output.contains("Options of --format arm-v7s:"))
    }

    @Test func mapsEveryLeafSize() {
        let script = """
            map 0x1000 0x40001000 4K rw
            map 0x10000 0x40010000 64K rwx
            map 0x100000 0x40100000 1M rc
            map 0x1000000 0x41000000 16M rwd
            translate 0x1fff
            translate 0x1abcd
            translate 0x1fffff
            translate 0x1abcdef
            translate 0x2000000
            """
        let lines = v7s(script, ["--stats"])
        #expect(lines.prefix(12) == [
            "mapped 4096", "mapped 65536", "mapped 1048576", "mapped 16777216",
            "0x40001fff", "0x4001abcd", "0x401fffff", "0x41abcdef", "unmapped",
            "tables 2", "table-bytes 17408", "mapped-bytes 17895424",
        ])
        for line in ["shared-tables 0", "tables-L1 1", "tables-L2 1", "leaves-L1 2", "leaves-L2 2"] {
            #expect(lines.contains(line), "\(line)")
        }
    }

    /// The second L2 table of a map across a 1 MiB boundary cannot be allocated.
    @Test func theSecondL2TableFails() {
        let script = """
            fail-alloc 2
            map 0xff000 0x10000000 8K rw
            translate 0xff000
            translate 0x100000
            fail-alloc off
            map 0x100000 0x10001000 4K rw
            """
        #expect(v7s(script, ["--stats"]).prefix(8) == [
            "ok", "mapped 4096 error out-of-memory", "0x10000000", "unmapped", "ok", "mapped 4096",
            "tables 3", "table-bytes 18432",
        ])
    }

    @Test func anExistingPageStopsTheMap() {
        let script = """
            map 0x2000 0x20000000 4K rw
            map 0 0x10000000 16K rw
            translate 0x1000
            translate 0x2000
            translate 0x3000
            """
        #expect(v7s(script) == ["mapped 4096", "mapped 8192 error already-mapped", "0x10001000", "0x20000000", "unmapped"])
    }

    @Test func largeLeavesAreNeverSplit() {
        let script = """
            map 0 0x40000000 64K rw
            map 0x100000 0x40100000 1M rw
            map 0x1000000 0x41000000 16M rw
            unmap 0x1000 4K
            unmap 0x100000 64K
            unmap 0x1100000 1M
            unmap 0 16M
            """
        #expect(v7s(script) == ["mapped 65536", "mapped 1048576", "mapped 16777216",
                                "unmapped 0 error partial-leaf", "unmapped 0 error partial-leaf",
                                "unmapped 0 error partial-leaf", "unmapped 65536 error not-mapped"])
    }

    /// A 4K zone holds four 1 KiB L2 tables; sections need none.
    @Test func exhaustingTheTableZoneStopsAMapExactly() {
        let script = """
            map 0 0x10001000 5M rw
            translate 0x3fffff
            translate 0x400000
            map 0x400000 0x10400000 1M rw
            map-all 0x1000000 0x20000000 4K rw
            unmap 0 4M
            map-all 0x1000000 0x20000000 4K rw
            """
        #expect(v7s(script, ["--table-zone-size", "4K", "--stats"]).prefix(9) == [
            "mapped 4194304 error out-of-memory", "0x10400fff", "unmapped", "mapped 1048576",
            "mapped 0 error out-of-memory", "unmapped 4194304", "mapped 4096", "tables 2", "table-bytes 17408",
        ])
    }

    @Test func refusesWhatItCannotExpress() {
        let script = """
            map 0 0x40000000 4K w
            map 0 0x40000000 4K wx
            map 0xfffff000 0x40000000 8K rw
            map 0 0xfffff000 8K rw
            map 0 0x40000000 4K rxp
            """
        #expect(v7s(script) == ["mapped 0 error invalid-attributes", "mapped 0 error invalid-attributes",
                                "mapped 0 error out-of-range", "mapped 0 error out-of-range", "mapped 4096"])
    }

    @Test func dumpsWithARMLevelNames() {
        let lines = v7s("map 0x101000 0x40001000 4K rw\nmap 0x200000 0x40200000 1M rwx", ["--dump", "--table-zone-size", "8K"])
        #expect(lines == [
            "mapped 4096", "mapped 1048576",
            "L1 table 0x80004000 va 0x0-0xffffffff 16384 bytes",
            "  L2 table 0x80000000 va 0x100000-0x1fffff 1024 bytes",
            "    L2 leaf va 0x101000-0x101fff pa 0x40001000 size 4K rw",
            "  L1 leaf va 0x200000-0x2fffff pa 0x40200000 size 1M rwx",
        ])
    }

    @Test func optionsAreChecked() {
        #expect(usageError(["--table-zone-size", "0"])
                == "pagetable: bad value '0' for --table-zone-size (expected a positive multiple of 4K)\n")
        #expect(usageError(["--table-zone-size", "1000"])
                == "pagetable: bad value '1000' for --table-zone-size (expected a positive multiple of 4K)\n")
        #expect(usageError(["--table-zone-size", "12Q"]) == "pagetable: bad value '12Q' for --table-zone-size (expected a number)\n")
        #expect(usageError(["--table-zone-size", "64M"])
                == "pagetable: --table-zone-size 64M leaves no room for the 16K L1 table in --memory-size 67108864\n")
        #expect(usageError(["--memory-base", "0x100000000"]).hasPrefix("pagetable: --memory-base 0x100000000 is not below 4 GiB"))
        #expect(usageError(["--memory-base", "0xf0000000", "--memory-size", "512M"])
                .hasPrefix("pagetable: --memory-size 536870912 ends the memory above 4 GiB"))
        #expect(usageError(["--granule", "4k"]) == "pagetable: option '--granule' does not apply to format 'arm-v7s'\n")
        #expect(v7s("map 0 0x40000000 4K rw", ["--memory-base", "0xfc000000"]) == ["mapped 4096"], "64M ending at 4 GiB")
    }

    @Test func exportsTheRegistersAndTheZone() throws {
        try withTemporaryDirectory { directory in
            let result = pagetable(["run", "--format", "arm-v7s", "--memory-size", "1M", "--table-zone-size", "64K",
                                    "--export", directory.path, "-"], input: "map 0 0x40000000 4K rw")
            #expect(result.status == 0 && result.lines == ["mapped 4096"])
            let text = try String(contentsOf: directory.appendingPathComponent("manifest.json"), encoding: .utf8)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(manifest["format"] as? String == "arm-v7s")
            #expect(manifest["table-zone-size"] as? Int == 64 << 10)
            #expect(manifest["root"] as? String == "0x80010000")
            let registers = try #require(manifest["registers"] as? [String: String])
            #expect(registers == ["TTBR0": "0x8001006a", "TTBCR": "0x0", "DACR": "0x1", "PRRR": "0x800a8204",
                                  "NMRR": "0x40004000", "SCTLR": "0x30000001"])
            // The image: L1[0] points at the first 1 KiB object of the zone, which holds the page.
            let image = try Data(contentsOf: directory.appendingPathComponent("memory.bin"))
            func word(_ address: Int) -> UInt32 {
                image[(address - 0x8000_0000)..<(address - 0x8000_0000 + 4)].reversed().reduce(0) { $0 << 8 | UInt32($1) }
            }
            #expect(word(0x8001_0000) == 0x8000_0001)
            #expect(word(0x8000_0000) == 0x4000_0C73)
        }
    }

    @Test func nonCoherentWalksAreNonCacheableInTTBR0() throws {
        try withTemporaryDirectory { directory in
            let result = pagetable(["run", "--format", "arm-v7s", "--non-coherent", "--export", directory.path, "-"],
                                   input: "map 0 0x40000000 4K rw")
            #expect(result.status == 0 && result.lines == ["mapped 4096"])
            let text = try String(contentsOf: directory.appendingPathComponent("manifest.json"), encoding: .utf8)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            let registers = try #require(manifest["registers"] as? [String: String])
            #expect(registers["TTBR0"] == manifest["root"] as? String, "no walk cacheability or shareability bits")
        }
    }
}

import Testing
@testable import PageTableCLI

/// `arm-lpae-64` contiguous groups on the command line: answers, `--dump`, `--no-contiguous`.
@Suite struct ContiguousCommandTests {
    /// A group is one leaf of the group's size in `translate`, `--dump` and the statistics.
    @Test func aGroupDumpsAsOneLeaf() {
        let result = runScript("map 0x40010000 0x12340000 64K rw\ntranslate 0x4001ffff\nunmap 0x40011000 4K",
                               ["--ias", "39", "--dump", "--stats"])
        #expect(result.status == 0)
        #expect(Array(result.lines.prefix(3)) == ["mapped 65536", "0x1234ffff", "unmapped 0 error partial-leaf"])
        #expect(result.lines.contains("leaves-L3 1"))
        #expect(result.lines.contains("      L3 leaf va 0x40010000-0x4001ffff pa 0x12340000 size 64K rw"))
    }

    /// `--no-contiguous`: the same map is sixteen single pages, each unmappable on its own.
    @Test func noContiguousMapsSinglePages() {
        let result = runScript("map 0x40010000 0x12340000 64K rw\nunmap 0x40011000 4K",
                               ["--ias", "39", "--no-contiguous", "--dump=full", "--stats"])
        #expect(result.status == 0)
        #expect(Array(result.lines.prefix(2)) == ["mapped 65536", "unmapped 4096"])
        #expect(result.lines.contains("leaves-L3 15"))
        #expect(result.lines.filter { $0.contains(" L3 leaf ") && $0.hasSuffix("size 4K rw") }.count == 15)
    }

    @Test func noContiguousIsASwitchOfArmLPAEOnly() {
        let twice = runScript("", ["--no-contiguous", "--no-contiguous"])
        #expect(twice.status == 2 && twice.error == "pagetable: option '--no-contiguous' is given more than once\n")
        for format in ["arm-v7s", "gpu-lpae"] {
            let other = pagetable(["run", "--format", format, "--no-contiguous", "-"])
            #expect(other.status == 2)
            #expect(other.error == "pagetable: option '--no-contiguous' does not apply to format '\(format)'\n")
        }
        // A switch takes no value: what follows is the script.
        let script = pagetable(["run", "--format", "arm-lpae-64", "--no-contiguous", "-"], input: "map 0 0 64K r")
        #expect(script.status == 0 && script.lines == ["mapped 65536"])
    }
}

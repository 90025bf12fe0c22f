import Foundation
import PageTableKit
@testable import PageTableCLI
import Testing

/// `walk IOVA`: one line per walk, each level's table, index, descriptor and meaning, then the
/// translation or the fault, for every built-in format.
@Suite struct WalkCommandTests {
    /// One format configuration and leaves of each of its sizes.
    struct Configuration: CustomStringConvertible {
        var format: String
        var options: [String] = []
        var maps: [(iova: UInt64, pa: UInt64, size: UInt64, protection: String)]
        var description: String { ([format] + options).joined(separator: " ") }
    }

    static let configurations: [Configuration] = [
        Configuration(format: "arm-lpae-64", maps: [(0x4020_1000, 0xc000_1000, 4 << 10, "rw"),
                                                    (0x4040_0000, 0xc040_0000, 2 << 20, "r"),
                                                    (0x8000_0000, 0x1_0000_0000, 1 << 30, "rw"),
                                                    (0x5000_0000, 0xd000_0000, 64 << 10, "rw")]),
        Configuration(format: "arm-lpae-64", options: ["--stage", "2"],
                      maps: [(0x4020_1000, 0xc000_1000, 4 << 10, "rw"), (0x8000_0000, 0x1_0000_0000, 1 << 30, "r")]),
        Configuration(format: "arm-lpae-64", options: ["--granule", "64k"],
                      maps: [(0x4001_0000, 0xc001_0000, 64 << 10, "rw"), (0x6000_0000, 0xe000_0000, 512 << 20, "r"),
                             (0x5000_0000, 0xd000_0000, 2 << 20, "rw")]),
        Configuration(format: "arm-lpae-64", options: ["--granule", "64k", "--stage", "2"],
                      maps: [(0x4001_0000, 0xc001_0000, 64 << 10, "rw"), (0x6000_0000, 0xe000_0000, 512 << 20, "r")]),
        Configuration(format: "arm-v7s", maps: [(0x1000, 0x4000_1000, 4 << 10, "rw"), (0x10000, 0x4001_0000, 64 << 10, "r"),
                                                (0x10_0000, 0x4010_0000, 1 << 20, "rw"),
                                                (0x100_0000, 0x4100_0000, 16 << 20, "r")]),
        Configuration(format: "gpu-lpae", maps: [(0x4020_1000, 0xc000_1000, 4 << 10, "rw"),
                                                 (0x4040_0000, 0xc040_0000, 2 << 20, "r")]),
        Configuration(format: "riscv", maps: [(0x4020_1000, 0xc000_1000, 4 << 10, "rw"),
                                              (0x4040_0000, 0xc040_0000, 2 << 20, "r"),
                                              (0x8000_0000, 0x1_0000_0000, 1 << 30, "rw")]),
        Configuration(format: "riscv", options: ["--svnapot", "--mode", "sv39"],
                      maps: [(0x5000_0000, 0xd000_0000, 64 << 10, "rw")]),
        Configuration(format: "x86-64", maps: [(0x4020_1000, 0xc000_1000, 4 << 10, "rw"),
                                               (0x4040_0000, 0xc040_0000, 2 << 20, "r"),
                                               (0x8000_0000, 0x1_0000_0000, 1 << 30, "rw")]),
        Configuration(format: "x86-64", options: ["--levels", "5"], maps: [(0x4020_1000, 0xc000_1000, 4 << 10, "rw")]),
    ]

    /// A table of `configuration`'s format built by its catalogue entry, for its geometry and level names.
    func reference(_ configuration: Configuration) throws -> AnyPageTable {
        let entry = try #require(FormatCatalog.builtIn.entry(named: configuration.format))
        var given: [String: String] = [:]
        var options = configuration.options[...]
        while let option = options.popFirst() {
            let name = String(option.dropFirst(2))
            given[name] = entry.option(named: name)?.takesValue == false ? "on" : options.popFirst()
        }
        let memory = try #require(PhysicalArena(base: 0x8000_0000, size: 2 << 20))
        return try entry.build(FormatSettings(options: entry.options, given: given), memory, BuddyAllocator(arena: memory))
            .table
    }

    @Test(arguments: configurations)
    func everyLevelIsExplained(_ configuration: Configuration) throws {
        let table = try reference(configuration)
        let geometry = table.geometry
        let descriptorDigits = configuration.format == "arm-v7s" ? 8 : 16
        var script = configuration.maps.map { "map \($0.iova.hexadecimal) \($0.pa.hexadecimal) \($0.size) \($0.protection)" }
        let offsets = configuration.maps.map { $0.size / 2 + 0x123 }
        script += zip(configuration.maps, offsets).map { "walk \(($0.iova + $1).hexadecimal)" }
        script += ["walk 0x30000000", "walk \(geometry.inputLimit.hexadecimal)"]
        let result = pagetable(["run", "--format", configuration.format] + configuration.options + ["-"],
                               input: script.joined(separator: "\n"))
        #expect(result.status == 0, "\(result.error)")
        let lines = result.lines
        try #require(lines.count == configuration.maps.count * 2 + 2)
        for (map, line) in zip(configuration.maps, lines) { #expect(line == "mapped \(map.size)") }

        var root: String?
        for (index, (map, offset)) in zip(configuration.maps, offsets).enumerated() {
            let iova = map.iova + offset
            let parts = lines[configuration.maps.count + index].components(separatedBy: "; ")
            #expect(parts.last == "-> \((map.pa + offset).hexadecimal) \(ByteCount(map.size)) \(map.protection)",
                    "\(configuration): \(parts)")
            let leafLevel = try #require((0..<geometry.levelCount).first { geometry[$0].leafSizeShifts.contains {
                1 << UInt64($0) == map.size } })
            let steps = parts.dropLast()
            #expect(steps.count == geometry.topLevel - leafLevel + 1, "\(configuration): \(parts)")
            var expectedTable = root
            for (position, step) in steps.enumerated() {
                let level = geometry.topLevel - position
                let fields = step.split(separator: " ").map(String.init)
                try #require(fields.count >= 4, "\(step)")
                #expect(fields[0] == table.levelName(level))
                let location = fields[1]
                let tableAddress = String(location.dropFirst().prefix { $0 != "[" })
                if let expectedTable { #expect(tableAddress == expectedTable, "\(configuration): \(step)") }
                if position == 0 { root = root ?? tableAddress }
                #expect(location.hasSuffix("[\(geometry[level].index(of: iova))]"), "\(configuration): \(step)")
                #expect(fields[2].count == 2 + descriptorDigits && fields[2].hasPrefix("0x"), "\(step)")
                if level == leafLevel {
                    let contiguous = geometry[level].contiguousLog2 > 0 && geometry[level].itemSize != map.size
                    #expect(Array(fields[3...]) == ["leaf", map.pa.hexadecimal, "\(ByteCount(map.size))"]
                            + (contiguous ? ["contiguous"] : []), "\(configuration): \(step)")
                } else {
                    #expect(fields[3] == "table" && fields.count == 5, "\(configuration): \(step)")
                    expectedTable = fields.count == 5 ? fields[4] : nil
                }
            }
        }
        let fault = lines[lines.count - 2].components(separatedBy: "; ")
        let faultStep = try #require(fault.dropLast().last)
        #expect(faultStep.hasSuffix(" invalid"))
        #expect(fault.last == "-> translation fault at \(faultStep.split(separator: " ")[0])")
        #expect(lines.last == "-> beyond the input-address space")
    }

    @Test func theLineIsExact() {
        #expect(answers("map 0x40201000 0xc0001000 4K rw\nwalk 0x40201234\nwalk 0x1000") == [
            "mapped 4096",
            "L0 @0x80000000[0] 0x0000000080001003 table 0x80001000; L1 @0x80001000[1] 0x0000000080002003 table 0x80002000; "
                + "L2 @0x80002000[1] 0x0000000080003003 table 0x80003000; "
                + "L3 @0x80003000[1] 0x00600000c0001e43 leaf 0xc0001000 4K; -> 0xc0001234 4K rw",
            "L0 @0x80000000[0] 0x0000000080001003 table 0x80001000; L1 @0x80001000[0] 0x0000000000000000 invalid; "
                + "-> translation fault at L1",
        ])
    }

    /// Upper (TTBR1) and sign-extended addresses are walked at their table index, as
    /// `translate` finds them; the canonical hole is beyond the input space.
    @Test(arguments: [["--format", "arm-lpae-64", "--va-range", "upper"], ["--format", "x86-64"], ["--format", "riscv"]])
    func upperAddressesAreWalked(_ options: [String]) {
        let script = "map 0xffffffffffe00000 0x40000000 4K rw\ntranslate 0xffffffffffe00123\nwalk 0xffffffffffe00123\n"
            + "walk 0x0000800000000000"
        let result = pagetable(["run"] + options + ["-"], input: script)
        #expect(result.lines.count == 4, "\(result.error)")
        guard result.lines.count == 4 else { return }
        #expect(result.lines[1] == "0x40000123")
        #expect(result.lines[2].hasSuffix("-> 0x40000123 4K rw"), "\(options): \(result.lines[2])")
        #expect(result.lines[3].contains("beyond"), "\(options): \(result.lines[3])")
    }

    @Test func walkTakesOneAddress() {
        let result = runScript("walk\nwalk 1 2\nwalk x")
        #expect(result.status == 2)
        #expect(result.error.contains("script:1: 'walk' takes 1 operand (walk IOVA), got 0"))
        #expect(result.error.contains("script:2: 'walk' takes 1 operand (walk IOVA), got 2"))
        #expect(result.error.contains("script:3:"))
    }
}

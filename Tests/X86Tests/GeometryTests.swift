import PageTable
import PageTableConformance
import PageTableTestSupport
import Testing
import X86

/// Tree shapes, registers and the walker's promises.
@Suite struct GeometryTests {
    @Test(arguments: X86_64.Levels.allCases)
    func levelsAndLeafSizes(levels: X86_64.Levels) throws {
        let geometry = try X86_64(levels: levels).geometry
        #expect(geometry.levelCount == levels.rawValue)
        #expect(geometry.inputAddressBits == (levels == .four ? 48 : 57))
        #expect(geometry.outputAddressBits == 52)
        #expect(geometry.leafSizeShifts == [12, 21, 30])
        #expect((0..<geometry.levelCount).allSatisfy { geometry[$0].tableBytes == 4096 && geometry[$0].indexBits == 9 })
        #expect(try X86_64(levels: levels).levelName(geometry.topLevel) == (levels == .four ? "PML4" : "PML5"))
    }

    @Test func outputSizesOutOfRangeAreRefused() {
        #expect(throws: X86_64.ConfigurationError.self) { try X86_64(outputAddressBits: 53) }
        #expect(throws: X86_64.ConfigurationError.self) { try X86_64(outputAddressBits: 31) }
    }

    /// CR3 (root, PCID 0), CR4 (PAE, LA57 for 5 levels), EFER (LME, NXE), PAT.
    @Test func registers() throws {
        #expect(try X86_64().registers(root: 0x8000_0000) == [
            HardwareRegister(.x86CR3, name: "CR3", value: 0x8000_0000), HardwareRegister(.x86CR4, name: "CR4", value: 0x20),
            HardwareRegister(.x86EFER, name: "EFER", value: 0x900), HardwareRegister(.x86PAT, name: "PAT", value: 0x0007_0401_0007_0406)])
        #expect(try X86_64(levels: .five).registers(root: 0x1234_5000)[0...1] == [
            HardwareRegister(.x86CR3, name: "CR3", value: 0x1234_5000), HardwareRegister(.x86CR4, name: "CR4", value: 0x1020)])
        // The PAT entries leaves use: 0 WB (6), 3 UC (0), 4 WC (1).
        let pat = X86_64.AttributeTableIndex.msr
        #expect(pat & 0xFF == 6 && pat >> 24 & 0xFF == 0 && pat >> 32 & 0xFF == 1)
    }

    @Test(arguments: X86_64.Levels.allCases, [40, 52])
    func formatKeepsItsPromises(levels: X86_64.Levels, oas: Int) throws {
        let format = try X86_64(levels: levels, outputAddressBits: oas)
        var random = SeededGenerator(seed: Conformance.baseSeed() ^ UInt64(levels.rawValue << 8 | oas))
        let encoded = try format.encode(MapAttributes(access: [.read, .write]))
        #expect(format.allowsSharedTables && !format.cachesInvalidEntries)
        for level in 0..<format.geometry.levelCount {
            #expect(format.decode(0, level: level) == .empty)
            guard let pattern = format.singleLeafPattern(level: level) else {
                #expect(level > 2)
                continue
            }
            for _ in 0..<4096 {
                var entry = random.next()
                if entry & 0x100 != 0 { entry = entry & ~pattern.mask | pattern.value }  // half of them match
                guard entry & pattern.mask == pattern.value else { continue }
                guard case .leaf(_, false) = format.decode(entry, level: level) else {
                    Issue.record("level \(level): 0x\(String(entry, radix: 16)) matches but is no single leaf")
                    continue
                }
            }
            let size = format.geometry[level].itemSize
            let template = format.leafTemplate(encoded, level: level, contiguous: false)
            for _ in 0..<64 {
                let address = UInt64.random(in: 0..<(format.geometry.outputLimit / size - 1), using: &random) * size
                let entry = format.leafDescriptor(template: template, outputAddress: address, level: level)
                #expect(format.decode(entry, level: level) == .leaf(outputAddress: address, contiguous: false))
                #expect(entry & pattern.mask == pattern.value)
                let next = format.leafDescriptor(template: template, outputAddress: address + size, level: level)
                #expect(next == entry &+ format.linearLeafStride(level: level)!)
            }
        }
    }
}

import PageTable
import PageTableConformance
import PageTableTestSupport
import RISCV
import Testing

/// Tree shapes and register values of every mode and stage.
@Suite struct GeometryTests {
    @Test(arguments: RISCV.Mode.allCases, RISCV.Stage.allCases)
    func levelsSizesAndRoot(mode: RISCV.Mode, stage: RISCV.Stage) {
        let format = RISCV(mode: mode, stage: stage)
        let geometry = format.geometry
        let extra = stage == .stage2 ? 2 : 0
        #expect(geometry.levelCount == mode.levels)
        #expect(geometry.inputAddressBits == 12 + 9 * mode.levels + extra, "Sv39x4 is 41 bits, ...")
        #expect(geometry.outputAddressBits == 56)
        let root = geometry[geometry.topLevel]
        #expect(root.indexBits == 9 + extra && root.tableBytes == (stage == .stage2 ? 16384 : 4096))
        #expect(root.tableAlignment == root.tableBytes)
        // Leaves at every level: 4K, 2M, 1G, 512G, 256T.
        #expect(geometry.leafSizeShifts == Array([12, 21, 30, 39, 48].prefix(mode.levels)))
        #expect(RISCV(mode: mode, stage: stage, svnapot: true).geometry.leafSizeShifts.prefix(2) == [12, 16])
        #expect(format.cachesInvalidEntries && format.allowsSharedTables)
        #expect(format.levelName(0) == "L0")
    }

    /// SATP / HGATP: MODE 8, 9, 10 in bits 63:60; ASID / VMID 0; the root's PPN.
    @Test func registers() {
        #expect(RISCV(mode: .sv39).registers(root: 0x8000_0000) == [HardwareRegister(.riscvSATP, name: "SATP", value: 0x8000_0000_0008_0000)])
        #expect(RISCV(mode: .sv48).registers(root: 0x8123_4000) == [HardwareRegister(.riscvSATP, name: "SATP", value: 0x9000_0000_0008_1234)])
        #expect(RISCV(mode: .sv57).registers(root: 0x1_0000_0000_0000)
                == [HardwareRegister(.riscvSATP, name: "SATP", value: 0xA000_0010_0000_0000)])
        #expect(RISCV(mode: .sv39, stage: .stage2).registers(root: 0x8000_4000)
                == [HardwareRegister(.riscvHGATP, name: "HGATP", value: 0x8000_0000_0008_0004)])
        #expect(RISCV(mode: .sv57, stage: .stage2).registers(root: 0x8000_0000)
                == [HardwareRegister(.riscvHGATP, name: "HGATP", value: 0xA000_0000_0008_0000)])
    }

    /// The walker's promises: zero is empty; a pattern match is always a single leaf; leaves
    /// round-trip; single leaves are linear.
    @Test(arguments: RISCV.Mode.allCases, RISCV.Stage.allCases)
    func formatKeepsItsPromises(mode: RISCV.Mode, stage: RISCV.Stage) throws {
        var random = SeededGenerator(seed: Conformance.baseSeed() ^ UInt64(mode.rawValue * 2 + stage.rawValue))
        for (svnapot, svpbmt) in [(false, false), (true, true)] {
            let format = RISCV(mode: mode, stage: stage, svnapot: svnapot, svpbmt: svpbmt)
            let encoded = try format.encode(MapAttributes(access: [.read, .write]))
            for level in 0..<format.geometry.levelCount {
                #expect(format.decode(0, level: level) == .empty)
                let pattern = try #require(format.singleLeafPattern(level: level))
                var matches = 0
                for _ in 0..<4096 {
                    // Random words, half of them forced to match, so other bits vary under a match.
                    var pte = random.next()
                    if pte & 0x100 != 0 { pte = pte & ~pattern.mask | pattern.value }
                    guard pte & pattern.mask == pattern.value else { continue }
                    matches += 1
                    guard case .leaf(_, false) = format.decode(pte, level: level) else {
                        Issue.record("level \(level): 0x\(String(pte, radix: 16)) matches but is no single leaf")
                        continue
                    }
                }
                #expect(matches > 0)
                let size = format.geometry[level].itemSize
                let template = format.leafTemplate(encoded, level: level, contiguous: false)
                for _ in 0..<64 {
                    let address = UInt64.random(in: 0..<(format.geometry.outputLimit / size - 1), using: &random) * size
                    let pte = format.leafDescriptor(template: template, outputAddress: address, level: level)
                    #expect(format.decode(pte, level: level) == .leaf(outputAddress: address, contiguous: false))
                    #expect(pte & pattern.mask == pattern.value, "rw leaves match the pattern")
                    let next = format.leafDescriptor(template: template, outputAddress: address + size, level: level)
                    #expect(next == pte &+ format.linearLeafStride(level: level)!)
                }
            }
        }
    }
}

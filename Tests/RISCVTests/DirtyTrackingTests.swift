import PageTable
import PageTableTestSupport
import RISCV
import Testing

/// RISC-V dirty tracking with Svadu: leaves start with D (bit 7) clear and A (bit 6) set.
@Suite struct DirtyTrackingTests {
    static func format(tracking: Bool, svnapot: Bool = false) -> RISCV {
        var configuration = RISCV.Configuration(svnapot: svnapot)
        configuration.dirtyTracking = tracking
        return RISCV(configuration)
    }

    @Test func leavesStartWithDClearAndAStoreSetsIt() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(Self.format(tracking: true))
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 4096, attributes: MapAttributes(letters: "rw")).isComplete)
        #expect(table.map(iova: 0x1000, to: 0x4000_1000, size: 4096, attributes: MapAttributes(letters: "rx")).isComplete)
        let clean = table.trace(0).steps.last!.descriptor
        #expect(clean & (1 << 7) == 0 && clean & (1 << 6) != 0)
        #expect(table.simulateHardwareWrite(iova: 0x1000) == .fault)  // W clear.
        #expect(table.simulateHardwareWrite(iova: 0x10) == .written)
        #expect(table.trace(0).steps.last!.descriptor == clean | 1 << 7)
        #expect(table.readAndClearDirty(iova: 0, size: 8192).runs == [DirtyRanges.Run(iova: 0, size: 4096)])
        #expect(table.trace(0).steps.last!.descriptor == clean)
    }

    @Test func withoutSvaduAStoreToAPTEWithDClearFaults() throws {
        let format = Self.format(tracking: false)
        let encoded = try format.encode(MapAttributes(letters: "rw"))
        let preset = format.leafDescriptor(template: format.leafTemplate(encoded, level: 0, contiguous: false),
                                           outputAddress: 0x4000_0000, level: 0)
        #expect(preset & (1 << 7) != 0 && format.afterHardwareWrite(preset, level: 0) == preset)
        #expect(format.afterHardwareWrite(preset & ~(1 << 7), level: 0) == nil)  // Svade: software must set D.
    }

    @Test func aNAPOTGroupIsOneDirtyLeaf() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(Self.format(tracking: true, svnapot: true))
        #expect(table.map(iova: 0x1_0000, to: 0x4001_0000, size: 0x1_0000, attributes: MapAttributes(letters: "rw")).isComplete)
        #expect(table.simulateHardwareWrite(iova: 0x1_f000) == .written)
        #expect(table.readAndClearDirty(iova: 0x1_0000, size: 0x1_0000).runs == [DirtyRanges.Run(iova: 0x1_0000, size: 0x1_0000)])
        #expect(table.readAndClearDirty(iova: 0x1_0000, size: 0x1_0000).runs.isEmpty)
    }
}

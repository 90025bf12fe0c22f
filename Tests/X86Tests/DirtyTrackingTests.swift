import PageTable
import PageTableTestSupport
import Testing
import X86

/// x86-64 dirty tracking: leaves start with D (bit 6) clear and A (bit 5) set; a write sets D.
@Suite struct DirtyTrackingTests {
    static func format(tracking: Bool) throws -> X86_64 {
        var configuration = X86_64.Configuration()
        configuration.dirtyTracking = tracking
        return try X86_64(configuration)
    }

    @Test func leavesStartWithDClearAndAWriteSetsIt() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(tracking: true))
        #expect(!table.format.allowsSharedTables)
        #expect(table.map(iova: 0x20_0000, to: 0x4020_0000, size: 2 << 20, attributes: MapAttributes(letters: "rw")).isComplete)
        #expect(table.map(iova: 0x1000, to: 0x4000_1000, size: 4096, attributes: MapAttributes(letters: "r")).isComplete)
        let clean = table.trace(0x20_0000).steps.last!.descriptor
        #expect(clean & (1 << 6) == 0 && clean & (1 << 5) != 0 && clean & (1 << 1) != 0)
        #expect(table.simulateHardwareWrite(iova: 0x1000) == .fault)  // R/W clear.
        #expect(table.simulateHardwareWrite(iova: 0x30_0000) == .written)
        #expect(table.trace(0x20_0000).steps.last!.descriptor == clean | 1 << 6)
        let found = table.readAndClearDirty(iova: 0, size: 4 << 20)
        #expect(found.runs == [DirtyRanges.Run(iova: 0x20_0000, size: 2 << 20)] && found.outcome.isComplete)
        #expect(table.trace(0x20_0000).steps.last!.descriptor == clean)
    }

    @Test func withoutTrackingDIsPresetAndWritesChangeNothing() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(tracking: false))
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 4096, attributes: MapAttributes(letters: "rw")).isComplete)
        let before = table.trace(0).steps.last!.descriptor
        #expect(before & (1 << 6) != 0)
        #expect(table.simulateHardwareWrite(iova: 0) == .written)
        #expect(table.trace(0).steps.last!.descriptor == before)
        #expect(table.readAndClearDirty(iova: 0, size: 4096).outcome.error?.kind == .unsupported)
    }
}

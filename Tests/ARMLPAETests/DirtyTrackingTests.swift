import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// FEAT_HAFDBS dirty tracking: the exact DBM / AP[2] / S2AP[1] bits and the TCR/VTCR HA and HD bits.
@Suite struct DirtyTrackingTests {
    static func format(_ stage: ARMLPAE.Stage, tracking: Bool = true, contiguous: Bool = true) throws -> ARMLPAE {
        var configuration = ARMLPAE.Configuration(stage: stage, contiguousHint: contiguous)
        configuration.dirtyTracking = tracking
        return try ARMLPAE(configuration)
    }

    @Test func stage1WritableLeavesStartCleanWithDBMAndReadOnlyOnesWithout() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(.stage1))
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 4096, attributes: MapAttributes(letters: "rw")).isComplete)
        #expect(table.map(iova: 0x1000, to: 0x4000_1000, size: 4096, attributes: MapAttributes(letters: "r")).isComplete)
        let clean = table.trace(0).steps.last!.descriptor
        #expect(clean & (1 << 51) != 0 && clean & (1 << 7) != 0)  // DBM, AP[2]: clean.
        let readOnly = table.trace(0x1000).steps.last!.descriptor
        #expect(readOnly & (1 << 51) == 0 && readOnly & (1 << 7) != 0)
        // Clean is still reported writable: the caller asked for rw.
        #expect(table.lookup(0)?.attributes.access == [.read, .write])
        #expect(table.simulateHardwareWrite(iova: 0x1000) == .fault)
        #expect(table.simulateHardwareWrite(iova: 0x0123) == .written)
        let dirty = table.trace(0).steps.last!.descriptor
        #expect(dirty == clean & ~(1 << 7))  // The hardware cleared AP[2], nothing else.
        #expect(table.format.isDirty(dirty, level: 0) && !table.format.isDirty(clean, level: 0))
        #expect(table.format.cleaned(dirty, level: 0) == clean)
    }

    @Test func stage2TracksWithS2AP1() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(.stage2))
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 4096, attributes: MapAttributes(letters: "rw")).isComplete)
        let clean = table.trace(0).steps.last!.descriptor
        #expect(clean & (1 << 51) != 0 && clean & (1 << 7) == 0 && clean & (1 << 6) != 0)  // DBM, S2AP = read only.
        #expect(table.lookup(0)?.attributes.access == [.read, .write])
        #expect(table.simulateHardwareWrite(iova: 0) == .written)
        #expect(table.trace(0).steps.last!.descriptor == clean | 1 << 7)
        let found = table.readAndClearDirty(iova: 0, size: 4096)
        #expect(found.runs == [DirtyRanges.Run(iova: 0, size: 4096)] && found.outcome == RangeOutcome(bytes: 4096))
        #expect(table.trace(0).steps.last!.descriptor == clean)
    }

    @Test func withoutTrackingAWriteToAReadOnlyLeafFaultsAndNothingHasDBM() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(.stage1, tracking: false))
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 8192, attributes: MapAttributes(letters: "rw")).isComplete)
        let before = table.trace(0).steps.last!.descriptor
        #expect(before & (1 << 51) == 0 && before & (1 << 7) == 0)
        #expect(table.simulateHardwareWrite(iova: 0) == .written)
        #expect(table.trace(0).steps.last!.descriptor == before)
        #expect(table.simulateHardwareWrite(iova: 0x10_0000) == .fault)  // Nothing mapped.
        #expect(table.readAndClearDirty(iova: 0, size: 8192).outcome.error?.kind == .unsupported)
    }

    @Test func registersSetHAAndHD() throws {
        func register(_ format: ARMLPAE, _ id: HardwareRegister.ID) -> UInt64 {
            format.registers(root: 0x8000_0000).first { $0.id == id }!.value
        }
        let tcr = register(try Self.format(.stage1), .armTCR), plainTCR = register(try Self.format(.stage1, tracking: false), .armTCR)
        #expect(tcr == plainTCR | 1 << 39 | 1 << 40)
        let vtcr = register(try Self.format(.stage2), .armVTCR), plainVTCR = register(try Self.format(.stage2, tracking: false), .armVTCR)
        #expect(vtcr == plainVTCR | 1 << 21 | 1 << 22)
    }

    @Test func aGroupIsDirtyWhenOneMemberIsAndCleaningCleansEveryMember() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.format(.stage1))
        #expect(table.map(iova: 0x1_0000, to: 0x4001_0000, size: 0x1_0000, attributes: MapAttributes(letters: "rw")).isComplete)
        #expect(table.lookup(0x1_0000)?.size == 0x1_0000)
        #expect(table.simulateHardwareWrite(iova: 0x1_5000) == .written)
        // Only the member the write used changed.
        #expect(table.format.isDirty(table.trace(0x1_5000).steps.last!.descriptor, level: 0))
        #expect(!table.format.isDirty(table.trace(0x1_4000).steps.last!.descriptor, level: 0))
        fixture.invalidator.reset()
        let found = table.readAndClearDirty(iova: 0, size: 0x4_0000)
        #expect(found.runs == [DirtyRanges.Run(iova: 0x1_0000, size: 0x1_0000)])
        #expect(fixture.invalidator.requests == [.leaves(0x1_0000..<0x2_0000, LevelSet(level: 0))])
        for page in stride(from: UInt64(0x1_0000), to: 0x2_0000, by: 0x1000) {
            #expect(!table.format.isDirty(table.trace(page).steps.last!.descriptor, level: 0))
        }
    }

    /// Collapsing pages of which one was written gives a dirty block; clean pages a clean one.
    @Test(arguments: [false, true])
    func aCollapsedBlockKeepsARecordedWrite(_ written: Bool) throws {
        var configuration = ARMLPAE.Configuration(stage: .stage1)
        configuration.dirtyTracking = true
        configuration.breakBeforeMakeLevel = .level2
        let fixture = TableFixture()
        var table = try fixture.makeTable(try ARMLPAE(configuration))
        let attributes = MapAttributes(letters: "rw")
        for page in stride(from: UInt64(0), to: 0x20_0000, by: 0x1000) {
            #expect(table.map(iova: 0x20_0000 + page, to: 0x4020_0000 + page, size: 0x1000, attributes: attributes).isComplete)
        }
        if written { #expect(table.simulateHardwareWrite(iova: 0x2f_f000) == .written) }
        #expect(table.collapse(iova: 0x20_0000, size: 0x20_0000).bytes == 0x20_0000)
        #expect(table.lookup(0x20_0000)?.size == 0x20_0000)
        #expect(table.format.isDirty(table.trace(0x20_0000).steps.last!.descriptor, level: 1) == written)
        #expect(table.readAndClearDirty(iova: 0x20_0000, size: 0x20_0000).runs
                == (written ? [DirtyRanges.Run(iova: 0x20_0000, size: 0x20_0000)] : []))
    }
}

import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// The walker's dirty-tracking contract (`docs/semantics.md`, "Dirty tracking"), on ARM LPAE.
@Suite struct DirtyContractTests {
    static func tracking(bbm: ARMLPAE.BreakBeforeMakeLevel = .level0) throws -> ARMLPAE {
        var configuration = ARMLPAE.Configuration(contiguousHint: false)
        configuration.dirtyTracking = true
        configuration.breakBeforeMakeLevel = bbm
        return try ARMLPAE(configuration)
    }

    @Test func runsAreInOrderMergedAndHolesPassedOver() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.tracking())
        let rw = MapAttributes(letters: "rw")
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 0x8000, attributes: rw).isComplete)
        #expect(table.map(iova: 0x20_0000, to: 0x4020_0000, size: 2 << 20, attributes: rw).isComplete)
        for iova: UInt64 in [0x1000, 0x2000, 0x5000, 0x20_0000] { #expect(table.simulateHardwareWrite(iova: iova) == .written) }
        fixture.invalidator.reset()
        let found = table.readAndClearDirty(iova: 0, size: 4 << 20)
        #expect(found.runs == [.init(iova: 0x1000, size: 0x2000), .init(iova: 0x5000, size: 0x1000),
                               .init(iova: 0x20_0000, size: 2 << 20)])
        #expect(found.dirtyBytes == 0x3000 + (2 << 20) && found.outcome == RangeOutcome(bytes: 4 << 20))
        // Each cleaned leaf is invalidated at its level, in one sync.
        for (range, level) in [(UInt64(0x1000)..<0x3000, 0), (0x5000..<0x6000, 0), (0x20_0000..<0x40_0000, 1)] {
            #expect(fixture.invalidator.requests.contains {
                if case .leaves(let asked, let levels) = $0 { asked.lowerBound <= range.lowerBound && asked.upperBound >= range.upperBound
                    && levels.contains(level: level) } else { false }
            }, "\(range) not invalidated: \(fixture.invalidator.requests)")
        }
        #expect(table.syncCount == 1)
        fixture.invalidator.reset()
        #expect(table.readAndClearDirty(iova: 0, size: 4 << 20).runs.isEmpty)  // Now clean.
        #expect(fixture.invalidator.requests.isEmpty)
    }

    @Test func badInputChangesNothing() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.tracking())
        #expect(table.map(iova: 0x20_0000, to: 0x4020_0000, size: 2 << 20, attributes: MapAttributes(letters: "rw")).isComplete)
        #expect(table.simulateHardwareWrite(iova: 0x20_0000) == .written)
        #expect(table.readAndClearDirty(iova: 0x123, size: 4096).outcome.error?.kind == .misaligned)
        #expect(table.readAndClearDirty(iova: 0, size: 0).outcome.error?.kind == .misaligned)
        #expect(table.readAndClearDirty(iova: 1 << 48, size: 4096).outcome.error?.kind == .outOfRange)
        let partial = table.readAndClearDirty(iova: 0x20_0000, size: 0x1000)
        #expect(partial.outcome.error?.kind == .partialLeaf && partial.outcome.bytes == 0 && partial.runs.isEmpty)
        #expect(table.readAndClearDirty(iova: 0x3f_f000, size: 0x2000).outcome.error?.kind == .partialLeaf)
        #expect(table.simulateHardwareWrite(iova: 1 << 48) == .fault)
        // Still dirty: nothing was cleared by the refused calls.
        #expect(table.readAndClearDirty(iova: 0x20_0000, size: 2 << 20).runs == [.init(iova: 0x20_0000, size: 2 << 20)])
    }

    @Test func cutAndProtectKeepDirtyStateWhileWritable() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(try Self.tracking(bbm: .level2))
        let rw = MapAttributes(letters: "rw")
        #expect(table.map(iova: 0x20_0000, to: 0x4020_0000, size: 2 << 20, attributes: rw).isComplete)
        #expect(table.simulateHardwareWrite(iova: 0x20_0000) == .written)
        #expect(table.cut(iova: 0x20_0000).isComplete)
        #expect(table.lookup(0x20_0000)?.size == 4096)
        #expect(table.protect(iova: 0x20_0000, size: 0x1000, attributes: MapAttributes(letters: "rwx")).isComplete)
        #expect(table.protect(iova: 0x20_1000, size: 0x1000, attributes: MapAttributes(letters: "r")).isComplete)
        let found = table.readAndClearDirty(iova: 0x20_0000, size: 2 << 20)
        // Every page of the cut block is dirty except the one made read-only (dirty state dropped).
        #expect(found.runs == [.init(iova: 0x20_0000, size: 0x1000), .init(iova: 0x20_2000, size: (2 << 20) - 0x2000)])
        #expect(table.simulateHardwareWrite(iova: 0x20_1000) == .fault)
    }
}

/// The TLB model flags a cleaned leaf still cached dirty, and readAndClearDirty's invalidation clears it.
@Suite struct DirtyInvalidationTests {
    @Test func aCleanWithoutInvalidationIsCaughtAndReadAndClearDirtyIsNot() throws {
        var modelled = try ModelledTable(try DirtyContractTests.tracking(), base: 0x8000_0000, size: 16 << 20, coherent: true)
        #expect(modelled.table.map(iova: 0, to: 0x4000_0000, size: 0x2000, attributes: MapAttributes(letters: "rw")).isComplete)
        for iova: UInt64 in [0, 0x1000] {
            #expect(modelled.table.simulateHardwareWrite(iova: iova) == .written)
            modelled.tlb.noteHardwareWrite(iova)
        }
        #expect(modelled.tlb.leaves[0]?.dirty == true && modelled.tlb.staleDirtyState().isEmpty)
        // Clean page 0 behind the table's back: the cached dirty entry is now stale.
        let step = modelled.table.trace(0).steps.last!
        let slot = modelled.arena.pointer(to: step.table + UInt64(step.index * 8)).assumingMemoryBound(to: UInt64.self)
        slot.pointee = modelled.table.format.cleaned(slot.pointee, level: 0)
        #expect(modelled.tlb.staleDirtyState() == ["leaf 0x0+0x1000 is cached dirty but was cleaned without an invalidation"])
        // The walker's clean of page 1 invalidates it.
        #expect(modelled.table.readAndClearDirty(iova: 0x1000, size: 0x1000).runs == [.init(iova: 0x1000, size: 0x1000)])
        #expect(modelled.tlb.leaves[0x1000] == nil && modelled.tlb.staleDirtyState().count == 1)
    }
}

import PageTable
import PageTableTestSupport
import Testing

/// The TLB model proves the invalidation contract in the conformance tests; these controls
/// prove the model itself: with one required invalidation or clean removed, it must object.
@Suite struct InvalidationContractTests {
    /// Forwards to the model but drops one kind of request.
    final class Dropping: TLBInvalidator {
        let model: TLBModel<TinyFormat>
        let dropLeaves: Bool, dropWalks: Bool
        init(_ model: TLBModel<TinyFormat>, dropLeaves: Bool = false, dropWalks: Bool = false) {
            (self.model, self.dropLeaves, self.dropWalks) = (model, dropLeaves, dropWalks)
        }
        func invalidateLeaves(in range: Range<UInt64>, levels: LevelSet) {
            if !dropLeaves { model.invalidateLeaves(in: range, levels: levels) }
        }
        func invalidateWalks(in range: Range<UInt64>, levels: LevelSet) {
            if !dropWalks { model.invalidateWalks(in: range, levels: levels) }
        }
        func invalidateAll() { model.invalidateAll() }
    }

    /// Runs a short history with the hardware caching between steps, and returns everything
    /// found stale after any step: an unmap that keeps its table (leaf invalidation only), an
    /// unmap that frees tables (walk invalidation), a map that reuses the freed tables.
    func scenario(dropLeaves: Bool = false, dropWalks: Bool = false, skipClean: Bool = false) throws -> [String] {
        let base: UInt64 = 0x10_0000, size = 1 << 20
        let view = HardwareView(base: base, size: size, coherent: false)
        let clean = view.cacheMaintenance
        let skipped = SkipOnce(skip: skipClean)
        let arena = PhysicalArena(base: base, size: size) { address, bytes in
            if !skipped.shouldSkip() { clean(address, bytes) }
        }!
        view.attach(arena)
        let model = TLBModel(format: TinyFormat(), view: view)
        var table = try PageTable(format: TinyFormat(), memory: arena, allocator: BuddyAllocator(arena: arena),
                                  invalidator: Dropping(model, dropLeaves: dropLeaves, dropWalks: dropWalks))
        model.root = table.root
        let probes: [UInt64] = [0x1_0100, 0x1_0200, 0x2_0100, 0x3_0100]
        var stale: [String] = []
        func step(_ outcome: RangeOutcome) {
            #expect(outcome.isComplete)
            stale += model.staleEntries(comparedWith: { table.translate($0) })
            stale += probes.filter { model.translate($0) != table.translate($0) }.map { "walk of \(hex($0))" }
        }
        skipped.arm()  // From here on, the first clean requested is lost.
        step(table.map(iova: 0x1_0100, to: 0x100, size: 0x200, attributes: readWrite))
        step(table.map(iova: 0x3_0100, to: 0x400, size: 0x100, attributes: readWrite))
        step(table.unmap(iova: 0x1_0100, size: 0x100))  // Its table keeps 0x1_0200.
        step(table.unmap(iova: 0x3_0100, size: 0x100))  // Frees its tables.
        step(table.map(iova: 0x2_0100, to: 0x500, size: 0x100, attributes: readWrite))  // Reuses them.
        return stale
    }

    @Test func theFullContractLeavesNothingStale() throws {
        #expect(try scenario().isEmpty)
    }

    @Test func aDroppedLeafInvalidationIsCaught() throws {
        #expect(try !scenario(dropLeaves: true).isEmpty)
    }

    @Test func aDroppedWalkInvalidationIsCaught() throws {
        #expect(try !scenario(dropWalks: true).isEmpty)
    }

    @Test func aMissingCacheCleanIsCaught() throws {
        #expect(try !scenario(skipClean: true).isEmpty)
    }
}

/// Loses the first cache clean after ``arm()`` (if asked to).
final class SkipOnce: @unchecked Sendable {
    let skip: Bool
    var armed = false
    init(skip: Bool) { self.skip = skip }
    func arm() { armed = skip }
    func shouldSkip() -> Bool {
        defer { armed = false }
        return armed
    }
}

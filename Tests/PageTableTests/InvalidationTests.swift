import PageTable
import PageTableTestSupport
import Testing

@Suite struct InvalidationTests {
    @Test func fillingEmptySlotsNeedsNoInvalidation() throws {
        let fixture = tinyFixture()
        var table = try fixture.makeTable(TinyFormat())
        #expect(table.map(iova: 0x100, to: 0x100, size: 0x1_0000, attributes: readWrite).isComplete)
        #expect(fixture.invalidator.requests.isEmpty)
    }

    @Test func unmapInvalidatesItsLeavesAndWalksThenFrees() throws {
        let fixture = tinyFixture()
        let snooping = SnoopingInvalidator(allocator: fixture.allocator)
        var table = try PageTable(format: TinyFormat(), memory: fixture.arena, allocator: fixture.allocator,
                                  invalidator: snooping)
        #expect(table.map(iova: 0x3_0000, to: 0x100, size: 0x400, attributes: readWrite).isComplete)  // 4 pages
        let blocksWhileMapped = fixture.allocator.liveBlocks
        #expect(table.unmap(iova: 0x3_0000, size: 0x400).isComplete)
        #expect(snooping.calls.count == 2)
        #expect(snooping.calls.first?.kind == "leaves" && snooping.calls.first?.range == 0x3_0000..<0x3_0400)
        #expect(snooping.calls.first?.levels == LevelSet(level: 0))
        #expect(snooping.calls.last?.kind == "walks")
        // The walk range covers every unlinked table's slot: the level-3 table's 64K item.
        #expect(snooping.calls.last?.range == 0x3_0000..<0x4_0000)
        #expect(snooping.calls.allSatisfy { $0.liveBlocks == blocksWhileMapped }, "no table freed before the sync")
        #expect(fixture.allocator.liveBlocks == 1)
    }

    @Test func teardownFlushesEverythingThenReleasesEveryTable() throws {
        let fixture = tinyFixture()
        do {
            var table = try fixture.makeTable(TinyFormat())
            #expect(table.map(iova: 0, to: 0x100, size: 0x4_0000 - 0x100, attributes: readWrite).isComplete)
            #expect(fixture.allocator.liveBlocks > 1)
        }
        #expect(fixture.invalidator.requests == [.all])
        #expect(fixture.allocator.liveBlocks == 0)
        #expect(fixture.allocator.freeBytes == 1 << 20)
    }
}

/// Records each request with the allocator's live-block count at that moment.
final class SnoopingInvalidator: TLBInvalidator {
    struct Call { var kind: String; var range: Range<UInt64>; var levels: LevelSet; var liveBlocks: Int }
    let allocator: BuddyAllocator
    var calls: [Call] = []
    init(allocator: BuddyAllocator) { self.allocator = allocator }
    func invalidateLeaves(in range: Range<UInt64>, levels: LevelSet) {
        calls.append(Call(kind: "leaves", range: range, levels: levels, liveBlocks: allocator.liveBlocks))
    }
    func invalidateWalks(in range: Range<UInt64>, levels: LevelSet) {
        calls.append(Call(kind: "walks", range: range, levels: levels, liveBlocks: allocator.liveBlocks))
    }
    func invalidateAll() { calls.append(Call(kind: "all", range: 0..<0, levels: [], liveBlocks: allocator.liveBlocks)) }
}

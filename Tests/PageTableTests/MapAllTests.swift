import PageTable
import PageTableTestSupport
import Testing

@Suite struct MapAllTests {
    @Test func aConflictUndoesThePrefixInOneSync() throws {
        let fixture = tinyFixture()
        var table = try fixture.makeTable(TinyFormat())
        #expect(table.map(iova: 0x3_0300, to: 0x300, size: 0x100, attributes: readWrite).isComplete)
        fixture.invalidator.reset()
        let blocks = fixture.allocator.liveBlocks
        let outcome = table.mapAll(iova: 0x2_FF00, to: 0x4000_0100, size: 0x500, attributes: readWrite)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .alreadyMapped)
        #expect(table.translate(0x2_FF00) == nil && table.translate(0x3_0000) == nil)
        #expect(table.translate(0x3_0300) == 0x300)
        #expect(fixture.allocator.liveBlocks == blocks, "tables allocated for the prefix are freed")
        // One sync: the undone leaves, then the unlinked tables.
        #expect(fixture.invalidator.requests.count == 2)
        // The pair at 0x3_0200 would overlap 0x3_0300: the prefix ends there.
        #expect(fixture.invalidator.requests.first == .leaves(0x2_FF00..<0x3_0200, LevelSet(level: 0)))
    }

    @Test func successIsAnOrdinaryMap() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.mapAll(iova: 0x100, to: 0x100, size: 0x700, attributes: readWrite) == RangeOutcome(bytes: 0x700))
        #expect(leaves(table).count == 3)
    }
}

@Suite struct MapPagesTests {
    @Test func mapsExactlyPagesOfTheGivenSize() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        // Aligned for a 1K leaf, but asked for 256-byte pages: sixteen of them.
        #expect(table.mapPages(iova: 0x1000, to: 0x1000, pageSize: 0x100, pageCount: 16, attributes: readWrite)
                == RangeOutcome(bytes: 0x1000))
        #expect(leaves(table).allSatisfy { $0.1 == 0x100 } && leaves(table).count == 16)
        #expect(table.unmap(iova: 0x1100, size: 0x100).isComplete, "each page unmaps on its own")
        // A contiguous pair is a page size too.
        #expect(table.mapPages(iova: 0x2000, to: 0x2000, pageSize: 0x200, pageCount: 2, attributes: readWrite).isComplete)
        #expect(table.lookup(0x2000)?.size == 0x200)
    }

    @Test(arguments: [(UInt64(0x300), 1), (0x100, 0), (0x400, 1)] as [(UInt64, Int)])
    func refusesSizesAndCountsItCannotMap(pageSize: UInt64, pageCount: Int) throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        let outcome = table.mapPages(iova: 0x200, to: 0x200, pageSize: pageSize, pageCount: pageCount, attributes: readWrite)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .misaligned)
    }
}

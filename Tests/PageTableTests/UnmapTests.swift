import PageTable
import PageTableTestSupport
import Testing

@Suite struct UnmapTests {
    @Test func spansSeveralEarlierMappings() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0, to: 0x4000_0100, size: 0x400, attributes: readWrite).isComplete)
        #expect(table.map(iova: 0x400, to: 0x4000_0400, size: 0x400, attributes: readWrite).isComplete)
        #expect(table.unmap(iova: 0, size: 0x800) == RangeOutcome(bytes: 0x800))
        #expect(leaves(table).isEmpty)
        #expect(table.tableCount == 1, "every emptied table is freed")
    }

    @Test func aHoleStopsItAfterThePrefix() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0, to: 0, size: 0x100, attributes: readWrite).isComplete)
        #expect(table.map(iova: 0x200, to: 0x200, size: 0x100, attributes: readWrite).isComplete)
        let outcome = table.unmap(iova: 0, size: 0x300)
        #expect(outcome.bytes == 0x100 && outcome.error?.kind == .notMapped && outcome.error?.address == 0x100)
        #expect(table.translate(0) == nil)
        #expect(table.translate(0x200) == 0x200, "nothing beyond the hole is touched")
    }

    @Test func neverSplitsALeaf() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0x400, to: 0x400, size: 0x400, attributes: readWrite).isComplete)  // one 1K leaf
        #expect(table.map(iova: 0x200, to: 0x200, size: 0x200, attributes: readWrite).isComplete)  // one pair
        for (iova, size) in [(0x500, 0x100), (0x400, 0x100), (0x300, 0x100), (0x200, 0x100)] as [(UInt64, UInt64)] {
            let outcome = table.unmap(iova: iova, size: size)
            #expect(outcome.bytes == 0 && outcome.error?.kind == .partialLeaf, "unmap \(hex(iova)) \(hex(size))")
        }
        // Running into a leaf that ends beyond the range keeps the prefix before it.
        let outcome = table.unmap(iova: 0x200, size: 0x300)
        #expect(outcome.bytes == 0x200 && outcome.error?.kind == .partialLeaf)
        #expect(table.translate(0x7FF) == 0x7FF)
        #expect(table.translate(0x200) == nil)
    }

    @Test func emptiedTablesAreFreedEvenWhenNotFullyCovered() throws {
        let fixture = tinyFixture()
        var table = try fixture.makeTable(TinyFormat())
        #expect(table.map(iova: 0x3_0100, to: 0x100, size: 0x100, attributes: readWrite).isComplete)
        #expect(table.tableCount == 5)
        #expect(table.unmap(iova: 0x3_0100, size: 0x100).isComplete)
        #expect(table.tableCount == 1)
        #expect(fixture.allocator.liveBlocks == 1)
        // The emptied slot can take a large leaf again.
        #expect(table.map(iova: 0x3_0000, to: 0x8000, size: 0x8000, attributes: readWrite).isComplete)
    }

    @Test func badRangesUnmapNothing() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0, to: 0, size: 0x1000, attributes: readWrite).isComplete)
        #expect(table.unmap(iova: 0x80, size: 0x100).error?.kind == .misaligned)
        #expect(table.unmap(iova: 0, size: 0).error?.kind == .misaligned)
        #expect(table.unmap(iova: 0x3_FF00, size: 0x200).error?.kind == .outOfRange)
        let hole = table.unmap(iova: 0x2000, size: 0x100)
        #expect(hole.bytes == 0 && hole.error?.kind == .notMapped && hole.error?.address == 0x2000)
        #expect(table.translate(0xFFF) == 0xFFF)
    }
}

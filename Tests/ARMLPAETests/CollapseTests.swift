import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// `collapse(iova:size:)` on ARM LPAE: at FEAT_BBM level 2 a uniform table becomes one block
/// (recursively, groups and pages mixed), freed only after the invalidation; below it the
/// change is refused with `unsupported`; every refusal leaves the table as it was.
@Suite struct CollapseTests {
    let fixture = TableFixture()
    let rw = MapAttributes(access: [.read, .write])
    let page: UInt64 = 4096, block: UInt64 = 2 << 20, base: UInt64 = 0x4000_0000

    static func format(_ level: ARMLPAE.BreakBeforeMakeLevel, granule: ARMLPAE.Granule = .size4K) throws -> ARMLPAE {
        var configuration = ARMLPAE.Configuration(granule: granule)
        configuration.breakBeforeMakeLevel = level
        return try ARMLPAE(configuration)
    }

    /// A 2 MiB range of 512 single pages from a block-aligned output: one L3 table.
    func pagesTable(_ level: ARMLPAE.BreakBeforeMakeLevel = .level2) throws -> TestTable<ARMLPAE> {
        var table = try fixture.makeTable(Self.format(level))
        #expect(table.mapPages(iova: block, to: base, pageSize: page, pageCount: 512, attributes: rw).isComplete)
        #expect(table.lookup(block)?.size == page && table.tableCount == 4)
        return table
    }

    @Test func pagesBecomeOneBlock() throws {
        var table = try pagesTable()
        fixture.invalidator.reset()
        #expect(table.collapse(iova: block, size: block) == RangeOutcome(bytes: block))
        let found = table.lookup(block + 0x1234)
        let leaf = try #require(found)
        #expect(leaf.size == block && leaf.physicalAddress == base && leaf.attributes == rw && leaf.level == 1)
        #expect(table.translate(block + 0x1f_f123) == base + 0x1f_f123)
        #expect(table.tableCount == 3, "the L3 table was freed")
        #expect(fixture.invalidator.requests.contains(.leaves(block..<2 * block, LevelSet(level: 0))))
        #expect(fixture.invalidator.requests.contains { if case .walks(let range, _) = $0 { range == block..<2 * block } else { false } })
        #expect(table.invariantViolations().isEmpty)
    }

    @Test func cutTwiceCollapsesInOneCall() throws {
        var table = try fixture.makeTable(Self.format(.level2))
        let gigabyte: UInt64 = 1 << 30
        #expect(table.map(iova: gigabyte, to: base, size: gigabyte, attributes: rw).isComplete)
        #expect(table.cut(iova: gigabyte).isComplete)               // 32 groups of 16 x 2 MiB
        #expect(table.cut(iova: gigabyte + 3 * block).isComplete)   // one group: 16 blocks
        #expect(table.cut(iova: gigabyte + 3 * block).isComplete)   // one block: 32 groups of 16 pages
        #expect(table.cut(iova: gigabyte + 3 * block).isComplete)   // one group: 16 pages
        #expect(table.lookup(gigabyte + 3 * block)?.size == page && table.tableCount == 4)
        #expect(table.collapse(iova: gigabyte, size: gigabyte) == RangeOutcome(bytes: gigabyte))
        #expect(table.lookup(gigabyte + 3 * block)?.size == gigabyte && table.tableCount == 2)
        #expect(table.translate(gigabyte + 3 * block + 5 * page) == base + 3 * block + 5 * page)
    }

    @Test func refusalsLeaveTheTableAsItWas() throws {
        var table = try pagesTable()
        #expect(table.protect(iova: block + 7 * page, size: page, attributes: MapAttributes(access: [.read])).isComplete)
        let before = leaves(of: table)
        let expectations: [(UInt64, UInt64, PageTableError.Kind, UInt64)] = [
            (block, block, .notUniform, block + 7 * page),     // another attribute set at page 7
            (block + page, block, .misaligned, block + page),  // not a multiple of the block
            (block, 64 << 10, .unsupported, block),            // a group's size: never made
            (block, 3 * page, .unsupported, block),            // no such block
            (4 * block, block, .notMapped, 4 * block),         // nothing there
        ]
        for (iova, size, kind, address) in expectations {
            let outcome = table.collapse(iova: iova, size: size)
            #expect(outcome.bytes == 0 && outcome.error?.kind == kind && outcome.error?.address == address, "\(hex(iova)) \(outcome)")
        }
        #expect(leaves(of: table) == before && table.tableCount == 4)
        // A hole, another output, an unaligned run, one block already there.
        #expect(table.unmap(iova: block + 7 * page, size: page).isComplete)
        expect(table.collapse(iova: block, size: block), .notMapped, at: block + 7 * page)
        #expect(table.map(iova: block + 7 * page, to: 0x5000_0000, size: page, attributes: rw).isComplete)
        expect(table.collapse(iova: block, size: block), .notUniform, at: block + 7 * page)
        var shifted = try fixture.makeTable(Self.format(.level2))
        #expect(shifted.mapPages(iova: block, to: base + page, pageSize: page, pageCount: 512, attributes: rw).isComplete)
        expect(shifted.collapse(iova: block, size: block), .misaligned, at: block)
        #expect(shifted.map(iova: 4 * block, to: base, size: block, attributes: rw).isComplete)
        expect(shifted.collapse(iova: 4 * block, size: block), .unsupported, at: 4 * block)
        expect(shifted.collapse(iova: 0, size: 1 << 30), .notMapped, at: 0)
    }

    @Test(arguments: [ARMLPAE.BreakBeforeMakeLevel.level0, .level1])
    func belowLevel2ItNeedsBreakBeforeMake(_ level: ARMLPAE.BreakBeforeMakeLevel) throws {
        var table = try pagesTable(level)
        let before = leaves(of: table)
        fixture.invalidator.reset()
        expect(table.collapse(iova: block, size: block), .unsupported, at: block)
        #expect(leaves(of: table) == before && table.tableCount == 4 && fixture.invalidator.requests.isEmpty)
    }

    @Test func granule64KCollapsesHalfAGigabyte() throws {
        var table = try fixture.makeTable(Self.format(.level2, granule: .size64K))
        let page: UInt64 = 64 << 10, block: UInt64 = 512 << 20
        #expect(table.mapPages(iova: block, to: base, pageSize: page, pageCount: 8192, attributes: rw).isComplete)
        #expect(table.cut(iova: block).error?.kind == .unsupported, "a 64K page has nothing smaller")
        #expect(table.collapse(iova: block, size: 2 << 20).error?.kind == .unsupported, "2 MiB is a group on 64K")
        #expect(table.collapse(iova: block, size: block) == RangeOutcome(bytes: block))
        #expect(table.lookup(block + page)?.size == block && table.translate(block + page + 1) == base + page + 1)
    }

    /// The tables below are given back only after the walks through them were invalidated.
    @Test func tablesAreFreedAfterTheInvalidation() throws {
        let allocator = FreeWatchingAllocator(fixture.allocator, invalidator: fixture.invalidator)
        var table = try PageTable(format: Self.format(.level2), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        #expect(table.mapPages(iova: block, to: base, pageSize: page, pageCount: 512, attributes: rw).isComplete)
        fixture.invalidator.reset()
        #expect(table.collapse(iova: block, size: block).isComplete)
        let walks = try #require(fixture.invalidator.requests.firstIndex {
            if case .walks(let range, _) = $0 { range.contains(block) } else { false }
        })
        #expect(allocator.requestsBeforeFree.count == 1)
        #expect(allocator.requestsBeforeFree.allSatisfy { $0 > walks }, "freed before the walk invalidation")
    }

    private func expect(_ outcome: RangeOutcome, _ kind: PageTableError.Kind, at address: UInt64,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(outcome.bytes == 0 && outcome.error?.kind == kind && outcome.error?.address == address, "\(outcome)",
                sourceLocation: sourceLocation)
    }

    private func leaves(of table: borrowing TestTable<ARMLPAE>) -> [Mapping] {
        var found: [Mapping] = []
        table.forEachMapping { found.append($0) }
        return found
    }
}

/// An allocator that notes, at every free, how many invalidation requests came before it.
final class FreeWatchingAllocator: TableAllocator {
    let inner: BuddyAllocator
    let invalidator: RecordingInvalidator
    private(set) var requestsBeforeFree: [Int] = []

    init(_ inner: BuddyAllocator, invalidator: RecordingInvalidator) {
        self.inner = inner
        self.invalidator = invalidator
    }

    func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        inner.allocate(bytes: bytes, alignment: alignment, limit: limit)
    }

    func free(_ address: PhysicalAddress, bytes: Int) {
        requestsBeforeFree.append(invalidator.requests.count)
        inner.free(address, bytes: bytes)
    }
}

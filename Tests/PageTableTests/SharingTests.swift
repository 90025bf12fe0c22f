import PageTable
import PageTableTestSupport
import Testing

/// Repeats with shared tables on the tiny format: 256-byte pages, four items per table, five
/// levels (table spans: level 0 1K, level 1 4K, level 2 16K, level 3 64K, top 256K).
@Suite struct SharingTests {
    let format = TinyFormat(allowsSharedTables: true)
    let page: UInt64 = 0x100

    func makeTable(_ fixture: TableFixture = tinyFixture()) throws -> TestTable<TinyFormat> {
        try fixture.makeTable(format)
    }

    @Test func anAlignedRepeatSharesOneTablePerLevel() throws {
        var table = try makeTable()
        // 128K: two top items of 64K. A level-3 table whose items point at one level-2 table
        // whose items point at one level-1 table of four leaves... one chain table per level.
        #expect(table.mapRepeat(iova: 0x2_0000, size: 0x2_0000, physicalAddress: 0x5000, pageSize: page,
                                attributes: readWrite) == RangeOutcome(bytes: 0x2_0000))
        #expect(table.tableCount == 5, "top + one chain table at each of levels 3, 2, 1, 0")
        #expect(table.statistics.sharedTables == 4)
        #expect(table.statistics.mappedBytes == 0x2_0000)
        for address in stride(from: UInt64(0x2_0000), to: 0x4_0000, by: 0x1234) {
            #expect(table.translate(address) == 0x5000 + address % page)
        }
        #expect(table.invariantViolations().isEmpty)
    }

    @Test func unalignedEndsGetPrivateTablesOnly() throws {
        var table = try makeTable()
        // One page short of 64K at each end: private level-3..0 tables at both ends.
        let outcome = table.mapRepeat(iova: 0x1_0100, size: 0x1_FE00, physicalAddress: 0x5000, pageSize: page,
                                      attributes: readWrite)
        #expect(outcome.isComplete)
        let estimateOnEmpty = try makeTable().estimateRepeat(iova: 0x1_0100, size: 0x1_FE00, pageSize: page)
        #expect(estimateOnEmpty.tables == table.tableCount - 1, "the estimate is exact")
        // Per end: one private table at each of levels 3, 2, 1, 0 = 8; chain: levels 2, 1, 0 = 3.
        #expect(table.tableCount == 1 + 8 + 3)
        #expect(table.invariantViolations().isEmpty)
    }

    @Test func punchingAHoleCopiesOnlyThePath() throws {
        let fixture = tinyFixture()
        var table = try makeTable(fixture)
        #expect(table.mapRepeat(iova: 0, size: 0x4_0000, physicalAddress: 0x5000, pageSize: page,
                                attributes: readWrite).isComplete)
        let before = table.tableCount
        let estimate = try table.estimateUnmap(iova: 0x2_3400, size: page)
        #expect(table.unmap(iova: 0x2_3400, size: page).isComplete)
        let copies = table.tableCount - before
        #expect(copies == estimate.tables && copies <= 2 * 4, "copy-on-write touches one path: \(copies)")
        #expect(table.translate(0x2_3400) == nil)
        #expect(table.translate(0x2_3300) == 0x5000 && table.translate(0x2_3500) == 0x5000)
        #expect(table.map(iova: 0x2_3400, to: 0x9_0000, size: page, attributes: readWrite).isComplete)
        #expect(table.translate(0x2_34FF) == 0x9_00FF)
        #expect(table.tableCount <= before + 2 * 4)
        #expect(table.invariantViolations().isEmpty)
        // Everything unmapped: only the top table remains, and every table went back.
        #expect(table.unmap(iova: 0, size: 0x4_0000).isComplete)
        #expect(table.tableCount == 1 && fixture.allocator.liveBlocks == 1)
    }

    /// Sparse residency: a range is "resident but empty" when a dummy page is repeated over it,
    /// so accesses never fault; real memory replaces the dummy page by page.
    @Test func sparseResidencyTurnsDummyPagesIntoRealOnes() throws {
        let fixture = tinyFixture()
        var table = try makeTable(fixture)
        let dummy: UInt64 = 0xD000
        #expect(table.mapRepeat(iova: 0, size: 0x1_0000, physicalAddress: dummy, pageSize: page,
                                attributes: readWrite).isComplete)
        for (index, address) in stride(from: UInt64(0x4000), to: 0x4400, by: Int(page)).enumerated() {
            let batch: [BatchOperation] = [
                .unmap(iova: address, size: page),
                .map(iova: address, physicalAddress: 0x10_0000 + UInt64(index) * page, size: page, attributes: readWrite),
            ]
            let outcomes = table.apply(batch)
            #expect(outcomes.allSatisfy { $0.isComplete }, "\(outcomes)")
        }
        #expect(table.translate(0x4180) == 0x10_0180, "made real")
        #expect(table.translate(0x4480) == dummy + 0x80, "still the dummy page")
        #expect(table.translate(0xFFFF) == dummy + 0xFF)
        #expect(table.invariantViolations().isEmpty)
        #expect(table.unmap(iova: 0, size: 0x1_0000).isComplete)
        #expect(table.tableCount == 1 && fixture.allocator.liveBlocks == 1)
    }

    @Test func aBatchIsOneSync() throws {
        let fixture = tinyFixture()
        var table = try makeTable(fixture)
        #expect(table.mapRepeat(iova: 0, size: 0x1_0000, physicalAddress: 0xD000, pageSize: page,
                                attributes: readWrite).isComplete)
        let syncs = table.syncCount
        let outcomes = table.apply([
            .unmap(iova: 0x100, size: page),
            .unmap(iova: 0x8000, size: 0x4000),
            .repeat(iova: 0x2_0000, size: 0x1_0000, physicalAddress: 0xE000, pageSize: page, attributes: readWrite),
            .map(iova: 0x100, physicalAddress: 0x7_0000, size: page, attributes: readWrite),
        ])
        #expect(outcomes.allSatisfy { $0.isComplete }, "\(outcomes)")
        #expect(table.syncCount == syncs + 1)
        #expect(table.invariantViolations().isEmpty)
    }

    @Test func mapsNeverWriteIntoSharedTables() throws {
        var table = try makeTable()
        #expect(table.mapRepeat(iova: 0, size: 0x1_0000, physicalAddress: 0xD000, pageSize: page,
                                attributes: readWrite).isComplete)
        let outcome = table.map(iova: 0x4000, to: 0x9000, size: page, attributes: readWrite)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .alreadyMapped)
        let again = table.mapRepeat(iova: 0x4000, size: 0x1000, physicalAddress: 0x9000, pageSize: page,
                                    attributes: readWrite)
        #expect(again.bytes == 0 && again.error?.kind == .alreadyMapped)
        #expect(table.translate(0x4000) == 0xD000)
        #expect(table.invariantViolations().isEmpty)
    }

    @Test func formatsWithoutSharingRepeatWithPrivateTables() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.mapRepeat(iova: 0, size: 0x1_0000, physicalAddress: 0xD000, pageSize: page,
                                attributes: readWrite).isComplete)
        #expect(table.statistics.sharedTables == 0)
        #expect(table.tableCount == 1 + 1 + 4 + 16 + 64, "one table per item, as a naive expansion")
        #expect(table.translate(0xFF80) == 0xD080)
    }
}

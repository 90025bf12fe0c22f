import GPULPAE
import PageTable
import PageTableTestSupport
import Testing

/// Repeat mappings through the walker on `gpu-lpae`: exact table counts for aligned and
/// unaligned ranges, translations equal to the naive expansion, and cleanup.
///
/// Levels (48-bit VA, 4K granule), walker numbering in brackets: L0 [3] items span 512 GiB,
/// L1 [2] 1 GiB, L2 [1] 2 MiB, L3 [0] 4 KiB.
@Suite struct RepeatTableTests {
    let fixture = TableFixture()
    let rw = MapAttributes(access: [.read, .write])
    static let kilobyte: UInt64 = 1 << 10, megabyte: UInt64 = 1 << 20, gigabyte: UInt64 = 1 << 30
    static let terabyte: UInt64 = 1 << 40
    /// The repeated page.
    static let page: PhysicalAddress = 0x6000_0000

    /// The contract: 1 TiB of one 4K page at 1 TiB. L0 items 2 and 3 point at one L1
    /// table, whose 512 items point at one L2 table, whose 512 items point at one L3 table of
    /// 512 identical leaves: four tables in all, three of them shared.
    @Test func oneTebibyteOfOnePageTakesFourTables() throws {
        var table = try fixture.makeTable(GPULPAE())
        let base: VirtualAddress = 0x100_0000_0000
        let outcome = table.mapRepeat(iova: base, size: Self.terabyte, physicalAddress: Self.page, pageSize: 4096,
                                      attributes: rw)
        #expect(outcome == RangeOutcome(bytes: Self.terabyte))
        #expect(table.tableCount <= 8)
        #expect(table.tableCount == 4)
        #expect(table.invariantViolations() == [])
        let statistics = table.statistics
        #expect(statistics.tables == 4)
        #expect(statistics.tablesPerLevel == [1, 1, 1, 1])
        #expect(statistics.sharedTables == 3)
        #expect(statistics.mappedBytes == Self.terabyte)
        #expect(statistics.leavesPerLevel == [Int(Self.terabyte >> 12), 0, 0, 0], "as many leaves as the naive expansion")
        #expect(table.tableBytes == 4 * 4096)

        for (iova, expected) in [(base, Self.page), (base + 0x123, Self.page + 0x123), (base + 0x1fff, Self.page + 0xfff),
                                 (0x155_5555_5abc, Self.page + 0xabc), (0x180_0000_0000, Self.page),
                                 (base + Self.terabyte - 1, Self.page + 0xfff)] as [(VirtualAddress, PhysicalAddress)] {
            #expect(table.translate(iova) == expected, "\(String(iova, radix: 16))")
        }
        #expect(table.translate(base - 1) == nil)
        #expect(table.translate(base + Self.terabyte) == nil)
        let found = table.lookup(0x1ab_cdef_0123)
        let leaf = try #require(found)
        #expect(leaf.virtualAddress == 0x1ab_cdef_0000 && leaf.physicalAddress == Self.page && leaf.size == 4096)
        #expect(leaf.attributes == rw)
    }

    /// A 2 MiB page repeats as 2 MiB blocks: one L2 table of 512 identical blocks shared by
    /// every item of one L1 table, which both L0 items share.
    @Test func aTwoMebibytePageRepeatsAsSharedBlocks() throws {
        var table = try fixture.makeTable(GPULPAE())
        let base: VirtualAddress = 0x100_0000_0000
        let outcome = table.mapRepeat(iova: base, size: Self.terabyte, physicalAddress: Self.page,
                                      pageSize: 2 * Self.megabyte, attributes: rw)
        #expect(outcome == RangeOutcome(bytes: Self.terabyte))
        #expect(table.tableCount == 3)
        #expect(table.invariantViolations() == [])
        let statistics = table.statistics
        #expect(statistics.tablesPerLevel == [0, 1, 1, 1])
        #expect(statistics.sharedTables == 2)
        #expect(statistics.leavesPerLevel == [0, Int(Self.terabyte >> 21), 0, 0])
        #expect(table.translate(base + 0x1234_5678) == Self.page + 0x14_5678)
        #expect(table.translate(base + Self.terabyte - 1) == Self.page + 2 * Self.megabyte - 1)
        let found = table.lookup(base + 5 * Self.gigabyte + 0x30_1000)
        let leaf = try #require(found)
        #expect(leaf.size == 2 * Self.megabyte && leaf.level == 1 && leaf.physicalAddress == Self.page)
    }

    /// With a 39-bit VA the top table is an L1: repeating the whole space shares one L2 and
    /// one L3 table.
    @Test func aThirtyNineBitSpaceRepeatsIntoThreeTables() throws {
        var table = try fixture.makeTable(GPULPAE(inputAddressBits: 39))
        let size: UInt64 = 1 << 39
        #expect(table.mapRepeat(iova: 0, size: size, physicalAddress: Self.page, pageSize: 4096, attributes: rw)
                == RangeOutcome(bytes: size))
        #expect(table.tableCount == 3)
        #expect(table.invariantViolations() == [])
        #expect(table.statistics.sharedTables == 2)
        #expect(table.translate(size - 1) == Self.page + 0xfff)
        let beyond = table.mapRepeat(iova: size - 4096, size: 8192, physicalAddress: Self.page, pageSize: 4096,
                                     attributes: rw)
        #expect(beyond.bytes == 0 && beyond.error?.kind == .outOfRange)
    }

    /// Start 4K after a 2 MiB boundary, end 4K before another, across two 1 GiB boundaries:
    /// [1G + 2M + 4K, 3G + 4M - 4K). Only the two partial 2 MiB items get private L3 tables.
    ///
    /// - L0 item 0 is partly covered: a private L1.
    /// - L1 item 1 (1G..2G) partly: a private L2 whose item 1 is partial (a private L3 of 511
    ///   leaves) and items 2...511 full (the shared L3).
    /// - L1 item 2 (2G..3G) full: the chain's L2, linked once (so not shared), all 512 items
    ///   pointing at the shared L3.
    /// - L1 item 3 (3G..4G) partly: a private L2 whose item 0 is full (the shared L3) and item 1
    ///   partial (a private L3 of 511 leaves).
    ///
    /// Tables: L0 1, L1 1, L2 3, L3 3 = 8; shared: only the L3 (510 + 512 + 1 references).
    @Test func unalignedEndsGetPrivateTables() throws {
        var table = try fixture.makeTable(GPULPAE())
        let start = Self.gigabyte + 2 * Self.megabyte + 4096
        let end = 3 * Self.gigabyte + 4 * Self.megabyte - 4096
        #expect(table.mapRepeat(iova: start, size: end - start, physicalAddress: Self.page, pageSize: 4096, attributes: rw)
                == RangeOutcome(bytes: end - start))
        #expect(table.tableCount == 8)
        #expect(table.invariantViolations() == [])
        let statistics = table.statistics
        #expect(statistics.tablesPerLevel == [3, 3, 1, 1])
        #expect(statistics.sharedTables == 1)
        #expect(statistics.leavesPerLevel[0] == Int((end - start) >> 12))
        #expect(statistics.mappedBytes == end - start)
        var shared: [PhysicalAddress: Int] = [:]
        table.visit(expandingShared: false) { node in
            if case .table(let info) = node, info.references > 1 { shared[info.address] = info.references }
        }
        #expect(Array(shared.values) == [510 + 512 + 1])
        for iova in [start, start + 0x1fff, 2 * Self.gigabyte - 1, 2 * Self.gigabyte + 0x12_3456, 3 * Self.gigabyte,
                     end - 1] {
            #expect(table.translate(iova) == Self.page + iova & 0xfff, "\(String(iova, radix: 16))")
        }
        for iova in [start - 1, start - 4096, end, end + 4095, Self.gigabyte, 4 * Self.gigabyte] {
            #expect(table.translate(iova) == nil, "\(String(iova, radix: 16))")
        }
    }

    /// The same shape inside one 1 GiB item: [2M + 4K, 10M - 4K). L2 items 1 and 4 are partial
    /// (private L3 tables of 511 leaves), items 2 and 3 share the chain's L3.
    /// Tables: L0, L1, L2, 2 private L3 and 1 shared L3 = 6.
    @Test func unalignedEndsInsideOneGibibyte() throws {
        var table = try fixture.makeTable(GPULPAE())
        let start = 2 * Self.megabyte + 4096, end = 10 * Self.megabyte - 4096
        #expect(table.mapRepeat(iova: start, size: end - start, physicalAddress: Self.page, pageSize: 4096, attributes: rw)
                == RangeOutcome(bytes: end - start))
        #expect(table.tableCount == 6)
        #expect(table.invariantViolations() == [])
        #expect(table.statistics.tablesPerLevel == [3, 1, 1, 1])
        #expect(table.statistics.sharedTables == 1)
        #expect(table.translate(start + 0x234) == Self.page + 0x234)
        #expect(table.translate(end - 1) == Self.page + 0xfff)
        #expect(table.translate(end) == nil && table.translate(start - 1) == nil)
    }

    /// A single fully covered 2 MiB item: the chain's L3 is linked once, so it is an ordinary
    /// private table, and nothing is shared.
    @Test func aChainTableLinkedOnceIsNotShared() throws {
        var table = try fixture.makeTable(GPULPAE())
        let start = 2 * Self.megabyte + 4096, end = 8 * Self.megabyte - 4096
        #expect(table.mapRepeat(iova: start, size: end - start, physicalAddress: Self.page, pageSize: 4096, attributes: rw)
                .isComplete)
        #expect(table.tableCount == 6, "L0, L1, L2 and three L3 tables: 2M+4K..4M, 4M..6M, 6M..8M-4K")
        #expect(table.invariantViolations() == [])
        #expect(table.statistics.sharedTables == 0)
    }

    /// 2 MiB pages from 2M after one 1 GiB boundary to 2M before another, four GiB later:
    /// L1 items 1 and 4 are partial (private L2 tables of 511 blocks), items 2 and 3 share the
    /// chain's L2 of 512 blocks. Tables: L0, L1, 2 private L2, 1 shared L2 = 5.
    @Test func unalignedTwoMebibytePages() throws {
        var table = try fixture.makeTable(GPULPAE())
        let start = Self.gigabyte + 2 * Self.megabyte, end = 5 * Self.gigabyte - 2 * Self.megabyte
        #expect(table.mapRepeat(iova: start, size: end - start, physicalAddress: Self.page, pageSize: 2 * Self.megabyte,
                                attributes: rw) == RangeOutcome(bytes: end - start))
        #expect(table.tableCount == 5)
        #expect(table.invariantViolations() == [])
        #expect(table.statistics.tablesPerLevel == [0, 3, 1, 1])
        #expect(table.statistics.sharedTables == 1)
        #expect(table.statistics.leavesPerLevel[1] == Int((end - start) >> 21))
        #expect(table.translate(3 * Self.gigabyte + 0x1f_ffff) == Self.page + 0x1f_ffff)
    }

    @Test func misalignedOrUnknownPageSizesAreRefused() throws {
        var table = try fixture.makeTable(GPULPAE())
        for (iova, size, physicalAddress, pageSize) in [(0x1000, 0x20_0000, Self.page, 0x20_0000),
                                                        (0, 0x20_0000, Self.page + 0x1000, 0x20_0000),
                                                        (0, 0x1800, Self.page, 0x1000),
                                                        (0, 0x10000, Self.page, 0x10000)] as [(UInt64, UInt64, UInt64, UInt64)] {
            let outcome = table.mapRepeat(iova: iova, size: size, physicalAddress: physicalAddress, pageSize: pageSize,
                                          attributes: rw)
            #expect(outcome.bytes == 0 && outcome.error?.kind == .misaligned)
        }
        #expect(table.tableCount == 1)
        #expect(table.invariantViolations() == [])
    }

    /// An existing page stops a repeat exactly where it lies.
    @Test func anExistingLeafStopsTheRepeat() throws {
        var table = try fixture.makeTable(GPULPAE())
        #expect(table.map(iova: 0x30_0000, to: 0x4000_0000, size: 4096, attributes: rw).isComplete)
        let outcome = table.mapRepeat(iova: 0, size: 8 * Self.megabyte, physicalAddress: Self.page, pageSize: 4096,
                                      attributes: rw)
        #expect(outcome.bytes == 0x30_0000 && outcome.error?.kind == .alreadyMapped)
        #expect(table.translate(0x2f_f000) == Self.page)
        #expect(table.translate(0x30_0000) == 0x4000_0000)
        #expect(table.translate(0x30_1000) == nil)
    }

    // MARK: - Changing shared regions (needs the walker's copy-on-write unmap and map)

    /// Unmapping the whole repeat leaves only the top table, and frees every shared table.
    @Test func unmappingTheWholeRepeatLeavesTheTopTable() throws {
        var table = try fixture.makeTable(GPULPAE())
        let base: VirtualAddress = 0x100_0000_0000
        #expect(table.mapRepeat(iova: base, size: Self.terabyte, physicalAddress: Self.page, pageSize: 4096, attributes: rw)
                .isComplete)
        let freeBefore = fixture.allocator.freeBytes
        #expect(table.unmap(iova: base, size: Self.terabyte) == RangeOutcome(bytes: Self.terabyte))
        #expect(table.tableCount == 1)
        #expect(table.invariantViolations() == [])
        #expect(table.statistics.tables == 1 && table.statistics.sharedTables == 0)
        #expect(fixture.allocator.freeBytes == freeBefore + 3 * 4096)
        #expect(table.translate(base) == nil && table.translate(base + Self.terabyte - 1) == nil)
    }

    @Test func unmappingUnalignedRepeatsLeavesTheTopTable() throws {
        var table = try fixture.makeTable(GPULPAE())
        let start = Self.gigabyte + 2 * Self.megabyte + 4096, end = 3 * Self.gigabyte + 4 * Self.megabyte - 4096
        #expect(table.mapRepeat(iova: start, size: end - start, physicalAddress: Self.page, pageSize: 4096, attributes: rw)
                .isComplete)
        let big = 5 * Self.gigabyte + 2 * Self.megabyte, bigEnd = 9 * Self.gigabyte - 2 * Self.megabyte
        #expect(table.mapRepeat(iova: big, size: bigEnd - big, physicalAddress: Self.page, pageSize: 2 * Self.megabyte,
                                attributes: rw).isComplete)
        #expect(table.unmap(iova: start, size: end - start) == RangeOutcome(bytes: end - start))
        #expect(table.unmap(iova: big, size: bigEnd - big) == RangeOutcome(bytes: bigEnd - big))
        #expect(table.tableCount == 1)
        #expect(table.invariantViolations() == [])
        #expect(table.statistics.tables == 1)
    }

    /// Punching a 4K hole into the shared repeat copies only the path to it, and every other
    /// address still translates as the naive expansion would; mapping a real page into the
    /// hole keeps within the same bound.
    @Test func punchingAHoleCopiesOnlyItsPath() throws {
        var table = try fixture.makeTable(GPULPAE())
        let base: VirtualAddress = 0x100_0000_0000
        #expect(table.mapRepeat(iova: base, size: Self.terabyte, physicalAddress: Self.page, pageSize: 4096, attributes: rw)
                .isComplete)
        let hole = base + 0x12_3456_7000
        #expect(table.unmap(iova: hole, size: 4096) == RangeOutcome(bytes: 4096))
        #expect(table.tableCount <= 16)
        #expect(table.invariantViolations() == [])
        #expect(table.tableCount <= 4 + 2 * 4, "at most about two tables per level copied")
        #expect(table.translate(hole) == nil && table.translate(hole + 4095) == nil)
        for iova in [hole - 1, hole + 4096, base, base + Self.terabyte - 1, hole ^ 0x20_0000, hole ^ 0x4000_0000,
                     hole ^ 0x80_0000_0000] {
            #expect(table.translate(iova) == Self.page + iova & 0xfff, "\(String(iova, radix: 16))")
        }
        #expect(table.map(iova: hole, to: 0x7000_0000, size: 4096, attributes: rw) == RangeOutcome(bytes: 4096))
        #expect(table.tableCount <= 16)
        #expect(table.invariantViolations() == [])
        #expect(table.translate(hole + 0x10) == 0x7000_0010)
        #expect(table.translate(hole + 4096) == Self.page)
        #expect(table.statistics.mappedBytes == Self.terabyte)
    }
}

import ARMv7Short
import PageTable
import PageTableTestSupport
import Testing

/// The io-pgtable v7s scenarios from the project's research notes, on the generic walker.
@Suite struct ScenarioTests {
    /// An arena below 4 GiB, as 32-bit table pointers require.
    let fixture = TableFixture(base: 0x8000_0000, size: 16 << 20)
    let rw = MapAttributes(access: [.read, .write])
    let page: UInt64 = 4 << 10, megabyte: UInt64 = 1 << 20

    /// Reads the 32-bit descriptor at `address` in `fixture`'s arena, as the MMU would.
    func read(_ address: UInt64) -> UInt32 {
        fixture.arena.bytes.load(fromByteOffset: Int(address - fixture.arena.base), as: UInt32.self)
    }

    @Test func theSecondL2TableCannotBeAllocated() throws {
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: ARMv7Short(), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        allocator.failAllocations(from: 2)  // The first L2 table is the 1st request from here.
        let outcome = table.map(iova: megabyte - page, to: 0x1000_0000, size: 2 * page, attributes: rw)
        #expect(outcome.bytes == 4096 && outcome.error?.kind == .outOfMemory, "\(outcome)")
        #expect(table.translate(megabyte - page) == 0x1000_0000)
        #expect(table.translate(megabyte - 1) == 0x1000_0FFF)
        #expect(table.translate(megabyte) == nil)
        #expect(table.tableCount == 2 && table.tableBytes == 16384 + 1024)
        #expect(table.invariantViolations().isEmpty)
        allocator.stopFailing()
        #expect(table.map(iova: megabyte, to: 0x1000_1000, size: page, attributes: rw).isComplete, "the rest maps later")
    }

    @Test func anExistingPageStopsTheMapAfterTheFreePages() throws {
        var table = try fixture.makeTable(ARMv7Short())
        #expect(table.map(iova: 2 * page, to: 0x2000_0000, size: page, attributes: rw).isComplete)
        let outcome = table.map(iova: 0, to: 0x1000_0000, size: 4 * page, attributes: rw)
        #expect(outcome.bytes == 8192 && outcome.error?.kind == .alreadyMapped, "\(outcome)")
        #expect(outcome.error?.address == 2 * page)
        #expect(table.translate(0) == 0x1000_0000 && table.translate(page) == 0x1000_1000)
        #expect(table.translate(2 * page) == 0x2000_0000, "the existing page is untouched")
        #expect(table.translate(3 * page) == nil)
    }

    @Test func largePagesSectionsAndSupersectionsAreNeverSplit() throws {
        var table = try fixture.makeTable(ARMv7Short())
        #expect(table.map(iova: 0, to: 0x1001_0000, size: 64 << 10, attributes: rw).isComplete)
        #expect(table.map(iova: megabyte, to: 0x1010_0000, size: megabyte, attributes: rw).isComplete)
        #expect(table.map(iova: 16 * megabyte, to: 0x2000_0000, size: 16 * megabyte, attributes: rw).isComplete)
        #expect(table.lookup(0x1234)?.size == 64 << 10)
        #expect(table.lookup(megabyte)?.size == megabyte)
        #expect(table.lookup(20 * megabyte)?.size == 16 * megabyte)
        for (iova, size) in [(page, page), (0, 2 * page), (megabyte, page), (megabyte + page, megabyte - page),
                             (16 * megabyte, megabyte), (31 * megabyte, megabyte)] {
            let outcome = table.unmap(iova: iova, size: size)
            #expect(outcome.bytes == 0 && outcome.error?.kind == .partialLeaf, "unmap \(iova) \(size): \(outcome)")
        }
        #expect(table.translate(page) == 0x1001_1000 && table.translate(megabyte + page) == 0x1010_1000)
        #expect(table.translate(31 * megabyte) == 0x20F0_0000)
        #expect(table.unmap(iova: 0, size: 64 << 10).isComplete)
        #expect(table.unmap(iova: megabyte, size: megabyte).isComplete)
        #expect(table.unmap(iova: 16 * megabyte, size: 16 * megabyte).isComplete)
        #expect(table.tableCount == 1 && fixture.allocator.liveBlocks == 1)
    }

    @Test func aSupersectionIsSixteenIdenticalL1Items() throws {
        var table = try fixture.makeTable(ARMv7Short())
        let base: UInt64 = 0x4000_0000
        #expect(table.map(iova: 0x1000_0000, to: base, size: 16 * megabyte, attributes: rw).isComplete)
        let first = read(table.root + 4 * 0x100)
        #expect(first == 0x4007_1C12, "section bits with bit 18, base PA[31:24]")
        for item in 0x100..<0x110 { #expect(read(table.root + 4 * UInt64(item)) == first, "item \(item)") }
        #expect(read(table.root + 4 * 0x110) == 0 && read(table.root + 4 * 0xFF) == 0)
        for offset: UInt64 in [0, 0x1234, 0x0012_3456, 0x00AB_CDEF, 0x00FF_FFFF] {
            #expect(table.translate(0x1000_0000 + offset) == base + offset)
        }
        #expect(table.lookup(0x10AB_CDEF) == Mapping(virtualAddress: 0x1000_0000, physicalAddress: base,
                                                     size: 16 * megabyte, level: 1, attributes: rw))
    }

    @Test func aLargePageIsSixteenIdenticalL2Items() throws {
        var table = try fixture.makeTable(ARMv7Short())
        #expect(table.map(iova: 0x0123_0000, to: 0x5555_0000, size: 64 << 10, attributes: rw).isComplete)
        let l1 = read(table.root + 4 * 0x012)
        #expect(l1 & 3 == 1, "an L1 page-table descriptor")
        let l2 = UInt64(l1 & 0xFFFF_FC00)
        #expect(l2 % 1024 == 0)
        for item in 0x30..<0x40 { #expect(read(l2 + 4 * UInt64(item)) == 0x5555_9C31, "item \(item)") }
        #expect(read(l2 + 4 * 0x2F) == 0 && read(l2 + 4 * 0x40) == 0)
        #expect(table.translate(0x0123_FFFF) == 0x5555_FFFF)
    }

    @Test func theArenaHoldsWhatAnMMUWalks() throws {
        var table = try fixture.makeTable(ARMv7Short())
        #expect(table.map(iova: 0x1234_5000, to: 0x8765_4000, size: page, attributes: MapAttributes(access: .read)).isComplete)
        #expect(table.root % 16384 == 0)
        let l1 = read(table.root + 4 * (0x1234_5000 >> 20))
        #expect(l1 & 3 == 1)
        let descriptor = read(UInt64(l1 & 0xFFFF_FC00) + 4 * ((0x1234_5000 >> 12) & 0xFF))
        #expect(descriptor == 0x8765_4E73)
    }

    @Test func mappingsUseTheLargestLeafBothAddressesAllow() throws {
        var table = try fixture.makeTable(ARMv7Short())
        // 0 ..< 32M + 1M + 64K + 4K with both sides aligned: two supersections, a section,
        // a large page, a small page.
        let size = 32 * megabyte + megabyte + (64 << 10) + page
        #expect(table.map(iova: 0, to: 0x4000_0000, size: size, attributes: rw).isComplete)
        var sizes: [UInt64] = []
        table.forEachMapping { sizes.append($0.size) }
        #expect(sizes == [16 * megabyte, 16 * megabyte, megabyte, 64 << 10, page])
        // A physical side aligned to 4K only forces small pages.
        #expect(table.map(iova: 0x1000_0000, to: 0x4000_1000, size: 64 << 10, attributes: rw).isComplete)
        #expect(table.lookup(0x1000_0000)?.size == page)
    }

    // MARK: - Tables from a zone

    typealias ZonedTable = PageTable<ARMv7Short, PhysicalArena, ZonedAllocator<BuddyAllocator, BuddyAllocator>,
                                     RecordingInvalidator>

    /// An allocator whose slab carves L2 tables from the lowest `zoneBytes` of the arena.
    func zonedAllocator(zoneBytes: Int) -> ZonedAllocator<BuddyAllocator, BuddyAllocator> {
        ZonedAllocator(arena: fixture.arena, zoneBytes: zoneBytes, objectSize: 1024)
    }

    /// A table allocating from `allocator`.
    func zonedTable(_ allocator: ZonedAllocator<BuddyAllocator, BuddyAllocator>) throws -> ZonedTable {
        try PageTable(format: ARMv7Short(), memory: fixture.arena, allocator: allocator, invalidator: fixture.invalidator)
    }

    @Test func l2TablesComeFromTheZoneAndTheL1FromTheRest() throws {
        let allocator = zonedAllocator(zoneBytes: 64 << 10)
        var table = try zonedTable(allocator)
        #expect(table.root == 0x8001_0000, "the L1 table lies above the zone")
        #expect(table.map(iova: 0, to: 0x1000_0000, size: page, attributes: rw).isComplete)
        #expect(table.map(iova: 5 * megabyte, to: 0x1000_0000, size: page, attributes: rw).isComplete)
        var tables: [UInt64] = []
        table.visit { if case .table(let info) = $0, info.level == 0 { tables.append(info.address) } }
        #expect(tables == [0x8000_0000, 0x8000_0400], "consecutive 1 KiB objects of the first slab page")
        #expect(allocator.slab.liveObjects == 2 && allocator.slab.pageCount == 1)
        #expect(table.tableBytes == 16384 + 2 * 1024)
    }

    @Test func exhaustingTheZoneMidMapGivesTheExactPrefix() throws {
        let allocator = zonedAllocator(zoneBytes: 8 << 10)
        var table = try zonedTable(allocator)  // 8 L2 tables
        // 16 MiB of 4 KiB pages (the physical side is only page-aligned) needs 16 L2 tables.
        let outcome = table.map(iova: 0, to: 0x1000_1000, size: 16 * megabyte, attributes: rw)
        #expect(outcome.bytes == 8 * megabyte && outcome.error?.kind == .outOfMemory, "\(outcome)")
        #expect(outcome.error?.address == 8 * megabyte)
        #expect(table.translate(8 * megabyte - 1) == 0x1000_1000 + 8 * megabyte - 1)
        #expect(table.translate(8 * megabyte) == nil)
        #expect(table.tableCount == 9 && allocator.slab.liveObjects == 8 && allocator.slab.pageCount == 2)
        #expect(table.invariantViolations().isEmpty)
        // Sections need no L2 table: the general memory still serves them.
        #expect(table.map(iova: 8 * megabyte, to: 0x2080_0000, size: 8 * megabyte, attributes: rw).isComplete)
        // Unmapping returns every slab page to the zone.
        #expect(table.unmap(iova: 0, size: 16 * megabyte).isComplete)
        #expect(table.tableCount == 1)
        #expect(allocator.slab.liveObjects == 0 && allocator.slab.pageCount == 0)
        #expect(allocator.slab.backing.freeBytes == 8 << 10 && allocator.general.liveBlocks == 1)
    }

    @Test func mapAllLeavesTheTableAsItWasWhenTheZoneRunsOut() throws {
        let allocator = zonedAllocator(zoneBytes: 4 << 10)
        var table = try zonedTable(allocator)  // 4 L2 tables
        #expect(table.map(iova: 0, to: 0x1000_0000, size: page, attributes: rw).isComplete)
        let outcome = table.mapAll(iova: 3 * megabyte - page, to: 0x2000_0000, size: 3 * megabyte, attributes: rw)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .outOfMemory, "\(outcome)")
        #expect(table.translate(3 * megabyte - page) == nil)
        #expect(table.tableCount == 2 && allocator.slab.liveObjects == 1)
        #expect(table.translate(0) == 0x1000_0000)
    }
}

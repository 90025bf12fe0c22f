import ARMv7Short
import PageTable
import PageTableTestSupport
import Testing

/// A supersection (a contiguous group of 16 sections) over an empty reserved L2 table: the
/// map goes into the pinned table with smaller leaves, never allocating, and the estimates say
/// so.
@Suite struct ReservedSupersectionTests {
    let fixture = TableFixture(base: 0x8000_0000, size: 16 << 20)
    let rw = MapAttributes(access: [.read, .write])
    let megabyte: UInt64 = 1 << 20

    @Test func aSupersectionOverAnEmptyReservedTableMapsIntoIt() throws {
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: ARMv7Short(), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        #expect(table.reserve(iova: megabyte, size: 4096).isComplete)
        let tables = table.tableCount
        let estimate = try table.estimateMap(iova: 0, size: 16 * megabyte, physicalAddress: 0)
        let worst = try table.estimateMap(iova: 0, size: 16 * megabyte)
        #expect(worst.tables == 15, "every other 1M needs an L2 table of 4K pages")
        let requests = allocator.requests
        let outcome = table.map(iova: 0, to: 0, size: 16 * megabyte, attributes: rw)
        #expect(outcome == RangeOutcome(bytes: 16 * megabyte))
        #expect(allocator.requests - requests == estimate.tables && estimate.tables == 0)
        #expect(table.tableCount == tables)
        for probe: UInt64 in [0, megabyte, megabyte + 0x1_2345, 2 * megabyte, 16 * megabyte - 1] {
            #expect(table.translate(probe) == probe)
        }
        #expect(table.lookup(0)?.size == megabyte, "sections where no table stands")
        #expect(table.lookup(megabyte)?.size == 64 << 10, "large pages in the pinned table")
        #expect(table.invariantViolations() == [])
        #expect(table.unmap(iova: 0, size: 16 * megabyte).isComplete)
        #expect(table.tableCount == tables, "the pinned table stays")
        #expect(table.release(iova: megabyte, size: 4096).isComplete)
        #expect(table.tableCount == 1)
    }

    @Test func aSupersectionOverATableHoldingPagesStillConflicts() throws {
        var table = try fixture.makeTable(ARMv7Short())
        #expect(table.reserve(iova: megabyte, size: 4096).isComplete)
        #expect(table.map(iova: megabyte + 0x8000, to: 0x1000_0000, size: 4096, attributes: rw).isComplete)
        // The supersection would overlap the page: it conflicts, as with no reservation.
        let outcome = table.map(iova: 0, to: 0, size: 16 * megabyte, attributes: rw)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .alreadyMapped, "\(outcome)")
        #expect(table.translate(0x1234) == nil)
        let sections = table.map(iova: 0, to: 0, size: 16 * megabyte - 1 * megabyte, attributes: rw)
        #expect(sections.bytes == megabyte && sections.error?.kind == .alreadyMapped, "\(sections)")
        #expect(table.translate(0x1234) == 0x1234)
        #expect(table.translate(megabyte + 0x8000) == 0x1000_0000)
        #expect(table.invariantViolations() == [])
    }

    /// `estimateReserve` counts the 1K L2 tables a reservation allocates, spares under sections
    /// and supersections included.
    @Test func reserveEstimatesCountSparesUnderSections() throws {
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: ARMv7Short(), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        #expect(table.map(iova: 2 * megabyte, to: 2 * megabyte, size: megabyte, attributes: rw).isComplete)
        #expect(table.map(iova: 16 * megabyte, to: 16 * megabyte, size: 16 * megabyte, attributes: rw).isComplete)
        #expect(table.map(iova: 0x1000, to: 0x1000, size: 4096, attributes: rw).isComplete)
        let estimate = try table.estimateReserve(iova: 0, size: 32 * megabyte)
        #expect(estimate.tables == 31, "one L2 table exists; the other 31 megabytes need one each: \(estimate)")
        #expect(estimate.bytes == 31 * 1024)
        let (tables, requests) = (table.tableCount, allocator.requests)
        #expect(table.reserve(iova: 0, size: 32 * megabyte).isComplete)
        #expect(allocator.requests - requests == estimate.tables && table.tableCount - tables == estimate.tables)
        #expect(table.invariantViolations() == [])
    }

    @Test func levelNamesTakeAnyInteger() {
        #expect(ARMv7Short().levelName(0) == "L2" && ARMv7Short().levelName(1) == "L1")
        #expect(ARMv7Short().levelName(.min) == "level \(Int.min)")
        #expect(ARMv7Short().levelName(.max) == "level \(Int.max)")
    }
}

import GPULPAE
import PageTable
import PageTableTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Repeats inside reservations never allocate, and `estimateReserve` is exactly what a
/// reservation allocates.
@Suite struct ReservedRepeatTests {
    let fixture = TableFixture()
    let rw = MapAttributes(access: [.read, .write])
    static let megabyte: UInt64 = 1 << 20, gigabyte: UInt64 = 1 << 30

    /// A 2M page repeated over an empty reserved L3 table goes into it as 4K leaves mapping the
    /// page's bytes in order.
    @Test func aBlockSizedRepeatOverAnEmptyReservedTableMapsIntoIt() throws {
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: GPULPAE(), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        #expect(table.reserve(iova: 0, size: 4096).isComplete)
        let page: PhysicalAddress = 0x4000_0000
        let outcome = table.mapRepeat(iova: 0, size: Self.gigabyte, physicalAddress: page, pageSize: 2 * Self.megabyte,
                                      attributes: rw)
        #expect(outcome == RangeOutcome(bytes: Self.gigabyte), "\(outcome)")
        #expect(table.lookup(0x1000)?.size == 4096)
        #expect(table.translate(0x1000) == page + 0x1000)
        #expect(table.translate(0x1F_F123) == page + 0x1F_F123)
        #expect(table.lookup(0x20_1000)?.size == 2 * Self.megabyte)
        #expect(table.translate(0x20_1000) == page + 0x1000)
        #expect(table.translate(Self.gigabyte - 1) == page + 2 * Self.megabyte - 1)
        #expect(table.invariantViolations() == [])
    }

    /// Issue 11's reproducer: a large leaf stood where a repeat now goes when the range was
    /// reserved; the repeat takes the reservation's spare instead of allocating.
    @Test func aRepeatWhereALargeLeafStoodTakesTheSpare() throws {
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: GPULPAE(), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        let block: VirtualAddress = 0x20_0000
        #expect(table.map(iova: block, to: 0x4020_0000, size: 2 * Self.megabyte, attributes: rw).isComplete)
        #expect(table.reserve(iova: 0, size: 4 * Self.megabyte).isComplete)
        #expect(table.unmap(iova: block, size: 2 * Self.megabyte).isComplete)
        let tables = table.tableCount
        allocator.failAllocations(from: 1)
        let outcome = table.mapRepeat(iova: block, size: 2 * Self.megabyte, physicalAddress: 0x6000_0000,
                                      pageSize: 4096, attributes: rw)
        #expect(outcome == RangeOutcome(bytes: 2 * Self.megabyte), "\(outcome)")
        #expect(allocator.injectedFailures == 0)
        #expect(table.tableCount == tables)
        #expect(table.translate(block + 0x5123) == 0x6000_0123)
        #expect(table.invariantViolations() == [])
        allocator.stopFailing()
        #expect(table.unmap(iova: block, size: 2 * Self.megabyte).isComplete)
        #expect(table.release(iova: 0, size: 4 * Self.megabyte).isComplete)
        #expect(table.invariantViolations() == [])
    }

    /// `estimateReserve` equals what `reserve` allocates, per level, over empty ranges, tables
    /// already there, large leaves (spares) and shared repeat tables.
    @Test func reserveEstimatesAreExact() throws {
        // PAGETABLE_SEED varies it, as for the conformance suites (.ci/seeds.sh).
        let seed = getenv("PAGETABLE_SEED").flatMap { UInt64(String(cString: $0)) } ?? 0xE57_0001
        var random = SeededGenerator(seed: seed)
        for round in 0..<40 {
            let allocator = FaultInjectingAllocator(fixture.allocator)
            var table = try PageTable(format: GPULPAE(), memory: fixture.arena, allocator: allocator,
                                      invalidator: fixture.invalidator)
            let window = 4 * Self.gigabyte
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let size = [4096, 2 * Self.megabyte, Self.gigabyte][Int.random(in: 0...2, using: &random)]
                let iova = UInt64.random(in: 0..<(window / size), using: &random) * size
                if Bool.random(using: &random) {
                    _ = table.map(iova: iova, to: iova, size: size, attributes: rw)
                } else {
                    _ = table.mapRepeat(iova: iova, size: size, physicalAddress: 0x6000_0000, pageSize: 4096, attributes: rw)
                }
            }
            let iova = UInt64.random(in: 0..<(window >> 12), using: &random) << 12
            let size = UInt64.random(in: 1...(64 << 8), using: &random) << 12
            let estimate = try table.estimateReserve(iova: iova, size: size)
            let (tables, bytes) = (table.tableCount, table.tableBytes)
            let requests = allocator.requests
            let outcome = table.reserve(iova: iova, size: size)
            let context = "seed \(seed) round \(round): reserve \(iova) + \(size)"
            #expect(outcome.isComplete, "\(context): \(outcome)")
            #expect(allocator.requests - requests == estimate.tables, "\(context): \(estimate)")
            #expect(table.tableCount - tables == estimate.tables, "\(context): spares count as live tables")
            #expect(table.tableBytes - bytes == estimate.bytes, "\(context)")
            #expect(table.invariantViolations() == [], "\(context)")
        }
    }

    /// A pool filled with exactly the estimate is enough for the reservation, and one table
    /// fewer is not.
    @Test func aPoolOfTheEstimateIsEnough() throws {
        for shortBy in [0, 1] {
            let pool = TablePool(source: fixture.allocator)
            pool.fill(count: 1, bytes: 4096, alignment: 4096)
            var table = try PageTable(format: GPULPAE(), memory: fixture.arena, allocator: pool,
                                      invalidator: fixture.invalidator)
            pool.fill(count: 3, bytes: 4096, alignment: 4096)
            #expect(table.map(iova: 0x20_0000, to: 0x4020_0000, size: 2 * Self.megabyte, attributes: rw).isComplete)
            let estimate = try table.estimateReserve(iova: 0, size: 8 * Self.megabyte)
            #expect(estimate.tables == 4, "three L3 tables and one spare under the block: \(estimate)")
            pool.fill(count: estimate.tables - shortBy - pool.available(bytes: 4096), bytes: 4096, alignment: 4096)
            let outcome = table.reserve(iova: 0, size: 8 * Self.megabyte)
            #expect(outcome.isComplete == (shortBy == 0), "\(outcome)")
        }
    }
}

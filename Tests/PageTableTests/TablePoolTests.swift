import PageTable
import PageTableTestSupport
import Testing

@Suite struct TablePoolTests {
    @Test func servesWhatItWasFilledWithThenGivesItBack() {
        let source = BuddyAllocator(base: 0x10_0000, size: 1 << 20)!
        do {
            let pool = TablePool(source: source)
            #expect(pool.fill(count: 3, bytes: 4096, alignment: 4096))
            #expect(source.liveBlocks == 3 && pool.available(bytes: 4096) == 3)
            let table = pool.allocate(bytes: 4096, alignment: 4096, limit: .max)
            #expect(table != nil && pool.available(bytes: 4096) == 2)
            #expect(pool.allocate(bytes: 1024, alignment: 1024, limit: .max) == nil, "only the sizes it holds")
            pool.free(table!, bytes: 4096)
            #expect(pool.available(bytes: 4096) == 3)
        }
        #expect(source.liveBlocks == 0, "the pool drains into its source as it goes away")
    }

    @Test func bulkAllocationIsAllOrNothing() {
        let source = BuddyAllocator(base: 0x10_0000, size: 16 << 10)!
        #expect(source.allocate(count: 5, bytes: 4096, alignment: 4096, limit: .max) == nil)
        #expect(source.liveBlocks == 0)
        #expect(source.allocate(count: 4, bytes: 4096, alignment: 4096, limit: .max)?.count == 4)
    }

    @Test func aTableRunsOnAPoolWithoutTouchingTheSystem() throws {
        let arena = PhysicalArena(base: 0x10_0000, size: 1 << 20)!
        let source = FaultInjectingAllocator(BuddyAllocator(arena: arena))
        let pool = TablePool(source: source)
        #expect(pool.fill(count: 8, bytes: 16, alignment: 16))
        source.failAllocations(from: 1)
        var table = try PageTable(format: TinyFormat(), memory: arena, allocator: pool, invalidator: OfflineInvalidator())
        #expect(table.map(iova: 0x100, to: 0x100, size: 0x100, attributes: readWrite).isComplete)
        #expect(pool.available(bytes: 16) == 3, "top table plus four below came from the pool")
    }
}

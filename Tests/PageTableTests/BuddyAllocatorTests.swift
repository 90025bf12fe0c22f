import PageTable
import Testing

@Suite struct BuddyAllocatorTests {
    @Test func handsOutTheLowestAlignedBlock() {
        let allocator = BuddyAllocator(base: 0x8000_0000, size: 1 << 20)!
        #expect(allocator.allocate(bytes: 64, alignment: 64, limit: .max) == 0x8000_0000)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) == 0x8000_1000)
        #expect(allocator.allocate(bytes: 64, alignment: 64, limit: .max) == 0x8000_0040)
        #expect(allocator.allocate(bytes: 16384, alignment: 16384, limit: .max) == 0x8000_4000)
        #expect(allocator.liveBlocks == 4)
    }

    /// The block covers the larger of size and alignment; the record keeps the size asked
    /// for, so the free names that size, and the cached block comes back first.
    @Test func anAlignmentLargerThanTheSizeSetsTheBlock() {
        let allocator = BuddyAllocator(base: 0x8000_0000, size: 1 << 20)!
        #expect(allocator.allocate(bytes: 64, alignment: 64, limit: .max) == 0x8000_0000)
        let block = allocator.allocate(bytes: 100, alignment: 4096, limit: .max)
        #expect(block == 0x8000_1000)
        #expect(allocator.liveBytes == 64 + 4096 && allocator.liveBlocks == 2)
        allocator.free(0x8000_1000, bytes: 100)
        #expect(allocator.liveBytes == 64 && allocator.liveBlocks == 1)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) == 0x8000_1000, "the cached block")
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: 0x8000_1FFF) == nil, "the limit is kept")
    }

    @Test func honoursTheLimitOrFails() {
        let allocator = BuddyAllocator(base: 0x8000_0000, size: 1 << 20)!
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: 0x7FFF_FFFF) == nil)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: 0x8000_0FFF) == 0x8000_0000)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: 0x8000_0FFF) == nil)
    }

    @Test func runsOutThenRecoversEverything() {
        let allocator = BuddyAllocator(base: 0x1_0000, size: 64 << 10)!
        var blocks: [UInt64] = []
        while let block = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) { blocks.append(block) }
        #expect(blocks.count == 16)
        #expect(Set(blocks).count == 16 && blocks.allSatisfy { $0 % 4096 == 0 })
        for block in blocks.reversed() { allocator.free(block, bytes: 4096) }
        #expect(allocator.freeBytes == 64 << 10 && allocator.liveBlocks == 0)
        #expect(allocator.allocate(bytes: 64 << 10, alignment: 64 << 10, limit: .max) == 0x1_0000, "buddies merged")
    }

    @Test func carvesAnUnalignedRangeIntoAlignedBlocks() {
        let allocator = BuddyAllocator(base: 0x3000, size: 0x5000)!  // 0x3000..<0x8000
        #expect(allocator.freeBytes == 0x5000)
        #expect(allocator.allocate(bytes: 0x4000, alignment: 0x4000, limit: .max) == 0x4000)
        #expect(allocator.allocate(bytes: 0x2000, alignment: 0x2000, limit: .max) == nil)
    }
}

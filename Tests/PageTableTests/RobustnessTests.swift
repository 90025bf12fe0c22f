import PageTable
import PageTableTestSupport
import Testing

/// Public initialisers and allocators refuse what they cannot serve, and nothing traps on
/// valid-typed input (issue: robustness).
@Suite struct RobustnessTests {
    @Test func failingFromAnUnreachableAllocationNeverFails() {
        let arena = PhysicalArena(base: 0x10_0000, size: 1 << 20)!
        let allocator = FaultInjectingAllocator(BuddyAllocator(arena: arena))
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) != nil)
        allocator.failAllocations(from: .max)  // requests + n would overflow
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) != nil)
        #expect(allocator.injectedFailures == 0)
        allocator.failAllocations(from: 1)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) == nil)
        #expect(allocator.injectedFailures == 1)
    }

    @Test func arenasRefuseMisalignedBases() {
        #expect(PhysicalArena(base: 0x1001, size: 4096) == nil)
        #expect(PhysicalArena(base: 0x1008, size: 4096) == nil)
        #expect(PhysicalArena(base: 0x1010, size: 4096) != nil)
        #expect(PhysicalArena(base: 0, size: 0) == nil)
        #expect(PhysicalArena(base: .max - 0xFFF, size: 0x2000) == nil)
    }

    @Test func buddyAllocatorsRefuseNegativeOrWrappingRanges() {
        #expect(BuddyAllocator(base: 0x1000, size: -1) == nil)
        #expect(BuddyAllocator(base: .max - 0xFFF, size: 0x2000) == nil)
        #expect(BuddyAllocator(base: .max - 0xFFF, size: 0x1000) == nil, "its end, 2^64, is not representable")
        let high = BuddyAllocator(base: .max - 0x1FFF, size: 0x1000)
        #expect(high?.allocate(bytes: 4096, alignment: 4096, limit: .max) == UInt64.max - 0x1FFF)
        let empty = BuddyAllocator(base: 0x1000, size: 0)
        #expect(empty?.allocate(bytes: 64, alignment: 64, limit: .max) == nil)
    }

    @Test func tablePoolsRefuseZeroAlignmentsAndSizes() {
        let pool = TablePool(source: BuddyAllocator(base: 0x10_0000, size: 1 << 20)!)
        #expect(pool.fill(count: 2, bytes: 4096, alignment: 4096))
        #expect(pool.allocate(bytes: 4096, alignment: 0, limit: .max) == nil)
        #expect(pool.allocate(bytes: 0, alignment: 4096, limit: .max) == nil)
        #expect(pool.allocate(bytes: 4096, alignment: -4096, limit: .max) == nil)
        #expect(pool.allocate(bytes: 4096, alignment: 4096, limit: .max) != nil)
    }

    @Test func buddyFreesTheSizeItWasAskedForEvenWhenAlignmentEnlargedTheBlock() {
        let allocator = BuddyAllocator(base: 0x10_0000, size: 64 << 10)!
        let block = allocator.allocate(bytes: 1024, alignment: 4096, limit: .max)!
        #expect(allocator.liveBytes == 4096)
        allocator.free(block, bytes: 1024)
        #expect(allocator.liveBytes == 0 && allocator.liveBlocks == 0)
        #expect(allocator.freeBytes == 64 << 10)
    }

    @Test func doubleFreesStopTheProgram() async {
        await #expect(processExitsWith: .failure) {
            let allocator = BuddyAllocator(base: 0x10_0000, size: 1 << 20)!
            let block = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)!
            allocator.free(block, bytes: 4096)
            allocator.free(block, bytes: 4096)
        }
    }

    @Test func freesOfAddressesNeverHandedOutStopTheProgram() async {
        await #expect(processExitsWith: .failure) {
            let allocator = BuddyAllocator(base: 0x10_0000, size: 1 << 20)!
            _ = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)
            allocator.free(0x10_1000, bytes: 4096)
        }
    }

    @Test func freesAboveEveryBlockHandedOutStopTheProgram() async {
        // Past the end of the side table of block starts, which grows only as far as needed.
        await #expect(processExitsWith: .failure) {
            let allocator = BuddyAllocator(base: 0x10_0000, size: 1 << 30)!
            _ = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)
            allocator.free(0x10_0000 + (1 << 29), bytes: 4096)
        }
    }

    @Test func freesInsideABlockStopTheProgram() async {
        await #expect(processExitsWith: .failure) {
            let allocator = BuddyAllocator(base: 0x10_0000, size: 1 << 20)!
            let block = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)!
            allocator.free(block + 64, bytes: 4096)
        }
    }

    @Test func blocksFreedAndHandedOutAgainAreCheckedAgain() {
        let allocator = BuddyAllocator(base: 0x10_0000, size: 1 << 20)!
        let blocks = (0..<256).map { _ in allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)! }
        #expect(Set(blocks).count == 256 && allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) == nil)
        for block in blocks.reversed() { allocator.free(block, bytes: 4096) }
        #expect(allocator.liveBlocks == 0 && allocator.freeBytes == 1 << 20)
        let again = allocator.allocate(bytes: 64, alignment: 64, limit: .max)!
        allocator.free(again, bytes: 64)
        #expect(allocator.liveBlocks == 0)
    }

    @Test func freesWithTheWrongSizeStopTheProgram() async {
        await #expect(processExitsWith: .failure) {
            let allocator = BuddyAllocator(base: 0x10_0000, size: 1 << 20)!
            let block = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)!
            allocator.free(block, bytes: 64)
        }
    }

    @Test func aFreedBlockIsHandedOutOnceAgain() {
        let allocator = BuddyAllocator(base: 0x10_0000, size: 8192)!
        let first = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)!
        let second = allocator.allocate(bytes: 4096, alignment: 4096, limit: .max)!
        allocator.free(first, bytes: 4096)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) == first)
        #expect(allocator.allocate(bytes: 4096, alignment: 4096, limit: .max) == nil)
        #expect(first != second)
    }

    @Test func defaultLevelNamesTakeAnyInteger() {
        #expect(TinyFormat().levelName(.min) == "level \(Int.min)")
        #expect(TinyFormat().levelName(.max) == "level \(Int.max)")
    }
}

import PageTable
import PageTableTestSupport
import Testing

@Suite struct FailureTests {
    /// [0x3F00, 0x4100) crosses a level-3 item: the first page needs four new tables, the second
    /// three more. Failing each allocation in turn must leave exactly the reported prefix.
    @Test(arguments: 1...7)
    func runningOutOfMemoryLeavesExactlyThePrefix(failingAllocation: Int) throws {
        let fixture = tinyFixture()
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: TinyFormat(), memory: fixture.arena, allocator: allocator,
                                  invalidator: fixture.invalidator)
        allocator.failAllocations(from: failingAllocation)
        let outcome = table.map(iova: 0x3F00, to: 0x4000_0000, size: 0x200, attributes: readWrite)
        let prefix: UInt64 = failingAllocation <= 4 ? 0 : 0x100
        #expect(outcome.bytes == prefix && outcome.error?.kind == .outOfMemory)
        #expect(table.translate(0x3F00) == (prefix > 0 ? 0x4000_0000 : nil))
        #expect(table.translate(0x4000) == nil)
        #expect(table.tableCount == (prefix > 0 ? 5 : 1), "tables allocated for the failed part are freed")
        #expect(table.invariantViolations().isEmpty)
        allocator.stopFailing()
        if prefix > 0 { #expect(table.unmap(iova: 0x3F00, size: prefix).isComplete) }
        #expect(table.tableCount == 1)
        #expect(fixture.allocator.liveBlocks == 1)
    }

    @Test func aTopTableThatCannotBeAllocatedIsAnError() throws {
        let fixture = tinyFixture()
        let allocator = FaultInjectingAllocator(fixture.allocator)
        allocator.failAllocations(from: 1)
        #expect(throws: PageTableError.self) {
            _ = try PageTable(format: TinyFormat(), memory: fixture.arena, allocator: allocator,
                              invalidator: OfflineInvalidator())
        }
    }

    /// An allocator that hands out misaligned memory, or memory outside the table memory.
    final class BrokenAllocator: TableAllocator {
        let base: BuddyAllocator
        var misbehave = false
        var frees = 0
        init(_ base: BuddyAllocator) { self.base = base }
        func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
            guard let address = base.allocate(bytes: bytes, alignment: alignment, limit: limit) else { return nil }
            return misbehave ? address + 4 : address
        }
        func free(_ address: PhysicalAddress, bytes: Int) {
            frees += 1
            base.free(address & ~7, bytes: bytes)
        }
    }

    @Test func aMisbehavingAllocatorIsRefusedNotTrusted() throws {
        let fixture = tinyFixture()
        let allocator = BrokenAllocator(fixture.allocator)
        var table = try PageTable(format: TinyFormat(), memory: fixture.arena, allocator: allocator,
                                  invalidator: OfflineInvalidator())
        allocator.misbehave = true
        let outcome = table.map(iova: 0, to: 0, size: 0x100, attributes: readWrite)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .outOfMemory)
        #expect(allocator.frees == 1, "the refused block went back")
        #expect(fixture.allocator.liveBlocks == 1)
    }
}

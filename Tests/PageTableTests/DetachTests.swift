import PageTable
import PageTableTestSupport
import Testing

@Suite struct DetachTests {
    @Test func detachLeavesTheTreeToTheHardware() throws {
        let fixture = tinyFixture()
        var table = try fixture.makeTable(TinyFormat())
        #expect(table.map(iova: 0x100, to: 0x4000_0100, size: 0x700, attributes: readWrite).isComplete)
        let root = table.root, registers = table.registers, tables = table.tableCount
        let rootBytes = Array(UnsafeRawBufferPointer(start: fixture.arena.pointer(to: root), count: 16))
        fixture.invalidator.reset()
        let detached = table.detach()
        #expect(detached.root == root && detached.registers == registers)
        #expect(fixture.allocator.liveBlocks == tables, "no table went back to the allocator")
        #expect(fixture.invalidator.requests.isEmpty, "nothing was invalidated")
        #expect(Array(UnsafeRawBufferPointer(start: fixture.arena.pointer(to: root), count: 16)) == rootBytes)
    }

    @Test func droppingStillTearsDown() throws {
        let fixture = tinyFixture()
        do {
            var table = try fixture.makeTable(TinyFormat())
            #expect(table.map(iova: 0x100, to: 0x4000_0100, size: 0x700, attributes: readWrite).isComplete)
            fixture.invalidator.reset()
        }
        #expect(fixture.allocator.liveBlocks == 0)
        #expect(fixture.invalidator.requests == [.all])
    }
}

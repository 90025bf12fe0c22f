import PageTable
import PageTableConcurrent
import PageTableKit
import PageTableTestSupport
import Testing

/// The concurrent table's one change of a live entry into another: an empty table (left by
/// unmaps that did not cover it) replaced by a block. The TLB model watches it for
/// break-before-make.
@Suite struct ConcurrentBreakBeforeMakeTests {
    @Test(arguments: [true, false])
    func anEmptyTableReplacedByABlockIsBrokenFirst(coherent: Bool) throws {
        let format = try ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: 48)
        let base: PhysicalAddress = 0x8000_0000, size = 4 << 20
        let view = HardwareView(base: base, size: size, coherent: coherent)
        let arena = PhysicalArena(base: base, size: size, cacheMaintenance: coherent ? nil : view.cacheMaintenance)!
        view.attach(arena)
        let tlb = TLBModel(format: format, view: view)
        let table = try ConcurrentPageTable(format: format, memory: arena, allocator: BuddyAllocator(arena: arena),
                                            invalidator: tlb)
        tlb.root = table.root
        let readWrite = MapAttributes(access: [.read, .write])
        #expect(table.map(iova: 0x20_0000, to: 0x4000_0000, size: 0x2000, attributes: readWrite).isComplete)
        #expect(table.unmap(iova: 0x20_0000, size: 0x1000).isComplete)
        #expect(table.unmap(iova: 0x20_1000, size: 0x1000).isComplete)
        tlb.prefetch([0x20_0000, 0x20_1000, 0x3F_F000])  // The walk cache holds the empty table.
        tlb.watchWrites(in: 0x20_0000..<0x40_0000)
        #expect(table.map(iova: 0x20_0000, to: 0x4020_0000, size: 0x20_0000, attributes: readWrite).isComplete)
        tlb.endWatch()
        #expect(tlb.breakBeforeMakeViolations.isEmpty, "\(tlb.breakBeforeMakeViolations)")
        #expect(table.lookup(0x20_0000)?.size == 0x20_0000, "the empty table was replaced by the block")
        tlb.prefetch([0x20_0000, 0x3F_F000])
        #expect(tlb.staleEntries(comparedWith: { table.translate($0) }).isEmpty)
        #expect(tlb.translate(0x20_1234) == 0x4020_1234)
    }
}

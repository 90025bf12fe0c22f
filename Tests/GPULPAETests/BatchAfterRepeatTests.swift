import GPULPAE
import PageTable
import PageTableTestSupport
import Testing

/// A prepared batch whose unmap cuts into tables a repeat earlier in the same batch shares:
/// the estimate is made before the repeat exists, so it must allow for the copies. Found by
/// the conformance kit on RISC-V (seeded batch 34 of `riscv sv48 s2 svnapot svpbmt`).
@Suite struct BatchAfterRepeatTests {
    @Test func anUnmapAfterASharingRepeatCommitsWithoutAllocating() throws {
        var modelled = try ModelledTable(GPULPAE(), base: 0x8000_0000, size: 64 << 20, coherent: true)
        let batch: [BatchOperation] = [
            // Three fully covered 2 MiB spans share one table of repeated leaves.
            .repeat(iova: 0x1_4000_0000, size: 0x61_5000, physicalAddress: 0x6000_0000, pageSize: 0x1000,
                    attributes: MapAttributes(access: [.read, .write])),
            // Cuts into two of them, across their boundary: each end copies the shared table.
            .unmap(iova: 0x1_403a_b000, size: 0x20_0000),
        ]
        let prepared = try modelled.table.prepare(batch)
        modelled.allocator.failAllocations(from: 1)  // Commit may only use what was prepared.
        let outcomes = modelled.table.commit(prepared)
        modelled.allocator.stopFailing()
        #expect(outcomes.map(\.bytes) == [0x61_5000, 0x20_0000])
        #expect(outcomes.allSatisfy { $0.error == nil })
        #expect(modelled.table.translate(0x1_403a_a000) == 0x6000_0000)
        #expect(modelled.table.translate(0x1_403a_b000) == nil)
        #expect(modelled.table.translate(0x1_405a_b000) == 0x6000_0000)
        #expect(modelled.buddy.liveBlocks == modelled.table.tableCount, "leftover tables went back")
        #expect(modelled.table.invariantViolations() == [])
    }
}

import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// The io-pgtable scenarios from the project's research notes, on ARM LPAE 4K stage 1.
@Suite struct ScenarioTests {
    let fixture = TableFixture()
    let rw = MapAttributes(access: [.read, .write])
    let page: UInt64 = 4096, megabyte: UInt64 = 1 << 20

    @Test func unmapAcrossTwoMappingsSharingOneTable() throws {
        var table = try fixture.makeTable(ARMLPAE())
        #expect(table.map(iova: 0, to: 0x4000_0000, size: page * 256, attributes: rw).isComplete)
        #expect(table.map(iova: megabyte, to: 0x4010_0000, size: page * 256, attributes: rw).isComplete)
        #expect(table.tableCount == 4, "both halves share one L3 table")
        #expect(table.unmap(iova: 0, size: 2 * megabyte) == RangeOutcome(bytes: 2 * megabyte))
        #expect(table.translate(0) == nil && table.translate(megabyte) == nil)
        #expect(table.tableCount == 1)
        #expect(fixture.invalidator.requests.contains(.leaves(0..<2 * megabyte, LevelSet(level: 0))))
    }

    @Test func mappingOverAnExistingLeafIsRefused() throws {
        var table = try fixture.makeTable(ARMLPAE())
        #expect(table.map(iova: 0x1000, to: 0x4000_0000, size: page, attributes: rw).isComplete)
        let outcome = table.map(iova: 0x1000, to: 0x5000_0000, size: page, attributes: rw)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .alreadyMapped)
        #expect(table.translate(0x1000) == 0x4000_0000)
    }

    @Test func anEmptiedTableMakesWayForABlock() throws {
        var table = try fixture.makeTable(ARMLPAE())
        #expect(table.map(iova: 0, to: 0x4000_0000, size: page, attributes: rw).isComplete)
        #expect(table.unmap(iova: 0, size: page).isComplete)
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 2 * megabyte, attributes: rw).isComplete)
        #expect(table.lookup(0x1234)?.size == 2 * megabyte)
        #expect(table.tableCount == 3)
    }

    @Test func aBlockIsNeverSplit() throws {
        var table = try fixture.makeTable(ARMLPAE())
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 2 * megabyte, attributes: rw).isComplete)
        let outcome = table.unmap(iova: page, size: page)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .partialLeaf)
        #expect(table.translate(page) == 0x4000_1000)
    }

    @Test func aHoleStopsAMultiPageUnmap() throws {
        var table = try fixture.makeTable(ARMLPAE())
        #expect(table.map(iova: 0, to: 0x4000_0000, size: page, attributes: rw).isComplete)
        #expect(table.map(iova: 2 * page, to: 0x4000_2000, size: page, attributes: rw).isComplete)
        let outcome = table.unmap(iova: 0, size: 3 * page)
        #expect(outcome.bytes == page && outcome.error?.kind == .notMapped)
        #expect(table.translate(2 * page) == 0x4000_2000)
    }

    @Test func theArenaHoldsTheDescriptorsHardwareReads() throws {
        var table = try fixture.makeTable(ARMLPAE(inputAddressBits: 39))
        #expect(table.map(iova: 0x4000_0000, to: 0x1234_5000, size: page, attributes: rw).isComplete)
        // Walk the raw bytes as an MMU would: L1[1] -> L2[0] -> L3[0].
        func read(_ address: UInt64) -> UInt64 {
            fixture.arena.bytes.load(fromByteOffset: Int(address - fixture.arena.base), as: UInt64.self)
        }
        let l1 = read(table.root + 8)
        #expect(l1 & 3 == 3)
        let l2 = read(l1 & 0x0000_FFFF_FFFF_F000)
        #expect(l2 & 3 == 3)
        #expect(read(l2 & 0x0000_FFFF_FFFF_F000) == 0x0060_0000_1234_5E43)
    }
}

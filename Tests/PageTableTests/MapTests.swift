import PageTable
import PageTableTestSupport
import Testing

@Suite struct MapTests {
    @Test func choosesTheLargestLeafAtEachPosition() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        // 0x100 is only page-aligned, 0x200 allows a contiguous pair, 0x400 a level-1 leaf.
        let outcome = table.map(iova: 0x100, to: 0x4000_0100, size: 0x700, attributes: readWrite)
        #expect(outcome == RangeOutcome(bytes: 0x700))
        let found = leaves(table).map { [$0.0, $0.1, UInt64($0.2)] }
        #expect(found == [[0x100, 0x100, 0], [0x200, 0x200, 0], [0x400, 0x400, 1]])
        #expect(table.translate(0x5FF) == 0x4000_05FF)
    }

    @Test func aContiguousGroupIsOneLeaf() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0, to: 0x4000_0000, size: 0x1_0000, attributes: readWrite).isComplete)
        let found = leaves(table).map { [$0.0, $0.1, UInt64($0.2)] }
        #expect(found == [[0, 0x8000, 3], [0x8000, 0x8000, 3]])
        #expect(table.tableCount == 2)
        #expect(table.translate(0xC123) == 0x4000_C123)
    }

    @Test func stopsAtAnExistingLeafWithTheExactPrefix() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0x300, to: 0x300, size: 0x100, attributes: .init(access: .read)).isComplete)
        let outcome = table.map(iova: 0, to: 0x4000_0100, size: 0x400, attributes: readWrite)
        #expect(outcome.bytes == 0x300)
        #expect(outcome.error?.kind == .alreadyMapped)
        #expect(outcome.error?.address == 0x300)
        #expect(table.translate(0x2FF) == 0x4000_03FF)
        #expect(table.translate(0x300) == 0x300, "the existing leaf is kept")
        #expect(table.lookup(0x300)?.attributes.access == .read)
    }

    @Test func aLargeLeafOverATableIsAlreadyMappedWithNothingDone() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0x300, to: 0x300, size: 0x100, attributes: readWrite).isComplete)
        let before = table.tableCount
        // Aligned addresses ask for one 1K leaf, whose slot holds the table of the 0x300 page.
        let outcome = table.map(iova: 0, to: 0, size: 0x400, attributes: readWrite)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .alreadyMapped)
        #expect(table.tableCount == before)
        #expect(table.translate(0) == nil)
    }

    @Test func physicalAddressZeroIsAValidTranslation() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0x1000, to: 0, size: 0x100, attributes: readWrite).isComplete)
        #expect(table.translate(0x1000) == 0)
        #expect(table.translate(0x10FF) == 0xFF)
        #expect(table.translate(0x1100) == nil)
        #expect(table.translate(1 << 18) == nil, "beyond the input-address space")
    }

    /// Translate walks address 0 for an address beyond the input space (so nothing branches
    /// before the walk): with address 0 mapped, those addresses must still answer nil.
    @Test func beyondTheInputSpaceIsNilWithAddressZeroMapped() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0, to: 0x2000, size: 0x100, attributes: readWrite).isComplete)
        #expect(table.translate(0) == 0x2000)
        #expect(table.translate(1 << 18) == nil)
        #expect(table.translate((1 << 18) | 0x10) == nil)
        #expect(table.translate(UInt64.max) == nil)
        #expect(table.lookup(1 << 18) == nil)
    }

    @Test(arguments: [
        (0x80, 0x100, 0x100, PageTableError.Kind.misaligned),         // iova
        (0x100, 0x180, 0x100, .misaligned),                            // physical address
        (0x100, 0x100, 0x80, .misaligned),                             // size
        (0x100, 0x100, 0, .misaligned),                                // empty
        (0x3_FF00, 0x100, 0x200, .outOfRange),                         // input end
        (0x100, 0xFFFF_FF00, 0x200, .outOfRange),                      // output end
        (0x100, 0x1_0000_0000, 0x100, .outOfRange),                    // output start
    ] as [(UInt64, UInt64, UInt64, PageTableError.Kind)])
    func badRequestsMapNothing(iova: UInt64, pa: UInt64, size: UInt64, kind: PageTableError.Kind) throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        let outcome = table.map(iova: iova, to: pa, size: size, attributes: readWrite)
        #expect(outcome.bytes == 0)
        #expect(outcome.error?.kind == kind)
        #expect(outcome.error?.message.contains("0x") == true, "the message names the address")
        #expect(table.tableCount == 1 && leaves(table).isEmpty)
    }

    @Test(arguments: [MapAttributes(access: []), MapAttributes(access: .write), MapAttributes(access: .execute),
                      MapAttributes(access: .read, shareability: .inner)])
    func inexpressibleAttributesMapNothing(_ attributes: MapAttributes) throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        let outcome = table.map(iova: 0, to: 0, size: 0x100, attributes: attributes)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .invalidAttributes)
        #expect(table.tableCount == 1)
    }

    @Test func attributesReadBackAsMapped() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        let attributes = MapAttributes(access: [.read, .execute], privileged: true, memoryType: .device)
        #expect(table.map(iova: 0x800, to: 0x800, size: 0x400, attributes: attributes).isComplete)
        #expect(table.lookup(0x9FF) == Mapping(virtualAddress: 0x800, physicalAddress: 0x800, size: 0x400, level: 1,
                                               attributes: attributes))
    }
}

import ARMv7Short
import PageTable
import PageTableTestSupport
import Testing

/// `collapse(iova:size:)` on ARMv7 short descriptors: strict break-before-make, so turning a
/// page table (of 4K or 64K pages) back into a section is refused, the table unchanged.
@Suite struct CollapseTests {
    let fixture = TableFixture(base: 0x8000_0000, size: 16 << 20)

    @Test(arguments: [UInt64(4096), 64 << 10])
    func sectionFromPagesIsRefused(_ pageSize: UInt64) throws {
        var table = try fixture.makeTable(ARMv7Short())
        let section: UInt64 = 1 << 20
        #expect(table.mapPages(iova: section, to: 0x4000_0000, pageSize: pageSize, pageCount: Int(section / pageSize),
                               attributes: MapAttributes(access: [.read, .write])).isComplete)
        fixture.invalidator.reset()
        let outcome = table.collapse(iova: section, size: section)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .unsupported)
        #expect(table.lookup(section)?.size == pageSize && table.tableCount == 2 && fixture.invalidator.requests.isEmpty)
    }
}

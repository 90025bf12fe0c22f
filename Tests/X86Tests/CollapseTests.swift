import PageTable
import PageTableTestSupport
import Testing
import X86

/// `collapse(iova:size:)` on x86-64: the SDM allows a page-size change with the same frame and
/// attributes in one entry write (invalidated after it), so uniform tables become large pages.
@Suite struct CollapseTests {
    let fixture = TableFixture()
    let rw = MapAttributes(access: [.read, .write])
    let base: UInt64 = 0x4000_0000, megabytes2: UInt64 = 2 << 20, gigabyte: UInt64 = 1 << 30

    @Test(arguments: [X86_64.Levels.four, .five])
    func pageTableBecomesA2MiBPage(_ levels: X86_64.Levels) throws {
        var table = try fixture.makeTable(X86_64(levels: levels))
        #expect(table.mapPages(iova: megabytes2, to: base, pageSize: 4096, pageCount: 512, attributes: rw).isComplete)
        let tables = table.tableCount
        #expect(table.collapse(iova: megabytes2, size: megabytes2) == RangeOutcome(bytes: megabytes2))
        #expect(table.lookup(megabytes2 + 0x5000)?.size == megabytes2 && table.lookup(megabytes2)?.level == 1)
        #expect(table.translate(megabytes2 + 0x5123) == base + 0x5123 && table.tableCount == tables - 1)
    }

    @Test func pageDirectoryOf2MiBPagesBecomesA1GiBPage() throws {
        var table = try fixture.makeTable(X86_64())
        #expect(table.mapPages(iova: gigabyte, to: base, pageSize: megabytes2, pageCount: 512, attributes: rw).isComplete)
        #expect(table.cut(iova: gigabyte + megabytes2).isComplete, "one of them into 4K pages")
        #expect(table.tableCount == 4)
        #expect(table.collapse(iova: gigabyte, size: gigabyte) == RangeOutcome(bytes: gigabyte))
        #expect(table.lookup(gigabyte + megabytes2)?.size == gigabyte && table.tableCount == 2)
        #expect(table.collapse(iova: gigabyte, size: gigabyte).error?.kind == .unsupported, "already one page")
    }

    @Test func anotherCacheTypeBreaksTheRun() throws {
        var table = try fixture.makeTable(X86_64())
        #expect(table.mapPages(iova: 0, to: base, pageSize: 4096, pageCount: 512, attributes: rw).isComplete)
        let uncached = MapAttributes(letters: "rwd")
        #expect(table.protect(iova: 0x10_0000, size: 4096, attributes: uncached).isComplete)
        let outcome = table.collapse(iova: 0, size: megabytes2)
        #expect(outcome.bytes == 0 && outcome.error?.kind == .notUniform && outcome.error?.address == 0x10_0000)
        #expect(table.lookup(0)?.size == 4096 && table.lookup(0x10_0000)?.attributes == uncached)
    }
}

@testable import PageTable
import PageTableTestSupport
import Testing

/// Fresh tables are zeroed in chunks: every byte of the table, none beyond it, for table sizes
/// below, at and above the chunk size.
@Suite struct TableZeroingTests {
    @Test(arguments: [64, 1024, 2047, 2048, 2049, 4096, 5000, 16384, 65536])
    func zeroesExactlyTheTable(_ bytes: Int) {
        let guardBytes = 64
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes + 2 * guardBytes, alignment: 64)
        defer { buffer.deallocate() }
        buffer.initializeMemory(as: UInt8.self, repeating: 0xA5, count: bytes + 2 * guardBytes)
        (buffer + guardBytes).zeroTable(bytes: bytes)
        let all = UnsafeRawBufferPointer(start: buffer, count: bytes + 2 * guardBytes)
        #expect(all[guardBytes..<guardBytes + bytes].allSatisfy { $0 == 0 }, "\(bytes) bytes")
        #expect(all[..<guardBytes].allSatisfy { $0 == 0xA5 } && all[(guardBytes + bytes)...].allSatisfy { $0 == 0xA5 },
                "nothing outside the table")
    }

    /// A table handed out again after use starts empty (its old leaves are gone).
    @Test func aReusedTableStartsEmpty() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(TinyFormat())
        let page = table.format.geometry.pageSize
        let span = page << UInt64(table.format.geometry[0].indexBits)
        // One page off alignment: pages, not a block, so the unmap frees a full leaf table uncleared.
        #expect(table.map(iova: 0, to: 0x1000_0000 + page, size: span, attributes: MapAttributes(access: [.read])).isComplete)
        #expect(table.lookup(0)?.size == page)
        #expect(table.unmap(iova: 0, size: span).isComplete)
        #expect(table.map(iova: 0, to: 0x2000_0000, size: page, attributes: MapAttributes(access: [.read])).isComplete)
        #expect(table.translate(page) == nil && table.translate(0) == 0x2000_0000)
        #expect(table.invariantViolations().isEmpty)
    }
}

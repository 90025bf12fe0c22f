import PageTable
import PageTableTestSupport
import Testing

/// `visit` and `forEachMapping` pass the body's own error type through (`throws(E)`).
@Suite struct TypedThrowsVisitTests {
    struct Stop: Error, Equatable { var at: UInt64 }

    @Test func visitStopsWithTheBodysError() throws {
        let fixture = tinyFixture()
        var table = try fixture.makeTable(TinyFormat())
        #expect(table.map(iova: 0x100, to: 0x4000_0100, size: 0x700, attributes: readWrite).isComplete)
        var leavesSeen = 0
        do throws(Stop) {
            try table.visit { (node) throws(Stop) in
                if case .leaf(let mapping) = node {
                    leavesSeen += 1
                    throw Stop(at: mapping.virtualAddress)
                }
            }
            Issue.record("the body's error was not thrown")
        } catch {
            #expect(error == Stop(at: 0x100) && leavesSeen == 1)
        }
    }

    @Test func forEachMappingStopsWithTheBodysError() throws {
        let fixture = tinyFixture()
        var table = try fixture.makeTable(TinyFormat())
        #expect(table.map(iova: 0x100, to: 0x4000_0100, size: 0x700, attributes: readWrite).isComplete)
        var seen: [UInt64] = []
        let error = #expect(throws: Stop.self) {
            try table.forEachMapping { (mapping) throws(Stop) in
                seen.append(mapping.virtualAddress)
                if seen.count == 2 { throw Stop(at: mapping.virtualAddress) }
            }
        }
        #expect(error == Stop(at: seen[1]) && seen.count == 2)
        // A body that cannot throw needs no `try`.
        var count = 0
        table.forEachMapping { _ in count += 1 }
        #expect(count == 3)
    }
}

import PageTable
import PageTableTestSupport
import Testing

/// The modifying walk (`modify`) and `protect` on the tiny format: 256-byte pages, four items
/// per table (spans: level 0 1K, level 1 4K, level 2 16K, level 3 64K, top 256K).
@Suite struct ModifyTests {
    let page: UInt64 = 0x100
    let readOnly = MapAttributes(access: .read)

    @Test func callbacksSeeTablesAndWholeLeavesInOrder() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0x400, to: 0x4000, size: 0x400, attributes: readWrite).isComplete)  // One 1K leaf.
        #expect(table.map(iova: 0x1000, to: 0x8100, size: 2 * page, attributes: readWrite).isComplete)  // Two pages, no group.
        var events: [String] = []
        let outcome = table.modify(iova: 0x600, size: 0xC00, preTable: { events.append("pre \($0.level) \(hex($0.range.lowerBound))"); return .proceed },
                                   leaf: { events.append("leaf \(hex($0.mapping.virtualAddress))+\(hex($0.mapping.size))"); return .proceed },
                                   postTable: { events.append("post \($0.level)") })
        #expect(outcome == RangeOutcome(bytes: 0xC00))
        // The 1K leaf sticks out at the front and is shown whole; the hole at 0x800 is passed over.
        #expect(events == ["pre 3 0x0", "pre 2 0x0", "pre 1 0x0", "leaf 0x400+0x400", "post 1",
                           "pre 1 0x1000", "pre 0 0x1000", "leaf 0x1000+0x100", "leaf 0x1100+0x100", "post 0", "post 1",
                           "post 2", "post 3"])
    }

    @Test func skipAndStopEndWithoutErrorAndEditOnlyWhatTheySay() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        // Eight single pages (the output is only page-aligned) in two level-0 tables.
        #expect(table.map(iova: 0, to: 0x4100, size: 8 * page, attributes: readWrite).isComplete)
        let skipped = table.modify(iova: 0, size: 8 * page,
                                   preTable: { $0.level == 0 && $0.range.lowerBound == 0 ? .skip : .proceed },
                                   leaf: { $0.attributes = readOnly; return .proceed })
        #expect(skipped == RangeOutcome(bytes: 8 * page))
        #expect(table.lookup(0)?.attributes == readWrite && table.lookup(0x400)?.attributes == readOnly)
        var seen = 0
        let stopped = table.modify(iova: 0, size: 8 * page) { edit in
            seen += 1
            edit.attributes = readOnly
            return seen == 2 ? .stop : .proceed
        }
        #expect(stopped == RangeOutcome(bytes: 2 * page))
        #expect(table.lookup(page)?.attributes == readOnly && table.lookup(2 * page)?.attributes == readWrite)
        #expect(table.invariantViolations().isEmpty)
    }

    @Test func anInexpressibleEditStopsThere() throws {
        var table = try tinyFixture().makeTable(TinyFormat())
        #expect(table.map(iova: 0, to: 0x4100, size: 4 * page, attributes: readWrite).isComplete)  // Single pages.
        let outcome = table.modify(iova: 0, size: 4 * page) { edit in
            edit.attributes = edit.mapping.virtualAddress == 2 * 0x100 ? MapAttributes(access: []) : MapAttributes(access: .read)
            return .proceed
        }
        let refused = (try? TinyFormat().encode(MapAttributes(access: []))) == nil
        if refused {
            #expect(outcome.bytes == 2 * page && outcome.error?.kind == .invalidAttributes)
            #expect(table.lookup(2 * page)?.attributes == readWrite)
        } else {
            #expect(outcome.isComplete)
        }
    }

    @Test func protectCopiesSharedTablesAndLeavesTheOtherEntriesAlone() throws {
        var table = try tinyFixture().makeTable(TinyFormat(allowsSharedTables: true))
        #expect(table.mapRepeat(iova: 0x2_0000, size: 0x2_0000, physicalAddress: 0x5000, pageSize: page,
                                attributes: readWrite).isComplete)
        let outcome = table.protect(iova: 0x2_0000, size: 0x400, attributes: readOnly)
        #expect(outcome == RangeOutcome(bytes: 0x400))
        #expect(table.lookup(0x2_0000)?.attributes == readOnly && table.lookup(0x2_0300)?.attributes == readOnly)
        #expect(table.lookup(0x2_0400)?.attributes == readWrite && table.lookup(0x3_0000)?.attributes == readWrite)
        for address in stride(from: UInt64(0x2_0000), to: 0x4_0000, by: 0x1234) {
            #expect(table.translate(address) == 0x5000 + address % page)
        }
        #expect(table.invariantViolations().isEmpty)
    }
}

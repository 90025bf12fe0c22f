import PageTableKit
import PageTableTestSupport
import Testing

/// Allocation failure at every allocation point of multi-table maps, for every format, with
/// coherent and non-coherent table memory: the reported prefix is exactly what translates, the
/// all-or-nothing variant leaves the table identical, nothing the hardware cached is stale,
/// and unmapping everything afterwards leaves only the top table.
@Suite struct FaultInjectionTests {
    @Test(arguments: FormatCase.all, [true, false])
    func everyAllocationPointFailsCleanly(_ formatCase: FormatCase, coherent: Bool) throws {
        try check(formatCase.make(), formatCase, coherent: coherent)
    }

    /// A map of smallest pages straddling the boundary between the first two top-level items
    /// (and, with `prefilled`, starting where tables already exist) needs fresh tables on both
    /// sides at every level below the top.
    private func check<Format: PageTableFormat>(_ format: Format, _ formatCase: FormatCase, coherent: Bool) throws {
        let geometry = format.geometry
        let page = geometry.pageSize
        let boundary = geometry[geometry.topLevel].itemSize
        let rw = MapAttributes(access: [.read, .write])
        for prefilled in [false, true] {
            let (iova, size) = (boundary - 2 * page, 4 * page)
            let pa = 0x1000_0000 + page  // Misaligned for anything but the smallest page.
            let allocations = try countAllocations(format, formatCase, prefilled: prefilled) { table in
                let outcome = table.map(iova: iova, to: pa, size: size, attributes: rw)
                #expect(outcome.isComplete, "\(formatCase.name): \(outcome)")
            }
            // Fresh tables on both sides; with the left side prefilled, at least the right one.
            try #require(allocations >= (prefilled ? 1 : 2), "\(formatCase.name): the map must need new tables")
            for failing in 1...allocations {
                for allOrNothing in [false, true] {
                    let context = "\(formatCase.name) \(coherent ? "coherent" : "non-coherent") prefilled \(prefilled) "
                        + "failing allocation \(failing) all-or-nothing \(allOrNothing)"
                    var modelled = try ModelledTable(format, base: formatCase.arenaBase, size: formatCase.arenaSize,
                                                     coherent: coherent)
                    if prefilled {
                        _ = modelled.table.map(iova: boundary - 8 * page, to: 0x2000_0000, size: page, attributes: rw)
                    }
                    let probes = stride(from: iova, to: iova + size, by: Int(page)).map { $0 } + [boundary - 8 * page]
                    modelled.tlb.prefetch(probes)
                    let before = snapshot(modelled.table)
                    modelled.allocator.failAllocations(from: failing)
                    let outcome = allOrNothing ? modelled.table.mapAll(iova: iova, to: pa, size: size, attributes: rw)
                                               : modelled.table.map(iova: iova, to: pa, size: size, attributes: rw)
                    modelled.allocator.stopFailing()
                    let stale = modelled.staleness(probes: probes)
                    #expect(stale.isEmpty, "\(context): \(stale.prefix(3))")
                    #expect(outcome.error?.kind == .outOfMemory, "\(context)")
                    #expect(outcome.bytes % page == 0 && outcome.bytes < size, "\(context)")
                    if allOrNothing {
                        #expect(outcome.bytes == 0, "\(context)")
                        #expect(snapshot(modelled.table) == before, "\(context): the table must be identical to before")
                    }
                    for offset in stride(from: 0, to: size, by: Int(page)) {
                        let expected = UInt64(offset) < outcome.bytes ? pa + UInt64(offset) : nil
                        #expect(modelled.table.translate(iova + UInt64(offset)) == expected, "\(context): offset \(offset)")
                    }
                    let violations = modelled.table.invariantViolations()
                    #expect(violations.isEmpty, "\(context): \(violations)")
                    if outcome.bytes > 0 {
                        #expect(modelled.table.unmap(iova: iova, size: outcome.bytes).isComplete, "\(context)")
                    }
                    if prefilled { #expect(modelled.table.unmap(iova: boundary - 8 * page, size: page).isComplete, "\(context)") }
                    #expect(modelled.staleness(probes: probes).isEmpty, "\(context): stale after the unmaps")
                    #expect(modelled.table.tableCount == 1, "\(context): \(modelled.table.tableCount) tables remain")
                    #expect(modelled.buddy.liveBlocks == 1, "\(context): allocator unbalanced")
                }
            }
        }
    }

    /// How many allocations `body` makes on a fresh (optionally prefilled) table.
    private func countAllocations<Format: PageTableFormat>(
        _ format: Format, _ formatCase: FormatCase, prefilled: Bool,
        _ body: (inout PageTable<Format, PhysicalArena, FaultInjectingAllocator<BuddyAllocator>, RecordingInvalidator>) -> Void
    ) throws -> Int {
        let fixture = formatCase.fixture()
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: format, memory: fixture.arena, allocator: allocator, invalidator: fixture.invalidator)
        let boundary = format.geometry[format.geometry.topLevel].itemSize
        if prefilled {
            _ = table.map(iova: boundary - 8 * format.geometry.pageSize, to: 0x2000_0000, size: format.geometry.pageSize,
                          attributes: MapAttributes(access: .read))
        }
        let start = allocator.requests
        body(&table)
        return allocator.requests - start
    }

    /// Everything observable about a table: its tables (address, level) and its leaves.
    private func snapshot<F, M, A, I>(_ table: borrowing PageTable<F, M, A, I>) -> [String] {
        var nodes: [String] = []
        table.visit { node in
            switch node {
            case .table(let info): nodes.append("table \(info.address) \(info.level)")
            case .leaf(let mapping): nodes.append("leaf \(mapping)")
            }
        }
        return nodes + ["count \(table.tableCount) \(table.tableBytes)"]
    }
}

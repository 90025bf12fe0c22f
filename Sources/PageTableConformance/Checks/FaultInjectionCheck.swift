import PageTable
import PageTableTestSupport

/// Allocation failure at every allocation point of multi-table maps: the reported prefix is
/// exactly what translates, the all-or-nothing variant leaves the table identical, nothing the
/// hardware cached is stale, and unmapping everything afterwards leaves only the top table.
enum FaultInjectionCheck {
    /// A map of smallest pages straddling the boundary between the first two top-level items
    /// (and, with `prefilled`, starting where tables already exist) needs fresh tables on both
    /// sides at every level below the top. Addresses are table addresses, passed as input
    /// addresses (the bottom of an upper range).
    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             coherent: Bool, _ log: FailureLog) throws {
        let geometry = format.geometry
        // One level (a dynamic top's start, 64K at 29 bits): no tables below the top to cross.
        guard geometry.levelCount > 1 else { return }
        let page = geometry.pageSize
        let boundary = geometry[geometry.topLevel].itemSize
        let input = { (address: UInt64) in geometry.inputAddress(ofTable: address) }
        let rw = MapAttributes(access: [.read, .write])
        for prefilled in [false, true] {
            let (iova, size) = (boundary - 2 * page, 4 * page)
            let pa = 0x1000_0000 + page  // Misaligned for anything but the smallest page.
            let operation = "map \(hex(iova)) \(hex(pa)) \(hex(size)) rw"
            log.at(step: nil, (prefilled ? "map \(hex(boundary - 8 * page)) 0x20000000 \(hex(page)) r, then " : "") + operation)
            let allocations = try countAllocations(format, configuration, prefilled: prefilled, log) { table in
                table.map(iova: input(iova), to: pa, size: size, attributes: rw)
            }
            // Fresh tables on both sides; with the left side prefilled, at least the right one.
            try log.require(allocations >= (prefilled ? 1 : 2), "the map must need new tables but made \(allocations) allocations")
            for failing in 1...allocations {
                for allOrNothing in [false, true] {
                    log.at(step: failing, (prefilled ? "prefilled, " : "") + "fail-alloc \(failing), "
                           + (allOrNothing ? "map-all" : "map") + operation.dropFirst(3))
                    var modelled = try configuration.modelledTable(format, coherent: coherent)
                    if prefilled {
                        _ = modelled.table.map(iova: input(boundary - 8 * page), to: 0x2000_0000, size: page, attributes: rw)
                    }
                    let probes = (stride(from: iova, to: iova + size, by: Int(page)).map { $0 } + [boundary - 8 * page]).map(input)
                    modelled.tlb.prefetch(probes)
                    let before = snapshot(modelled.table)
                    modelled.allocator.failAllocations(from: failing)
                    let outcome = allOrNothing ? modelled.table.mapAll(iova: input(iova), to: pa, size: size, attributes: rw)
                                               : modelled.table.map(iova: input(iova), to: pa, size: size, attributes: rw)
                    modelled.allocator.stopFailing()
                    let stale = modelled.staleness(probes: probes)
                    try log.expect(stale.isEmpty, "the hardware's caches are stale: \(stale.prefix(3))")
                    try log.expect(outcome.error?.kind == .outOfMemory, "expected out-of-memory, got \(outcome)")
                    try log.expect(outcome.bytes % page == 0 && outcome.bytes < size, "a bad prefix: \(outcome)")
                    if allOrNothing {
                        try log.expect(outcome.bytes == 0, "map-all kept \(outcome.bytes) bytes")
                        try log.expect(snapshot(modelled.table) == before, "map-all must leave the table identical to before")
                    }
                    for offset in stride(from: 0, to: size, by: Int(page)) {
                        let expected = UInt64(offset) < outcome.bytes ? pa + UInt64(offset) : nil
                        let translated = modelled.table.translate(input(iova + UInt64(offset)))
                        try log.expect(translated == expected, "after \(outcome), offset \(hex(UInt64(offset))) translates to "
                                       + "\(translated.map(hex) ?? "nil"), not \(expected.map(hex) ?? "nil")")
                    }
                    let violations = modelled.table.invariantViolations()
                    try log.expect(violations.isEmpty, "invariants broken: \(violations.prefix(3))")
                    if outcome.bytes > 0 {
                        try log.expect(modelled.table.unmap(iova: input(iova), size: outcome.bytes).isComplete, "unmapping the prefix failed")
                    }
                    if prefilled {
                        try log.expect(modelled.table.unmap(iova: input(boundary - 8 * page), size: page).isComplete,
                                       "unmapping the prefilled page failed")
                    }
                    try log.expect(modelled.staleness(probes: probes).isEmpty, "stale after the unmaps")
                    try log.expect(modelled.table.tableCount == 1, "\(modelled.table.tableCount) tables remain after the unmaps")
                    try log.expect(modelled.buddy.liveBlocks == 1, "the allocator holds \(modelled.buddy.liveBlocks) blocks")
                }
            }
        }
    }

    /// How many allocations `body` makes on a fresh (optionally prefilled) table.
    private static func countAllocations<Format: PageTableFormat>(
        _ format: Format, _ configuration: Conformance.Configuration, prefilled: Bool, _ log: FailureLog,
        _ body: (inout PageTable<Format, PhysicalArena, FaultInjectingAllocator<BuddyAllocator>, RecordingInvalidator>) -> RangeOutcome
    ) throws -> Int {
        let fixture = TableFixture(base: configuration.arenaBase, size: configuration.arenaSize)
        let allocator = FaultInjectingAllocator(fixture.allocator)
        var table = try PageTable(format: format, memory: fixture.arena, allocator: allocator, invalidator: fixture.invalidator)
        let geometry = format.geometry
        let boundary = geometry[geometry.topLevel].itemSize
        let input = { (address: UInt64) in geometry.inputAddress(ofTable: address) }
        if prefilled {
            _ = table.map(iova: input(boundary - 8 * geometry.pageSize), to: 0x2000_0000, size: geometry.pageSize,
                          attributes: MapAttributes(access: .read))
        }
        let start = allocator.requests
        let outcome = body(&table)
        try log.require(outcome.isComplete, "the map must succeed when nothing fails: \(outcome)")
        return allocator.requests - start
    }

    /// Everything observable about a table: its tables (address, level) and its leaves.
    static func snapshot<F, M, A, I>(_ table: borrowing PageTable<F, M, A, I>) -> [String] {
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

import PageTable
import PageTableTestSupport

/// Page-list maps (``PageTable/map(iova:pages:attributes:)``), checked directly: every bad
/// list is refused before anything changes, a leaf spans extents that continue each other
/// physically and never ones that do not, an overlap stops at the exact byte, one call syncs
/// at most once, and nothing the hardware cached is stale afterwards. Addresses are table
/// addresses from 0, passed as input addresses (the bottom of an upper range).
enum PageListCheck {
    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             _ log: FailureLog) throws {
        let geometry = format.geometry
        let page = geometry.pageSize
        let input = { (address: UInt64) in geometry.inputAddress(ofTable: address) }
        guard let attributes = ContractCheck.encodableAttributes(format).first?.attributes else {
            return log.record("the format encodes none of the common attribute sets")
        }
        var modelled = try configuration.modelledTable(format, coherent: false)

        // Refusals: each maps nothing, whatever is already there.
        let existing = modelled.table.map(iova: input(4 * page), to: 4 * page, size: page, attributes: attributes)
        try log.require(existing.isComplete, "mapping one page failed: \(existing)")
        let before = RandomOperationCheck.leaves(of: modelled.table)
        var refusals: [(String, [PageExtent], UInt64, PageTableError.Kind)] = [
            ("an empty list", [], 0, .misaligned),
            ("a zero-length extent", [PageExtent(physicalAddress: 0, length: page), PageExtent(physicalAddress: page, length: 0)],
             0, .misaligned),
            ("a length that is not a page multiple", [PageExtent(physicalAddress: 0, length: page + page / 2)], 0, .misaligned),
            ("a misaligned address", [PageExtent(physicalAddress: page, length: page),
                                      PageExtent(physicalAddress: page / 2, length: page)], 0, .misaligned),
            ("lengths adding up past 64 bits", [PageExtent(physicalAddress: 0, length: 1 << 63),
                                                PageExtent(physicalAddress: 0, length: 1 << 63)], 0, .outOfRange),
            ("an input range past the address space", [PageExtent(physicalAddress: 0, length: 2 * page)],
             geometry.inputLimit - page, .outOfRange),
            ("a misaligned input address", [PageExtent(physicalAddress: 0, length: page)], page / 2, .misaligned),
        ]
        if geometry.outputAddressBits < 64 {
            refusals.append(("an extent past the output space", [PageExtent(physicalAddress: 0, length: page),
                                                                 PageExtent(physicalAddress: geometry.outputLimit - page, length: 2 * page)],
                             0, .outOfRange))
        }
        for (name, pages, iova, kind) in refusals {
            let outcome = modelled.table.map(iova: input(iova), pages: pages, attributes: attributes)
            try log.expect(outcome.bytes == 0 && outcome.error?.kind == kind, "\(name): got \(outcome), expected 0 error \(kind.name)")
            try log.expect(RandomOperationCheck.leaves(of: modelled.table) == before, "\(name) changed the table")
        }

        let removed = modelled.table.unmap(iova: input(4 * page), size: page)
        try log.require(removed.isComplete, "unmapping the page again failed: \(removed)")

        // Every leaf size above a page, built from two halves: one leaf when they continue each
        // other, smaller leaves when the second half lies elsewhere.
        for shift in Set(geometry.leafSizeShifts).sorted() where UInt64(1) << UInt64(shift) > page {
            let size: UInt64 = 1 << UInt64(shift)
            let half = size / 2
            let iova = size, pa = size  // Aligned to the leaf.
            guard iova + size <= geometry.inputLimit, pa + 3 * size <= geometry.outputLimit else { continue }
            for moved in [false, true] {
                log.at(step: nil, "map-list \(hex(iova)) halves of \(hex(size))\(moved ? ", the second moved" : "")")
                let second = moved ? pa + 2 * size + half : pa + half
                let syncs = modelled.table.syncCount
                let outcome = modelled.table.map(iova: input(iova), pages: [PageExtent(physicalAddress: pa, length: half),
                                                                     PageExtent(physicalAddress: second, length: half)],
                                                 attributes: attributes)
                try log.expect(outcome.isComplete && outcome.bytes == size, "got \(outcome)")
                try log.expect(modelled.table.syncCount - syncs <= 1, "one call synced \(modelled.table.syncCount - syncs) times")
                let built = RandomOperationCheck.leaves(of: modelled.table).map { $0.atTableAddress(geometry) }
                    .filter { $0.start >= iova && $0.start < iova + size }
                try log.expect(moved ? built.allSatisfy { $0.size <= half } : built.map(\.size) == [size],
                               "leaves \(built.map { hex($0.size) }) for \(moved ? "split" : "continuing") halves")
                try log.expect(modelled.table.translate(input(iova + half)) == second, "the second half translates wrong")
                try log.expect(modelled.staleness(in: geometry.inputAddresses(ofTable: iova..<(iova + size))).isEmpty, "stale after the map")
                let undone = modelled.table.unmap(iova: input(iova), size: size)
                try log.expect(undone.isComplete, "unmapping it again: \(undone)")
            }
        }

        // An overlap in the second extent stops at exactly that page: the first extent and the
        // second's pages before it stay mapped.
        log.at(step: nil, "map-list over the page at \(hex(4 * page))")
        let blocking = modelled.table.map(iova: input(4 * page), to: 4 * page, size: page, attributes: attributes)
        try log.require(blocking.isComplete, "mapping one page failed: \(blocking)")
        let outcome = modelled.table.map(iova: input(0), pages: [PageExtent(physicalAddress: 64 * page, length: 2 * page),
                                                          PageExtent(physicalAddress: 128 * page, length: 4 * page)],
                                         attributes: attributes)
        try log.expect(outcome.bytes == 4 * page && outcome.error?.kind == .alreadyMapped, "got \(outcome)")
        try log.expect(modelled.table.translate(input(3 * page)) == 129 * page && modelled.table.translate(input(5 * page)) == nil,
                       "the prefix translates wrong")
        try log.expect(modelled.staleness().isEmpty, "stale after the overlap")
        log.at(step: nil, nil)
        try log.expect(modelled.table.invariantViolations().isEmpty, "invariants broken")
    }
}

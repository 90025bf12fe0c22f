import PageTable
import PageTableTestSupport

/// Inside a reservation maps never allocate and unmaps never free; releasing returns the table
/// to exactly the tables it had before. Addresses are table addresses from 0, passed as input
/// addresses (the bottom of an upper range).
enum ReservationCheck {
    static let operations = 200

    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             _ log: FailureLog) throws {
        log.seed = log.derivedSeed(salt: 0x7E)
        var random = SeededGenerator(seed: log.seed!)
        let geometry = format.geometry
        var generator = OperationGenerator(geometry: geometry)
        let input = { (address: UInt64) in geometry.inputAddress(ofTable: address) }
        var modelled = try configuration.modelledTable(format, coherent: true)
        var model = ReferenceModel(geometry: geometry)
        // Something mapped before, partly where the reservation will be.
        for _ in 0..<20 {
            if case .map(let iova, let pa, let size, let attributes) = generator.next(model: model, using: &random),
               modelled.table.map(iova: input(iova), to: pa, size: size, attributes: attributes).isComplete {
                _ = model.map(iova, pa, size, attributes)
            }
        }
        let before = tableSet(modelled.table, geometry)
        let page = geometry.pageSize
        // Half the operations' window, halved until its tables (spares under blocks included)
        // fit in a quarter of the memory.
        var reserved = min(geometry.inputLimit, generator.window) / 2 / page * page
        while reserved > page,
              try modelled.table.estimateReserve(iova: input(0), size: reserved).bytes > configuration.arenaSize / 4 { reserved /= 2 }
        let range = UInt64(0)..<reserved
        log.at(step: nil, "reserve 0x0 \(hex(reserved))")
        let outcome = modelled.table.reserve(iova: input(range.lowerBound), size: range.upperBound - range.lowerBound)
        try log.expect(outcome.isComplete, "\(outcome)")
        try log.expect(modelled.table.reserve(iova: input(0), size: page).isComplete, "reservations must compose")
        let tables = modelled.table.tableCount
        let estimate = try modelled.table.estimateMap(iova: input(range.lowerBound), size: range.upperBound - range.lowerBound)
        try log.expect(estimate.tables == 0, "a reserved range needs no tables, but the estimate is \(estimate)")
        modelled.allocator.failAllocations(from: 1)
        for step in 0..<operations {
            let operation = generator.next(model: model, using: &random)
            guard range.contains(operation.range.lowerBound), operation.range.upperBound <= range.upperBound else { continue }
            log.at(step: step, "\(operation)")
            // Inside a reservation maps descend into empty pinned tables with smaller leaves than
            // the model would choose, so the model only steers; the guarantees are checked.
            switch operation {
            case .cut, .collapse: continue  // Not drawn here (the generator's cuts are off).
            case .map(let iova, let pa, let size, let attributes):
                let result = modelled.table.map(iova: input(iova), to: pa, size: size, attributes: attributes)
                try log.expect(result.error?.kind != .outOfMemory, "a map inside a reservation allocated: \(result)")
                if result.isComplete { _ = model.map(iova, pa, size, attributes) }
            case .unmap(let iova, let size):
                if modelled.table.unmap(iova: input(iova), size: size).isComplete { _ = model.unmap(iova, size) }
            case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                let result = modelled.table.mapRepeat(iova: input(iova), size: size, physicalAddress: pa, pageSize: pageSize,
                                                      attributes: attributes)
                try log.expect(result.error?.kind != .outOfMemory, "a repeat inside a reservation allocated: \(result)")
                if result.bytes > 0 { _ = model.repeatPage(iova, result.bytes, pa, pageSize: pageSize, attributes) }
            }
            try log.expect(modelled.table.tableCount == tables, "tables were allocated or freed (\(tables) -> \(modelled.table.tableCount))")
            try log.expect(modelled.staleness(in: geometry.inputAddresses(ofTable: operation.range)).isEmpty, "the hardware's caches are stale")
        }
        modelled.allocator.stopFailing()
        // Unmap what lies in the reservation, release both reservations: the old table set.
        log.at(step: nil, "release 0x0 \(hex(reserved))")
        for leaf in tableSet(modelled.table, geometry).leaves where range.contains(leaf.lowerBound) {
            _ = modelled.table.unmap(iova: input(leaf.lowerBound), size: leaf.upperBound - leaf.lowerBound)
        }
        try log.expect(modelled.table.release(iova: input(0), size: page).isComplete, "releasing the inner reservation failed")
        try log.expect(modelled.table.release(iova: input(range.lowerBound), size: range.upperBound - range.lowerBound).isComplete,
                       "releasing the reservation failed")
        try log.expect(modelled.table.release(iova: input(0), size: page).error?.kind == .notMapped, "released twice without an error")
        try log.expect(tableSet(modelled.table, geometry).leaves.allSatisfy { !range.contains($0.lowerBound) },
                       "leaves remain in the released range")
        try log.expect(modelled.table.invariantViolations().isEmpty, "invariants broken")
        try log.expect(modelled.staleness().isEmpty, "the hardware's caches are stale")
        if before.leaves.allSatisfy({ !range.overlaps($0) }) {
            try log.expect(tableSet(modelled.table, geometry).tables == before.tables, "releasing did not restore the pre-reserve table set")
        }
    }

    /// The table's tables, and its leaves as ranges of table addresses.
    private static func tableSet<F, M, A, I>(_ table: borrowing PageTable<F, M, A, I>, _ geometry: TableGeometry)
        -> (tables: Set<UInt64>, leaves: [Range<UInt64>]) {
        var tables = Set<UInt64>()
        var leaves: [Range<UInt64>] = []
        table.visit { node in
            switch node {
            case .table(let info): tables.insert(info.address)
            case .leaf(let mapping):
                let start = geometry.tableAddress(of: mapping.virtualAddress)
                leaves.append(start..<start + mapping.size)
            }
        }
        return (tables, leaves)
    }
}

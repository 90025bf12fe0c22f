import PageTable
import PageTableTestSupport

/// A prepared batch commits with every allocation failing, and does what the same operations
/// do one by one; unused tables go back. At the top of upper and sign-extended input ranges,
/// as ``RandomOperationCheck``.
enum BatchCheck {
    static let rounds = 40

    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             _ log: FailureLog) throws {
        log.seed = log.derivedSeed(salt: 0xBA)
        var random = SeededGenerator(seed: log.seed!)
        let geometry = format.geometry
        var generator = OperationGenerator(geometry: geometry, atTop: geometry.inputRange != .lower)
        let input = { (address: UInt64) in geometry.inputAddress(ofTable: address) }
        var modelled = try configuration.modelledTable(format, coherent: false)
        var model = ReferenceModel(geometry: format.geometry)
        for round in 0..<rounds {
            var batch: [BatchOperation] = []
            var described: [String] = []
            var expected: [(UInt64, PageTableError.Kind?)] = []
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let operation = generator.next(model: model, using: &random)
                described.append("\(operation)")
                switch operation {
                case .cut, .collapse: continue  // Not drawn here (the generator's cuts are off).
                case .map(let iova, let pa, let size, let attributes):
                    batch.append(.map(iova: input(iova), physicalAddress: pa, size: size, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.map(iova, pa, size, attributes))
                case .unmap(let iova, let size):
                    batch.append(.unmap(iova: input(iova), size: size))
                    expected.append(model.unmap(iova, size))
                case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                    batch.append(.repeat(iova: input(iova), size: size, physicalAddress: pa, pageSize: pageSize, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.repeatPage(iova, size, pa, pageSize: pageSize, attributes))
                }
            }
            log.at(step: round, "batch [" + described.joined(separator: "; ") + "]")
            let blocks = modelled.buddy.liveBlocks
            let prepared = try modelled.table.prepare(batch)
            try log.expect(modelled.buddy.liveBlocks == blocks + prepared.estimate.tables,
                           "prepare allocated \(modelled.buddy.liveBlocks - blocks) tables, estimated \(prepared.estimate.tables)")
            modelled.allocator.failAllocations(from: 1)
            let outcomes = modelled.table.commit(prepared)
            modelled.allocator.stopFailing()
            try log.expect(outcomes.map { $0.bytes } == expected.map(\.0)
                           && outcomes.map { $0.error?.kind.rawValue } == expected.map { $0.1?.rawValue },
                           "committed \(outcomes), the model says \(expected)")
            try log.expect(modelled.buddy.liveBlocks == modelled.table.tableCount,
                           "\(modelled.buddy.liveBlocks) blocks live for \(modelled.table.tableCount) tables: leftovers not returned")
            try log.expect(modelled.staleness().isEmpty, "the hardware's caches are stale: \(modelled.staleness().prefix(3))")
            try log.expect(modelled.table.invariantViolations().isEmpty, "invariants broken")
        }
    }
}

import PageTable
import PageTableTestSupport

/// A prepared batch of maps, page-list maps, unmaps, protects and repeats commits with every
/// allocation failing, and does what the same operations do one by one; unused tables go back.
/// On formats with shared tables a protect after a repeat, unmap or protect of the same batch
/// must be refused by `prepare` with `unsupported`, allocating nothing; such protects are then
/// left out of the batch. At the top of upper and sign-extended input ranges,
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
            var refused: [[BatchOperation]] = []  // Batches prepare must refuse.
            var sharingChanged = false  // A repeat, unmap or protect is in the batch.
            for _ in 0..<Int.random(in: 1...6, using: &random) {
                let operation = generator.next(model: model, using: &random)
                described.append("\(operation)")
                switch operation {
                case .cut, .collapse: continue  // Not drawn here (the generator's cuts are off).
                case .map(let iova, let pa, let size, let attributes) where Int.random(in: 0..<4, using: &random) == 0:
                    let pages = generator.pageList(pa: pa, size: size, using: &random)
                    described[described.count - 1] = "map-list \(hex(iova)) "
                        + pages.map { "\(hex($0.physicalAddress)):\(hex($0.length))" }.joined(separator: " ") + " \(attributes)"
                    batch.append(.mapList(iova: input(iova), pages: pages, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.mapList(iova, pages.map { ($0.physicalAddress, $0.length) }, attributes))
                case .map(let iova, let pa, let size, let attributes):
                    batch.append(.map(iova: input(iova), physicalAddress: pa, size: size, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.map(iova, pa, size, attributes))
                case .unmap(let iova, let size) where Int.random(in: 0..<3, using: &random) == 0:
                    let attributes = generator.attributes(using: &random)
                    described[described.count - 1] = "protect \(hex(iova)) \(hex(size)) \(attributes)"
                    if format.allowsSharedTables && sharingChanged {
                        refused.append(batch + [.protect(iova: input(iova), size: size, attributes: attributes)])
                        described[described.count - 1] += " (refused)"
                        continue
                    }
                    sharingChanged = true
                    batch.append(.protect(iova: input(iova), size: size, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.protect(iova, size, attributes) {
                                        modelled.table.attributeChangeNeedsBreak(from: $0.attributes, to: $1, leafSize: $0.size)
                                    })
                case .unmap(let iova, let size):
                    sharingChanged = true
                    batch.append(.unmap(iova: input(iova), size: size))
                    expected.append(model.unmap(iova, size))
                case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                    sharingChanged = true
                    batch.append(.repeat(iova: input(iova), size: size, physicalAddress: pa, pageSize: pageSize, attributes: attributes))
                    expected.append((try? format.encode(attributes)) == nil ? (0, .invalidAttributes)
                                    : model.repeatPage(iova, size, pa, pageSize: pageSize, attributes))
                }
            }
            log.at(step: round, "batch [" + described.joined(separator: "; ") + "]")
            let blocks = modelled.buddy.liveBlocks
            for operations in refused {
                let kind = refusal(of: operations, by: modelled.table)
                try log.expect(kind == .unsupported, "a protect after a repeat, unmap or protect on a format with shared "
                               + "tables was \(kind.map { "refused with \($0.name)" } ?? "prepared"), not refused with unsupported")
                try log.expect(modelled.buddy.liveBlocks == blocks, "a refused prepare left tables allocated")
            }
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
            try log.expect(RandomOperationCheck.leaves(of: modelled.table).map { $0.atTableAddress(geometry) } == model.leaves,
                           "the table's leaves (translations, attributes) differ from the model's")
            try log.expect(modelled.staleness().isEmpty, "the hardware's caches are stale: \(modelled.staleness().prefix(3))")
            try log.expect(modelled.table.invariantViolations().isEmpty, "invariants broken")
        }
    }

    /// The kind of error `prepare` throws for `operations`, or `nil` if it prepares them (the
    /// batch is dropped, returning its tables).
    private static func refusal<F, M, A, I>(of operations: [BatchOperation],
                                            by table: borrowing PageTable<F, M, A, I>) -> PageTableError.Kind? {
        do throws(PageTableError) {
            _ = try table.prepare(operations)
            return nil
        } catch {
            return error.kind
        }
    }
}

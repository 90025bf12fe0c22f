import PageTable
import PageTableTestSupport

/// Estimates equal what maps, page-list maps, unmaps, protects and repeats really allocate,
/// per level, on empty and populated tables; the worst-case estimate (no output address) bounds every output address.
/// At the top of upper and sign-extended input ranges, as ``RandomOperationCheck``.
enum EstimateCheck {
    static let operations = 400

    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             _ log: FailureLog) throws {
        log.seed = log.derivedSeed(salt: 0xE5)
        var random = SeededGenerator(seed: log.seed!)
        let geometry = format.geometry
        var generator = OperationGenerator(geometry: geometry, atTop: geometry.inputRange != .lower)
        let input = { (address: UInt64) in geometry.inputAddress(ofTable: address) }
        var modelled = try configuration.modelledTable(format, coherent: true)
        var model = ReferenceModel(geometry: format.geometry)
        var checked = 0, allocating = 0
        // A few maps that certainly allocate (in distinct top-level items), then random ones.
        let top = format.geometry[format.geometry.topLevel]
        let page = format.geometry.pageSize
        // At the top of the range they count down from its last top-level item.
        let lastItem = generator.origin & ~(top.itemSize - 1)
        let opening = (0..<min(3, top.itemCount)).map { item -> Operation in
            let start = generator.origin == 0 ? UInt64(item) * top.itemSize : lastItem - UInt64(item) * top.itemSize
            return .map(iova: start + page, pa: 0x1000_0000 + page, size: 2 * page,
                         attributes: MapAttributes(access: .read))
        }
        // Past the planned operations, go on (to four times as many) until enough maps were
        // checked: some seeds and formats need longer to place them.
        var step = -1
        while true {
            step += 1
            guard step < operations + opening.count || (step < 4 * operations && (checked < 10 || allocating < 3)) else {
                break
            }
            let operation = step < opening.count ? opening[step] : generator.next(model: model, using: &random)
            log.at(step: step, "\(operation)")
            switch operation {
            case .cut, .collapse: continue  // Not drawn here (the generator's cuts are off).
            case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
                let estimate = try modelled.table.estimateRepeat(iova: input(iova), size: size, pageSize: pageSize)
                let requests = modelled.allocator.requests
                let outcome = modelled.table.mapRepeat(iova: input(iova), size: size, physicalAddress: pa, pageSize: pageSize,
                                                       attributes: attributes)
                if outcome.bytes > 0 { _ = model.repeatPage(iova, outcome.bytes, pa, pageSize: pageSize, attributes) }
                if outcome.isComplete {
                    let allocated = modelled.allocator.requests - requests
                    try log.expect(allocated == estimate.tables, "allocated \(allocated) tables, estimated \(estimate)")
                }
            case .unmap(let iova, let size) where Int.random(in: 0..<3, using: &random) == 0:
                // The same range protected: only copies of shared tables allocate.
                let attributes = generator.attributes(using: &random)
                log.at(step: step, "protect \(hex(input(iova))) \(hex(size)) \(attributes)")
                let estimate = try modelled.table.estimateProtect(iova: input(iova), size: size)
                let requests = modelled.allocator.requests
                let outcome = modelled.table.protect(iova: input(iova), size: size, attributes: attributes)
                if (try? format.encode(attributes)) != nil {
                    _ = model.protect(iova, size, attributes) {
                        modelled.table.attributeChangeNeedsBreak(from: $0.attributes, to: $1, leafSize: $0.size)
                    }
                }
                let copies = modelled.allocator.requests - requests
                try log.expect(outcome.isComplete ? copies == estimate.tables : copies <= estimate.tables,
                               "copied \(copies) tables, estimated \(estimate) (\(outcome))")
            case .unmap(let iova, let size):
                let estimate = try modelled.table.estimateUnmap(iova: input(iova), size: size)
                let requests = modelled.allocator.requests
                let outcome = modelled.table.unmap(iova: input(iova), size: size)
                _ = model.unmap(iova, size)
                let copies = modelled.allocator.requests - requests
                // Exact for an unmap that succeeds; one stopped early copies less.
                try log.expect(outcome.isComplete ? copies == estimate.tables : copies <= estimate.tables,
                               "copied \(copies) tables, estimated \(estimate) (\(outcome))")
            case .map(let iova, let pa, let size, let attributes) where Int.random(in: 0..<4, using: &random) == 0:
                // The same range as a page list: large leaves only within physically contiguous runs.
                let pages = generator.pageList(pa: pa, size: size, using: &random)
                log.at(step: step, "map-list \(hex(input(iova))) \(pages.map { "\(hex($0.physicalAddress)):\(hex($0.length))" }.joined(separator: " ")) \(attributes)")
                let estimate = try modelled.table.estimateMap(iova: input(iova), pages: pages)
                let before = modelled.table.statistics.tablesPerLevel
                let requests = modelled.allocator.requests
                let outcome = modelled.table.map(iova: input(iova), pages: pages, attributes: attributes)
                if (try? format.encode(attributes)) != nil {
                    _ = model.mapList(iova, pages.map { ($0.physicalAddress, $0.length) }, attributes)
                }
                let allocated = modelled.allocator.requests - requests
                guard outcome.isComplete else {
                    try log.expect(allocated <= estimate.tables, "allocated \(allocated) tables, more than the estimate \(estimate.tables)")
                    continue
                }
                checked += 1
                if estimate.tables > 0 { allocating += 1 }
                let grown = zip(modelled.table.statistics.tablesPerLevel, before).map { $0 - $1 }
                try log.expect(grown == estimate.tablesPerLevel && allocated == estimate.tables,
                               "tables per level grew by \(grown) (\(allocated) allocated), estimated \(estimate.tablesPerLevel)")
            case .map(let iova, let pa, let size, let attributes):
                let estimate = try modelled.table.estimateMap(iova: input(iova), size: size, physicalAddress: pa)
                let worst = try modelled.table.estimateMap(iova: input(iova), size: size)
                let before = modelled.table.statistics.tablesPerLevel
                let requests = modelled.allocator.requests
                let outcome = modelled.table.map(iova: input(iova), to: pa, size: size, attributes: attributes)
                if (try? format.encode(attributes)) != nil { _ = model.map(iova, pa, size, attributes) }
                let allocated = modelled.allocator.requests - requests
                try log.expect(allocated <= worst.tables, "allocated \(allocated) tables, more than the worst case \(worst.tables)")
                guard outcome.isComplete else {
                    try log.expect(allocated <= estimate.tables, "allocated \(allocated) tables, more than the estimate \(estimate.tables)")
                    continue
                }
                checked += 1
                if estimate.tables > 0 { allocating += 1 }
                let after = modelled.table.statistics.tablesPerLevel
                try log.expect(zip(after, before).map { $0 - $1 } == estimate.tablesPerLevel,
                               "tables per level grew by \(zip(after, before).map { $0 - $1 }), estimated \(estimate)")
                try log.expect(allocated == estimate.tables, "allocated \(allocated) tables, estimated \(estimate.tables)")
            }
        }
        log.at(step: nil, nil)
        // A one-level table (a dynamic top's start, 64K at 29 bits) never allocates: every
        // estimate is 0, checked above.
        try log.expect(checked >= 10 && (allocating >= 3 || geometry.levelCount == 1), "too few allocating maps (\(allocating) of \(checked)) to prove anything")
    }
}

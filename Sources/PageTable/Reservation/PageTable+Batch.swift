extension PageTable {
    /// Allocates everything `operations` can need, so that ``commit(_:)`` later cannot fail
    /// for lack of memory -- for contexts where allocation is forbidden (GPU VM_BIND run from
    /// a fence signalling path, for example).
    ///
    /// Each operation is estimated on the table as it is now (``estimateMap(iova:size:physicalAddress:)``,
    /// ``estimateMap(iova:pages:)``, ``estimateUnmap(iova:size:)``, ``estimateProtect(iova:size:)``,
    /// ``estimateRepeat(iova:size:pageSize:)``); a map or page-list map that follows any unmap
    /// is estimated as if no table existed below the top (an unmap may free a table that a
    /// later map elsewhere in its span would have used); on a format with shared tables, an
    /// unmap that follows a repeat or a protect as if it copied one shared table per level at
    /// each end of its range (the earlier operation may share tables, or copy them and so share
    /// what they point at, that the unmap then cuts into).
    ///
    /// On a format with shared tables, a protect that follows a repeat, an unmap or a protect
    /// in the same batch is refused with `unsupported`: what it copies depends on tables those
    /// operations share, copy or drop, which only running them tells (a bound would be the
    /// whole range's tables). Prepare it in a batch of its own after committing them.
    ///
    /// Throws `out-of-memory`, `unsupported` or a validation error with nothing changed: the
    /// table is untouched and nothing stays allocated.
    public func prepare(_ operations: [BatchOperation]) throws(PageTableError) -> PreparedBatch<Allocator> {
        var estimate = TableEstimate(levels: geometry.levelCount)
        var afterUnmap = false
        // Whether an earlier operation may have changed which tables are shared: the table as
        // it is now no longer tells what a later unmap or protect copies.
        var sharingChanged = false
        let sharing = format.allowsSharedTables
        for operation in operations {
            switch operation {
            case .unmap(let iova, let size):
                let copies = try estimateUnmap(iova: iova, size: size)
                estimate.add(sharingChanged ? worstCaseCopies() : copies)
                afterUnmap = true
            case .protect(let iova, let size, _):
                let copies = try estimateProtect(iova: iova, size: size)
                guard !(sharing && (sharingChanged || afterUnmap)) else { throw Self.protectAfterSharingChange(at: iova) }
                estimate.add(copies)
                sharingChanged = sharingChanged || sharing
            case .repeat(let iova, let size, _, let pageSize, _):
                estimate.add(try repeatEstimate(iova: iova, size: size, pageSize: pageSize, onEmptyTable: afterUnmap))
                sharingChanged = sharingChanged || sharing
            case .map(let iova, let physicalAddress, let size, _):
                if afterUnmap {
                    estimate.add(try emptyTableEstimate(iova: iova, size: size, physicalAddress: physicalAddress))
                } else {
                    estimate.add(try estimateMap(iova: iova, size: size, physicalAddress: physicalAddress))
                }
            case .mapList(let iova, let pages, _):
                estimate.add(try pageListEstimate(iova: iova, pages: pages, onEmptyTable: afterUnmap))
            }
        }
        var byLevel: [[PhysicalAddress]] = Array(repeating: [], count: geometry.levelCount)
        let bytesPerLevel = (0..<geometry.levelCount).map { shapes[$0].tableBytes }
        let stock = PreparedTableStock(allocator: allocator, byLevel: [], bytesPerLevel: bytesPerLevel)
        for level in 0..<geometry.levelCount where estimate.tablesPerLevel[level] > 0 {
            let shape = shapes[level]
            let tables = allocator.allocate(count: estimate.tablesPerLevel[level], bytes: shape.tableBytes,
                                            alignment: shape.tableAlignment, limit: geometry.tableAddressLimit)
            byLevel[level] = tables ?? []
            stock.byLevel = byLevel  // Whatever is held goes back to the allocator if we throw.
            let usable = byLevel[level].allSatisfy {
                $0 & UInt64(shape.tableAlignment - 1) == 0 && memory.contains($0, bytes: shape.tableBytes)
            }
            guard tables != nil, usable else {
                throw PageTableError(.outOfMemory, at: 0, "could not prepare \(estimate.tables) tables for the batch")
            }
        }
        stock.byLevel = byLevel
        return PreparedBatch(operations: operations, estimate: estimate, tables: stock, root: root)
    }

    /// Runs a prepared batch with one invalidation sync at the end, drawing tables only from
    /// what was prepared, and returns the tables left over to the allocator. Each operation
    /// reports its exact outcome; none can be `out-of-memory`.
    ///
    /// The batch must have been prepared by this table, and nothing may have changed the table
    /// in between (the estimate was made on it).
    public mutating func commit(_ batch: consuming PreparedBatch<Allocator>) -> [CommitOutcome] {
        precondition(batch.root == root, "a prepared batch can only be committed to the table that prepared it")
        let stock = batch.tables
        preparedTables.byLevel = stock.take()
        var outcomes: [CommitOutcome] = []
        for operation in batch.operations {
            let outcome = run(operation)
            let error = outcome.error.map { error -> CommitError in
                guard let error = CommitError(error) else {
                    preconditionFailure("a prepared batch ran out of tables: the estimate was wrong (\(error))")
                }
                return error
            }
            outcomes.append(CommitOutcome(bytes: outcome.bytes, error: error))
        }
        sync()
        for (level, tables) in preparedTables.byLevel.enumerated() {
            for table in tables { allocator.free(table, bytes: shapes[level].tableBytes) }
        }
        preparedTables = PreparedTables()
        return outcomes
    }

    /// Runs `operations` in order as one batch -- one invalidation sync at the end, as a GPU
    /// driver wants per VM_BIND -- and returns one exact outcome per operation. Tables come from
    /// the allocator as usual (see ``prepare(_:)`` for batches that must not allocate).
    public mutating func apply(_ operations: [BatchOperation]) -> [RangeOutcome] {
        let outcomes = operations.map { run($0) }
        sync()
        return outcomes
    }

    /// Runs one operation of a batch without syncing.
    private mutating func run(_ operation: BatchOperation) -> RangeOutcome {
        switch operation {
        case .map(let iova, let physicalAddress, let size, let attributes):
            return mapRange(iova: iova, to: physicalAddress, size: size, attributes: attributes)
        case .mapList(let iova, let pages, let attributes):
            return mapList(iova: iova, pages: pages, attributes: attributes)
        case .unmap(let iova, let size):
            return unmapRange(iova: iova, size: size)
        case .protect(let iova, let size, let attributes):
            return protectRange(iova: iova, size: size, attributes: attributes)
        case .repeat(let iova, let size, let physicalAddress, let pageSize, let attributes):
            return repeatRange(iova: iova, size: size, physicalAddress: physicalAddress, pageSize: pageSize,
                               attributes: attributes)
        }
    }

    /// Why a protect cannot be prepared after operations that may change the shared tables.
    private static func protectAfterSharingChange(at iova: VirtualAddress) -> PageTableError {
        PageTableError(.unsupported, at: iova,
                       "a protect cannot be prepared after a repeat, unmap or protect in the same batch on a format with shared tables: prepare it in a batch of its own")
    }

    /// The most an unmap can copy: one shared table per level below the top at each end of its
    /// range (the path to a partly covered shared table; covered ones are dropped, not copied).
    private func worstCaseCopies() -> TableEstimate {
        var estimate = TableEstimate(levels: geometry.levelCount)
        for level in 0..<geometry.topLevel {
            estimate.tablesPerLevel[level] = 2
            estimate.bytes += 2 * shapes[level].tableBytes
        }
        return estimate
    }

    /// The tables a map would need if no table existed below the top one.
    private func emptyTableEstimate(iova: VirtualAddress, size: UInt64,
                                    physicalAddress: PhysicalAddress) throws(PageTableError) -> TableEstimate {
        var estimate = TableEstimate(levels: geometry.levelCount)
        let range = try checkInputRange(iova, size: size)
        countTables(in: nil, level: geometry.topLevel, base: 0, range: range,
                 placement: LeafPlacement(offset: physicalAddress &- range.lowerBound, largestShift: .max), into: &estimate)
        return estimate
    }
}

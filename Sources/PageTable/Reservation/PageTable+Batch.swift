extension PageTable {
    /// Allocates everything `operations` can need, so that ``commit(_:)`` later cannot fail
    /// for lack of memory -- for contexts where allocation is forbidden (GPU VM_BIND run from
    /// a fence signalling path, for example).
    ///
    /// Each operation is estimated on the table as it is now (``estimateMap(iova:size:physicalAddress:)``,
    /// ``estimateUnmap(iova:size:)``, ``estimateRepeat(iova:size:pageSize:)``); a map or repeat
    /// that follows any unmap is estimated as if no table existed below the top (an unmap may
    /// free a table that a later map elsewhere in its span would have used), and an unmap that
    /// follows a repeat on a format with shared tables as if it copied one shared table per
    /// level at each end of its range (the repeat may share tables the unmap then cuts into).
    /// Throws `out-of-memory` (or a validation error) with nothing
    /// changed: the table is untouched and nothing stays allocated.
    public func prepare(_ operations: [BatchOperation]) throws(PageTableError) -> PreparedBatch<Allocator> {
        var estimate = TableEstimate(levels: geometry.levelCount)
        var afterUnmap = false
        var afterSharingRepeat = false
        for operation in operations {
            switch operation {
            case .unmap(let iova, let size):
                let copies = try estimateUnmap(iova: iova, size: size)
                estimate.add(afterSharingRepeat ? worstCaseCopies() : copies)
                afterUnmap = true
            case .repeat(let iova, let size, _, let pageSize, _):
                estimate.add(try repeatEstimate(iova: iova, size: size, pageSize: pageSize, onEmptyTable: afterUnmap))
                afterSharingRepeat = afterSharingRepeat || format.allowsSharedTables
            case .map(let iova, let physicalAddress, let size, _):
                if afterUnmap {
                    estimate.add(try emptyTableEstimate(iova: iova, size: size, physicalAddress: physicalAddress))
                } else {
                    estimate.add(try estimateMap(iova: iova, size: size, physicalAddress: physicalAddress))
                }
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
            let outcome: RangeOutcome
            switch operation {
            case .map(let iova, let physicalAddress, let size, let attributes):
                outcome = mapRange(iova: iova, to: physicalAddress, size: size, attributes: attributes)
            case .unmap(let iova, let size):
                outcome = unmapRange(iova: iova, size: size)
            case .repeat(let iova, let size, let physicalAddress, let pageSize, let attributes):
                outcome = repeatRange(iova: iova, size: size, physicalAddress: physicalAddress, pageSize: pageSize,
                                      attributes: attributes)
            }
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
        let outcomes = operations.map { operation -> RangeOutcome in
            switch operation {
            case .map(let iova, let physicalAddress, let size, let attributes):
                return mapRange(iova: iova, to: physicalAddress, size: size, attributes: attributes)
            case .unmap(let iova, let size):
                return unmapRange(iova: iova, size: size)
            case .repeat(let iova, let size, let physicalAddress, let pageSize, let attributes):
                return repeatRange(iova: iova, size: size, physicalAddress: physicalAddress, pageSize: pageSize,
                                   attributes: attributes)
            }
        }
        sync()
        return outcomes
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

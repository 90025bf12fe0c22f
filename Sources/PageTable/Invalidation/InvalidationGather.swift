/// The changes of one operation (or batch) that the hardware must be told about, and the
/// tables that may be freed once it has been.
///
/// Ranges merge into their hull (``PendingInvalidations``). Tables unlinked during the operation
/// wait here and go back to the allocator only in ``PageTable`` 's sync, after the invalidator
/// has run. For
/// memory that needs cache maintenance, the modified byte range of each table waits here too,
/// to be cleaned once before the invalidations.
///
/// Both lists keep their first eight entries inline (``SpillList``), so a gather that stays
/// small -- every single-page operation, every operation that frees at most eight tables --
/// allocates nothing and resets without releasing anything.
@usableFromInline
struct InvalidationGather {
    /// The ranges and levels to invalidate.
    @usableFromInline var invalidations = PendingInvalidations()
    /// Unlinked tables: (physical address, bytes), freed after the sync.
    @usableFromInline var unlinkedTables = SpillList<(address: PhysicalAddress, bytes: Int)>(filler: (0, 0))
    /// Modified byte ranges of tables, cleaned before the invalidations (non-coherent memory).
    @usableFromInline var modifiedRanges = SpillList<(table: PhysicalAddress, offset: Int, bytes: Int)>(filler: (0, 0, 0))

    @inlinable init() {}

    /// Forgets everything gathered (after a sync), keeping any heap capacity.
    @inlinable
    mutating func reset() {
        invalidations = PendingInvalidations()
        unlinkedTables.removeAll()
        modifiedRanges.removeAll()
    }

    /// Leaves of `level` in `start ..< end` were removed or changed.
    @inlinable
    mutating func addLeaves(_ start: VirtualAddress, _ end: VirtualAddress, level: Int) {
        invalidations.addLeaves(start, end, level: level)
    }

    /// Table pointers held at `level` covering `start ..< end` were removed or changed.
    @inlinable
    mutating func addWalks(_ start: VirtualAddress, _ end: VirtualAddress, level: Int) {
        invalidations.addWalks(start, end, level: level)
    }

    /// Whether there is anything to clean, tell the hardware, or free.
    @inlinable var isEmpty: Bool {
        invalidations.isEmpty && unlinkedTables.isEmpty && modifiedRanges.isEmpty
    }

    /// Whether the hardware must be told anything (an invalidation sync).
    @inlinable var needsInvalidation: Bool { !invalidations.isEmpty }
}

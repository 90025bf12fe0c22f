/// Performs the hardware's TLB and walk-cache maintenance for a live table.
///
/// Flushing is the hardware's business: only the driver knows what its MMU caches and how to
/// invalidate it, so every table is constructed with an invalidator and there is no silent
/// default. Tables that no hardware walks yet (built offline, for an image) use the explicitly
/// named ``OfflineInvalidator``.
///
/// The walker collects the changes of one operation (its internal `InvalidationGather`) and calls
/// these methods once, at the end of the operation, before it frees any table that was
/// unlinked. Ranges are input-address ranges, as the hardware sees them (`0xffff...` on upper
/// and sign-extended tables, ``InputRange``); one that reaches 2^64 ends at `UInt64.max`,
/// since a `Range` cannot end there. `levels` are the walker's level numbers (0 = leaf-most)
/// touched in that range, so drivers can target invalidations by level.
///
/// A ``PageTable/PageTable`` calls its invalidator from one thread at a time. A `ConcurrentPageTable`
/// (module `PageTableConcurrent`) batches per call, so calls on different threads sync at once:
/// its invalidator must accept concurrent calls (`docs/concurrency.md`).
public protocol TLBInvalidator {
    /// Leaves in `range` were removed or changed: drop cached translations for it.
    func invalidateLeaves(in range: Range<VirtualAddress>, levels: LevelSet)

    /// Table pointers in `range` were removed or replaced: drop cached walk entries for it and
    /// every translation below them (ARM's "flush walk"). Tables they pointed at are freed
    /// only after this returns.
    func invalidateWalks(in range: Range<VirtualAddress>, levels: LevelSet)

    /// Drop everything cached for this table (teardown).
    func invalidateAll()
}

/// The invalidator for tables that no hardware is walking: tables built offline, for example
/// to export an image. It does nothing, by name and on purpose.
///
/// Never use it for a table a live MMU walks: stale translations would survive unmaps and
/// freed tables could be walked after reuse.
public struct OfflineInvalidator: TLBInvalidator, Sendable {
    /// Creates the no-op invalidator for tables that are not live.
    public init() {}
    public func invalidateLeaves(in range: Range<VirtualAddress>, levels: LevelSet) {}
    public func invalidateWalks(in range: Range<VirtualAddress>, levels: LevelSet) {}
    public func invalidateAll() {}
}

import Testing

extension Conformance {
    /// One part of the conformance matrix. Each runs on its own fresh table.
    public enum Check: String, CaseIterable, Sendable, CustomTestStringConvertible {
        /// The format's promises, checked directly: zero decodes as empty; table pointers and
        /// leaves (single and contiguous, at every leaf level) round-trip through encode and
        /// decode, attributes included; table sizes hold their items; `PageTableFormat.linearLeafStride(level:)`
        /// is honest; every descriptor `PageTableFormat.singleLeafPattern(level:)`
        /// matches is a single leaf.
        case contract
        /// Thousands of seeded random maps, unmaps and repeats compared with the reference
        /// model (outcomes, translations, attributes, leaf lists, invariants), with a model of
        /// the TLB and walk caches proving every invalidation, on coherent table memory.
        case randomOperations
        /// ``randomOperations`` on non-coherent table memory: the hardware sees only what the
        /// walker cleaned.
        case randomOperationsNonCoherent
        /// Allocation failure at every allocation point of maps that need tables on both sides
        /// of a top-level boundary: exact prefixes, all-or-nothing maps that leave the table
        /// identical, nothing stale, everything freed afterwards. Coherent memory.
        case faultInjection
        /// ``faultInjection`` on non-coherent table memory.
        case faultInjectionNonCoherent
        /// Estimates of maps, page-list maps, unmaps, protects and repeats equal what they
        /// really allocate, per level.
        case estimates
        /// Prepared batches (maps, page-list maps, unmaps, protects, repeats) commit with every
        /// allocation failing and do what the operations do one by one.
        case preparedBatches
        /// Inside a reservation maps never allocate and unmaps never free; releasing restores
        /// the table set.
        case reservations
        /// Page-list maps: bad lists refused before anything changes, leaves spanning extents
        /// exactly where they continue each other physically, exact prefixes, one sync.
        case pageLists
        /// Eight threads of seeded random maps, unmaps and translations on disjoint ranges of
        /// one `ConcurrentPageTable` that share its interior tables, each against its own
        /// reference model, with allocation failures injected; then the tree
        /// against the models and the accounting against the tree. Formats without 32- or
        /// 64-bit descriptors, or without a level above pages of 64 pages or more, are skipped.
        case concurrency
        /// The TLB model's break-before-make check catches, on this format's descriptors, a
        /// live leaf moved to another output in one write, and passes the same change made
        /// with the break (the random checks run with it on); likewise an attribute change
        /// the format's `leafChangeNeedsBreak` names, which `protect` must refuse.
        case breakBeforeMake
        /// Adoption of a tree found in memory: a built image adopts back identically, and
        /// seeded random bit flips of it are each adopted into a sound table or refused with
        /// every problem, never a crash.
        case adoption

        /// The check's name, as test reports show it.
        public var testDescription: String { rawValue }
    }
}

/// The outcome of one operation of a committed batch.
///
/// Its error type has no out-of-memory case: a commit never allocates beyond what was
/// prepared, so it cannot fail for lack of memory. Other refusals (a conflict, a hole, bad
/// input) are still reported exactly as ``RangeOutcome`` reports them.
public struct CommitOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Bytes done from the start of the operation's range.
    public var bytes: UInt64
    /// Why the operation stopped early, if it did.
    public var error: CommitError?

    /// `<bytes>` or `<bytes> error <name>`.
    public var description: String { error.map { "\(bytes) error \($0.kind.rawValue)" } ?? "\(bytes)" }
}

/// Why a committed operation stopped: any ``PageTableError`` except `out-of-memory`.
public struct CommitError: Error, Hashable, Sendable {
    /// The failure kinds a commit can meet.
    public enum Kind: String, Hashable, Sendable {
        /// A leaf already maps part of the range; nothing was overwritten.
        case alreadyMapped = "already-mapped"
        /// The range starts or ends inside a larger leaf, which is never split.
        case partialLeaf = "partial-leaf"
        /// The range reaches an address that is not mapped.
        case notMapped = "not-mapped"
        /// An address or size is not a multiple of the smallest page.
        case misaligned
        /// An address lies beyond the input or output address size.
        case outOfRange = "out-of-range"
        /// No read and no write, or a combination the format cannot express.
        case invalidAttributes = "invalid-attributes"
        /// A protect whose change of a live leaf needs break-before-make on this hardware
        /// (on ARM a new memory type, see ``PageTableFormat/leafChangeNeedsBreak(from:to:level:)``);
        /// the leaves before it were protected.
        case unsupported
    }

    /// The kind of failure.
    public var kind: Kind
    /// The full error, with its address and message.
    public var error: PageTableError

    /// The error as a commit reports it; `nil` for `out-of-memory` and `not-uniform` (no batch
    /// operation collapses), which a commit cannot meet.
    init?(_ error: PageTableError) {
        // A switch, not `Kind(rawValue:)`: comparing the names would pull in String's Unicode tables.
        switch error.kind {
        case .alreadyMapped: kind = .alreadyMapped
        case .partialLeaf: kind = .partialLeaf
        case .notMapped: kind = .notMapped
        case .misaligned: kind = .misaligned
        case .outOfRange: kind = .outOfRange
        case .invalidAttributes: kind = .invalidAttributes
        case .unsupported: kind = .unsupported
        case .outOfMemory, .notUniform: return nil
        }
        self.error = error
    }
}

/// The exact outcome of a range operation: how many bytes it completed and, if it stopped
/// early, why.
///
/// The allowed shapes are: everything done and no error; an error with nothing done; an error
/// with a done prefix, in which case exactly `bytes` bytes from the start of the range were
/// done and nothing else changed. "No error and less than everything" never happens.
public struct RangeOutcome: Hashable, Sendable, CustomStringConvertible {
    /// Bytes from the start of the range that were mapped (or unmapped).
    public var bytes: UInt64
    /// Why the operation stopped, or `nil` if it completed.
    public var error: PageTableError?

    /// Creates an outcome.
    public init(bytes: UInt64, error: PageTableError? = nil) {
        self.bytes = bytes
        self.error = error
    }

    /// Whether the whole range was done.
    public var isComplete: Bool { error == nil }

    /// `<bytes>` or `<bytes> error <name>`, as the command line prints after `mapped`.
    public var description: String {
        error.map { "\(bytes) error \($0.kind.name)" } ?? "\(bytes)"
    }
}

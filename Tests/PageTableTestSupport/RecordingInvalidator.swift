import PageTable

/// An invalidator for tests: records every request in order.
public final class RecordingInvalidator: TLBInvalidator, @unchecked Sendable {
    /// One recorded request.
    public enum Request: Hashable, Sendable {
        /// `invalidateLeaves(in:levels:)` with this range and these levels.
        case leaves(Range<UInt64>, LevelSet)
        /// `invalidateWalks(in:levels:)` with this range and these levels.
        case walks(Range<UInt64>, LevelSet)
        /// `invalidateAll()`.
        case all
    }

    /// Requests in the order they were made.
    public private(set) var requests: [Request] = []

    /// An invalidator that has recorded nothing yet.
    public init() {}

    public func invalidateLeaves(in range: Range<UInt64>, levels: LevelSet) { requests.append(.leaves(range, levels)) }
    public func invalidateWalks(in range: Range<UInt64>, levels: LevelSet) { requests.append(.walks(range, levels)) }
    public func invalidateAll() { requests.append(.all) }

    /// Forgets what was recorded.
    public func reset() { requests.removeAll() }
}

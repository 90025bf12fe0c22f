/// What ``PageTable/readAndClearDirty(iova:size:)`` found: the dirty ranges, in address order
/// and merged where they touch, each now clean again, and the outcome of the scan.
public struct DirtyRanges: Hashable, Sendable {
    /// One run of dirty bytes: whole leaves, adjacent ones merged.
    public struct Run: Hashable, Sendable {
        /// The first input address of the run.
        public var iova: VirtualAddress
        /// Its length in bytes.
        public var size: UInt64

        /// A run of `size` bytes from `iova`.
        @inlinable
        public init(iova: VirtualAddress, size: UInt64) {
            self.iova = iova
            self.size = size
        }
    }

    /// The dirty runs, in address order.
    public var runs: [Run]
    /// The scan: `bytes` is the whole range when it completed; on an error, 0 and nothing cleared.
    public var outcome: RangeOutcome

    /// Found runs and an outcome.
    @inlinable
    public init(runs: [Run] = [], outcome: RangeOutcome) {
        self.runs = runs
        self.outcome = outcome
    }

    /// The dirty bytes found (the runs' total).
    @inlinable
    public var dirtyBytes: UInt64 { runs.reduce(0) { $0 &+ $1.size } }

    /// Adds a dirty leaf after the runs so far, merging it into the last one if they touch.
    @inlinable
    mutating func append(iova: VirtualAddress, size: UInt64) {
        if let last = runs.last, last.iova &+ last.size == iova {
            runs[runs.count &- 1].size &+= size
        } else {
            runs.append(Run(iova: iova, size: size))
        }
    }
}

/// What the hardware does on a write (``PageTable/simulateHardwareWrite(iova:)``).
public enum HardwareWrite: Hashable, Sendable {
    /// The write goes through (a tracked leaf is now dirty).
    case written
    /// The hardware faults: nothing mapped there, or the leaf does not allow the write.
    case fault
}

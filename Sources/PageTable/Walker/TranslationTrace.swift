/// A walk explained: every level the hardware reads for one input address, and where it ends.
public struct TranslationTrace: Equatable, Sendable {
    /// How a walk ends.
    public enum Outcome: Hashable, Sendable {
        /// The address translates to `physicalAddress`, through the leaf `leaf`.
        case translated(physicalAddress: PhysicalAddress, leaf: Mapping)
        /// The hardware faults: the step at `level` holds no translation (or a table pointer
        /// at the leaf-most level, which the hardware treats as invalid).
        case fault(level: Int)
        /// The address is beyond the input-address space; nothing is read.
        case beyondInputSpace
    }

    /// The levels read, top first.
    public var steps: [TranslationStep]
    /// Where the walk ended.
    public var outcome: Outcome
    /// Bytes of one descriptor of the format (4 or 8), so explanations print it at its width.
    public var descriptorBytes: Int

    /// Creates a trace.
    public init(steps: [TranslationStep], outcome: Outcome, descriptorBytes: Int) {
        self.steps = steps
        self.outcome = outcome
        self.descriptorBytes = descriptorBytes
    }
}

extension Conformance {
    /// One way a format failed a check: where, with which seed, at which operation, and what.
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        /// A check stops after this many failures (a broken format fails everywhere).
        public static let limit = 20

        /// The configuration's name.
        public var configuration: String
        /// The check that failed.
        public var check: Check
        /// The seed of the check's random choices, if it makes any.
        public var seed: UInt64?
        /// The `PAGETABLE_SEED` value that replays the run.
        public var baseSeed: UInt64
        /// The step of the check's sequence of operations, if it has one.
        public var step: Int?
        /// The operation that went wrong, as a `pagetable` script would spell it, if any.
        public var operation: String?
        /// What went wrong.
        public var message: String

        /// `configuration check seed 0x... (PAGETABLE_SEED=n) step k: operation: message`.
        public var description: String {
            var text = "\(configuration) \(check.rawValue)"
            if let seed { text += " seed 0x\(String(seed, radix: 16)) (PAGETABLE_SEED=\(baseSeed))" }
            if let step { text += " step \(step)" }
            if let operation { text += ": \(operation)" }
            return text + ": " + message
        }
    }
}

/// Collects one check's failures, stamped with the check's current seed, step and operation.
final class FailureLog {
    /// Thrown to end a check early: a required condition failed, or the limit was reached.
    struct Stop: Error {}

    let configuration: String
    let check: Conformance.Check
    let baseSeed: UInt64
    /// The seed of the random choices being made now.
    var seed: UInt64?
    /// The current step and operation, if the check runs a sequence.
    var step: Int?
    var operation: String?
    private(set) var failures: [Conformance.Failure] = []
    /// Test hook: the concurrency check installs tables with a plain store (it must fail).
    var breaksConcurrentInstalls = false

    init(configuration: String, check: Conformance.Check, baseSeed: UInt64) {
        self.configuration = configuration
        self.check = check
        self.baseSeed = baseSeed
    }

    /// Whether the check should stop (the failure limit is reached).
    var isFull: Bool { failures.count >= Conformance.Failure.limit }

    /// The check's seed for a purpose: the base seed mixed with the configuration's name and
    /// a salt, as the built-in matrix has always derived it.
    func derivedSeed(salt: UInt64) -> UInt64 { baseSeed ^ configuration.stableHash ^ salt }

    /// Marks the start of `step` doing `operation`.
    func at(step: Int?, _ operation: String?) {
        self.step = step
        self.operation = operation
    }

    /// Records a failure.
    func record(_ message: String) {
        guard !isFull else { return }
        failures.append(Conformance.Failure(configuration: configuration, check: check, seed: seed, baseSeed: baseSeed,
                                            step: step, operation: operation, message: message))
    }

    /// Records `message` unless `condition` holds; throws ``Stop`` once the limit is reached.
    func expect(_ condition: Bool, _ message: @autoclosure () -> String) throws(Stop) {
        guard !condition else { return }
        record(message())
        if isFull { throw Stop() }
    }

    /// Records `message` and stops the check unless `condition` holds.
    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws(Stop) {
        guard !condition else { return }
        record(message())
        throw Stop()
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var stableHash: UInt64 { utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 } }
}

/// `0x` and lowercase hex digits.
func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

import PageTable
import Testing

/// The cross-format conformance kit: every check the built-in formats pass, as public API any
/// package's Swift Testing target runs on its own format.
///
/// ```swift
/// import PageTableConformance
/// import Testing
///
/// @Suite struct MyFormatConformance {
///     static let configurations = [Conformance.Configuration("my-format") { MyFormat() }]
///
///     @Test(arguments: configurations, Conformance.Check.allCases)
///     func conformance(_ configuration: Conformance.Configuration, _ check: Conformance.Check) {
///         Conformance.check(check, on: configuration)
///     }
/// }
/// ```
///
/// Each ``Check`` runs on a fresh table in simulated memory; every failure becomes one Swift
/// Testing issue naming the configuration, the check, the seed and the operation (see
/// ``Failure``). Random checks derive their seed from ``baseSeed()``: set `PAGETABLE_SEED` to
/// the value a failure prints to replay it.
public enum Conformance {
    /// Runs `check` on `configuration` and records every failure as a Swift Testing issue.
    ///
    /// - Parameters:
    ///   - check: the check to run.
    ///   - configuration: the format configuration it runs on.
    ///   - baseSeed: the seed random checks derive theirs from (default: ``baseSeed()``).
    ///   - sourceLocation: where the issues point (default: the caller).
    public static func check(_ check: Check, on configuration: Configuration, baseSeed: UInt64 = baseSeed(),
                             sourceLocation: SourceLocation = #_sourceLocation) {
        for failure in failures(of: check, on: configuration, baseSeed: baseSeed) {
            Issue.record(Comment(rawValue: failure.description), sourceLocation: sourceLocation)
        }
    }

    /// Runs every check on `configuration`, one after another, recording failures as issues.
    /// A single test that calls this is the shortest use of the kit; one test per check (with
    /// `Check.allCases` as arguments) runs them in parallel and names each.
    public static func checkAll(on configuration: Configuration, baseSeed: UInt64 = baseSeed(),
                                sourceLocation: SourceLocation = #_sourceLocation) {
        for each in Check.allCases { check(each, on: configuration, baseSeed: baseSeed, sourceLocation: sourceLocation) }
    }

    /// Runs `check` on `configuration` and returns its failures instead of recording them
    /// (empty when the format passes). A check stops after ``Failure/limit`` failures.
    public static func failures(of check: Check, on configuration: Configuration,
                                baseSeed: UInt64 = baseSeed()) -> [Failure] {
        failures(of: check, on: configuration, baseSeed: baseSeed, breakingConcurrentInstalls: false)
    }

    /// ``failures(of:on:baseSeed:)`` for the kit's own proof that ``Check/concurrency`` can
    /// fail: with `breakingConcurrentInstalls`, the concurrent table installs new tables with a
    /// plain store instead of a compare-and-swap.
    package static func failures(of check: Check, on configuration: Configuration, baseSeed: UInt64,
                                 breakingConcurrentInstalls: Bool) -> [Failure] {
        let log = FailureLog(configuration: configuration.name, check: check, baseSeed: baseSeed)
        log.breaksConcurrentInstalls = breakingConcurrentInstalls
        do {
            try configuration.run(check, log)
        } catch is FailureLog.Stop {
            // A required condition failed or the failure limit was reached: already logged.
        } catch {
            log.record("the format could not be created: \(error)")
        }
        return log.failures
    }

    /// Whether ``Check/concurrency`` checks `format` rather than skipping it (it needs 32- or
    /// 64-bit descriptors, a level above pages whose items hold 64 pages or more, and a top
    /// that does not grow: `ConcurrentPageTable` refuses a dynamic top).
    public static func checksConcurrency(of format: some PageTableFormat) -> Bool {
        ConcurrencyCheck.applies(to: format)
    }

    /// `count` random operations scaled by `PAGETABLE_DEPTH` from the environment, a percentage
    /// from 1 to 100 (default 100): CI's sanitizer run takes every check at a quarter of the
    /// depth, since the fresh-seed runs give the depth. A check that has not yet seen every
    /// outcome it wants still goes on, as at full depth.
    public static func scaled(_ count: Int) -> Int {
        guard let text = getenv("PAGETABLE_DEPTH"), let percent = Int(String(cString: text)), (1...100).contains(percent)
        else { return count }
        return max(1, count * percent / 100)
    }

    /// The base seed of this run: `PAGETABLE_SEED` from the environment (a decimal number),
    /// or a fixed default. Each random check mixes it with the configuration's name, so one
    /// value reproduces every check of every configuration.
    public static func baseSeed() -> UInt64 {
        if let text = getenv("PAGETABLE_SEED"), let seed = UInt64(String(cString: text)) { return seed }
        return 0x5EED_0001
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

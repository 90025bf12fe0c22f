#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The benchmark's clock, in nanoseconds, read through the C library so the timed region holds
/// nothing but the operation and two `clock_gettime` calls (vDSO, no system call on Linux).
///
/// `CLOCK_MONOTONIC` by default; `--clock thread-cpu` reads the thread's CPU time instead
/// (`CLOCK_THREAD_CPUTIME_ID`), which a machine shared with other work disturbs less: time the
/// thread spends waiting for a CPU is not counted.
enum BenchClock {
    /// The clocks `--clock` chooses from.
    enum Source: String, CaseIterable, Sendable {
        /// Wall time that never goes backwards.
        case monotonic
        /// CPU time of the calling thread.
        case threadCPU = "thread-cpu"
    }

    /// The clock ``now()`` reads; set once, before any case runs.
    nonisolated(unsafe) static var source = Source.monotonic

    /// Nanoseconds since an arbitrary fixed point; never goes backwards.
    @inline(__always)
    static func now() -> UInt64 {
        read(source == .monotonic ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID)
    }

    /// Wall time (`CLOCK_MONOTONIC`) whatever ``source`` says: for cases that run several
    /// threads, where one thread's CPU time would not be the operation's time.
    @inline(__always)
    static func wallNow() -> UInt64 { read(CLOCK_MONOTONIC) }

    @inline(__always)
    private static func read(_ clock: clockid_t) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(truncatingIfNeeded: time.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: time.tv_nsec)
    }
}

/// Where measured results go so the optimiser cannot drop the work that produced them.
///
/// The measured loops fold their answers into one local value and hand it to ``consume(_:)``
/// once, after the clock has stopped; the call is opaque (`@inline(never)` and the value is
/// stored to memory that outlives the benchmark), so every answer must really be computed.
enum BenchSink {
    nonisolated(unsafe) private static var storage: UInt64 = 0

    /// Keeps `value` observable.
    @inline(never)
    static func consume(_ value: UInt64) {
        storage ^= value
    }
}

/// A small, fast, repeatable random number generator (SplitMix64): the C baseline uses the
/// same sequence, so both programs translate exactly the same addresses.
@frozen @usableFromInline
struct BenchRandom {
    @usableFromInline var state: UInt64

    @inlinable
    init(seed: UInt64) { state = seed }

    @inlinable @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed &>> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed &>> 31)
    }
}

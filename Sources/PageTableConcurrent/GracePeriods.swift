import CPageTableAtomics

/// The grace periods that let an unmap free a table only once no lock-free reader can still
/// hold a pointer to it (a small epoch scheme, in the manner of sleepable RCU).
///
/// A reader (``ConcurrentPageTable/translate(_:)``) enters by reading the epoch and counting
/// itself in that epoch's parity, on its thread's stripe (so readers on different threads do
/// not share a cache line), then checks the epoch did not move meanwhile (else it backs out
/// and retries); it leaves by uncounting itself. ``synchronize()`` moves the epoch on and waits
/// until every reader counted in the old parity has left. Readers that entered after the move
/// see every unlink made before it, so cannot reach the tables being freed. All operations on
/// the epoch and counters are sequentially consistent.
///
/// Readers never wait for anything and never take a lock: only a reader racing with the epoch
/// move retries, once per move. Synchronizers are serialised by a lock and wait (yielding).
@usableFromInline
final class GracePeriods: @unchecked Sendable {
    /// Reader counter stripes; threads map onto them round-robin.
    @usableFromInline static var stripes: Int { 16 }
    /// One cache line per counter.
    @usableFromInline static var lineBytes: Int { 64 }

    /// Word 0: the epoch; then, a line each, the counters of stripe s, parity p at 1 + 2s + p.
    @usableFromInline let words: UnsafeMutableRawPointer
    private let lock = HostLock()
    private var completedCount = 0

    @usableFromInline init() {
        let bytes = (1 + 2 * Self.stripes) * Self.lineBytes
        words = .allocate(byteCount: bytes, alignment: Self.lineBytes)
        words.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    }

    deinit { words.deallocate() }

    @inlinable @inline(__always)
    func counter(_ slot: Int) -> UnsafeMutableRawPointer { words + (1 &+ slot) &* Self.lineBytes }

    /// Enters a read-side section; pass the result to ``leave(_:)``.
    @inlinable @inline(__always)
    func enter() -> Int {
        let stripe = Int(pt_thread_stripe()) & (Self.stripes &- 1)
        while true {
            let epoch = pt_load_seq(words)
            let slot = stripe &* 2 &+ Int(epoch & 1)
            _ = pt_fetch_add_seq(counter(slot), 1)
            if pt_load_seq(words) == epoch { return slot }
            _ = pt_fetch_add_seq(counter(slot), -1)  // The epoch moved: count in the new one.
        }
    }

    /// Leaves the read-side section entered as `slot`.
    @inlinable @inline(__always)
    func leave(_ slot: Int) { _ = pt_fetch_add_seq(counter(slot), -1) }

    /// Returns once every reader that entered before this call has left. Call it after
    /// unlinking tables and before freeing them; never from inside a read-side section.
    @usableFromInline
    func synchronize() {
        lock.withLock {
            let parity = Int(pt_fetch_add_seq(words, 1) & 1)
            for stripe in 0..<Self.stripes {
                while pt_load_seq(counter(stripe * 2 + parity)) != 0 { pt_yield() }
            }
            completedCount += 1
        }
    }

    /// Grace periods completed so far.
    var completed: Int { lock.withLock { completedCount } }
}

import Foundation
import Synchronization

/// Runs `body(index)` on `count` new threads at once and returns when all have finished.
func runThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}

/// A reusable barrier: every one of `parties` threads waits in ``wait()`` until all arrive.
final class Barrier: Sendable {
    private let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    func wait() {
        let current = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            return
        }
        while generation.load(ordering: .acquiring) == current { sched_yield() }
    }
}

/// The base seed: `PAGETABLE_SEED` if set (to replay a run), else a fixed one.
func baseSeed() -> UInt64 {
    if let text = ProcessInfo.processInfo.environment["PAGETABLE_SEED"], let seed = UInt64(text) { return seed }
    return 0x5EED_C0C0
}

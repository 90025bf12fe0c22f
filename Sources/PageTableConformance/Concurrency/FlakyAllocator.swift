import PageTable
import PageTableConcurrent
import Synchronization

/// A thread-safe allocator that, while armed, fails every `n`th request (counted across all
/// threads): allocation failures injected into concurrent maps.
final class FlakyAllocator: TableAllocator, @unchecked Sendable {
    let base: LockedAllocator<BuddyAllocator>
    private let failEvery = Atomic<Int>(0)
    private let requests = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)

    init(_ base: LockedAllocator<BuddyAllocator>) { self.base = base }

    /// Fails every `n`th request from now on (0: none).
    func failEvery(_ n: Int) { failEvery.store(n, ordering: .relaxed) }

    /// Requests failed so far.
    var injectedFailures: Int { failures.load(ordering: .relaxed) }

    /// Blocks the buddy allocator has handed out and not had back.
    var liveBlocks: Int { base.withBase { $0.liveBlocks } }

    func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        let n = failEvery.load(ordering: .relaxed)
        let request = requests.add(1, ordering: .relaxed).newValue
        if n > 0 && request % n == 0 {
            failures.add(1, ordering: .relaxed)
            return nil
        }
        return base.allocate(bytes: bytes, alignment: alignment, limit: limit)
    }

    func free(_ address: PhysicalAddress, bytes: Int) { base.free(address, bytes: bytes) }
}

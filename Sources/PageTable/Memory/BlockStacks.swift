/// Freed blocks waiting for reuse, one last-in-first-out stack per block size (log2 0..<64), in
/// memory the stacks own: a push or a pop is a few loads and stores, with no uniqueness check
/// or reference counting as an array of arrays would have on every access. Used by
/// ``BuddyAllocator`` for its per-size cache; not thread-safe (neither is the allocator).
struct BlockStacks {
    /// One stack: its storage, entries in use and entries allocated.
    private struct Stack {
        var entries: UnsafeMutablePointer<PhysicalAddress>?
        var count: Int
        var capacity: Int
    }

    /// 64 stacks, indexed by block size (log2).
    private let stacks: UnsafeMutablePointer<Stack>
    /// Blocks in all stacks together.
    private(set) var total = 0

    init() {
        stacks = .allocate(capacity: 64)
        stacks.initialize(repeating: Stack(entries: nil, count: 0, capacity: 0), count: 64)
    }

    /// Frees the stacks' memory; the value must not be used afterwards.
    func deallocate() {
        for shift in 0..<64 { stacks[shift].entries?.deallocate() }
        stacks.deallocate()
    }

    /// Blocks of `1 << shift` bytes waiting.
    func count(shift: Int) -> Int { stacks[shift].count }

    /// The most recently pushed block of `1 << shift` bytes, if any.
    @inline(__always)
    func top(shift: Int) -> PhysicalAddress? {
        let stack = stacks[shift]
        return stack.count > 0 ? stack.entries.unsafelyUnwrapped[stack.count &- 1] : nil
    }

    /// Removes the most recently pushed block of `1 << shift` bytes (there must be one).
    @inline(__always)
    mutating func pop(shift: Int) {
        stacks[shift].count &-= 1
        total &-= 1
    }

    /// Adds a block of `1 << shift` bytes.
    @inline(__always)
    mutating func push(_ address: PhysicalAddress, shift: Int) {
        let stack = stacks + shift
        if stack.pointee.count == stack.pointee.capacity { grow(stack) }
        stack.pointee.entries.unsafelyUnwrapped[stack.pointee.count] = address
        stack.pointee.count &+= 1
        total &+= 1
    }

    /// Calls `body` with every block of `1 << shift` bytes, oldest first, then empties that
    /// stack (keeping its storage).
    mutating func drain(shift: Int, _ body: (PhysicalAddress) -> Void) {
        let stack = stacks[shift]
        for index in 0..<stack.count { body(stack.entries.unsafelyUnwrapped[index]) }
        stacks[shift].count = 0
        total &-= stack.count
    }

    /// Doubles a full stack's storage (at least 16 entries).
    @inline(never)
    private func grow(_ stack: UnsafeMutablePointer<Stack>) {
        let capacity = max(16, stack.pointee.capacity &* 2)
        let grown = UnsafeMutablePointer<PhysicalAddress>.allocate(capacity: capacity)
        if let old = stack.pointee.entries {
            grown.moveInitialize(from: old, count: stack.pointee.count)
            old.deallocate()
        }
        stack.pointee.entries = grown
        stack.pointee.capacity = capacity
    }
}

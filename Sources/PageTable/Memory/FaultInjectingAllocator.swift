/// Wraps an allocator and makes allocations fail on demand, to test what happens when memory
/// runs out part-way through an operation.
///
/// ``failAllocations(from:)`` arms it: the Nth allocation from then on fails, and so does every
/// later one, until ``stopFailing()``. Frees always pass through.
public final class FaultInjectingAllocator<Base: TableAllocator>: TableAllocator {
    /// The allocator that serves requests while not failing.
    public let base: Base
    /// Allocations requested so far (successful or not).
    public private(set) var requests = 0
    /// Allocations that were made to fail.
    public private(set) var injectedFailures = 0
    private var failingFromRequest: Int?

    /// Wraps `base`; nothing fails until armed.
    public init(_ base: Base) { self.base = base }

    /// Makes the `n`th allocation from now (1 = the next one) fail, and every one after it.
    /// An `n` too large to be reached (past `Int.max` requests in all) never fails anything.
    public func failAllocations(from n: Int) {
        precondition(n >= 1, "the first failing allocation is counted from 1")
        let (first, overflow) = requests.addingReportingOverflow(n)
        failingFromRequest = overflow ? nil : first
    }

    /// Lets allocations succeed again.
    public func stopFailing() { failingFromRequest = nil }

    public func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        requests &+= 1
        if let first = failingFromRequest, requests >= first {
            injectedFailures += 1
            return nil
        }
        return base.allocate(bytes: bytes, alignment: alignment, limit: limit)
    }

    public func free(_ address: PhysicalAddress, bytes: Int) { base.free(address, bytes: bytes) }
}

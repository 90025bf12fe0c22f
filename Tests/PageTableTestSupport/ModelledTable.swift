import PageTable

/// A table whose invalidator is a ``TLBModel`` reading memory through a ``HardwareView``:
/// coherent, or non-coherent with every clean copied into the view.
public struct ModelledTable<Format: PageTableFormat>: ~Copyable {
    /// The table's type: an arena, a fault-injecting buddy allocator and the TLB model.
    public typealias Table = PageTable<Format, PhysicalArena, FaultInjectingAllocator<BuddyAllocator>, TLBModel<Format>>
    /// The table under test.
    public var table: Table
    /// The table's invalidator, modelling the hardware's TLB and walk cache.
    public let tlb: TLBModel<Format>
    /// The table memory as the hardware walker sees it.
    public let view: HardwareView
    /// The table memory.
    public let arena: PhysicalArena
    /// The table's allocator: ``buddy``, failing allocations on demand.
    public let allocator: FaultInjectingAllocator<BuddyAllocator>
    /// The buddy allocator over ``arena`` that ``allocator`` wraps.
    public let buddy: BuddyAllocator

    /// A new empty table of `format` in an arena at `base` of `size` bytes.
    public init(_ format: Format, base: UInt64, size: Int, coherent: Bool) throws {
        view = HardwareView(base: base, size: size, coherent: coherent)
        arena = PhysicalArena(base: base, size: size, cacheMaintenance: coherent ? nil : view.cacheMaintenance)!
        view.attach(arena)
        buddy = BuddyAllocator(arena: arena)
        allocator = FaultInjectingAllocator(buddy)
        tlb = TLBModel(format: format, view: view)
        table = try PageTable(format: format, memory: arena, allocator: allocator, invalidator: tlb)
        tlb.root = table.root
        table.onTopChange = { [tlb] in tlb.loadTop($0) }
    }

    /// Stale cache entries (within `range`, if given), plus probes where a fresh hardware walk
    /// disagrees with the table.
    public func staleness(in range: Range<VirtualAddress>? = nil, probes: [VirtualAddress] = []) -> [String] {
        var problems = tlb.staleEntries(comparedWith: { table.translate($0) }, in: range)
        problems += tlb.staleAttributes(comparedWith: { table.lookup($0)?.attributes }, in: range)
        for probe in probes where tlb.translate(probe) != table.translate(probe) {
            problems.append("the hardware walk of \(hexString(probe)) disagrees with the table")
        }
        return problems
    }
}

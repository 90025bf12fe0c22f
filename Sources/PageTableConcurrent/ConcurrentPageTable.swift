import PageTable
import Synchronization

/// A page table whose `map`, `unmap` and `translate` may be called from many threads at once,
/// on disjoint input ranges, with `translate` lock-free and allowed to race with changes
/// anywhere (see `docs/concurrency.md` for the contract and the memory-ordering argument).
///
/// Where `PageTable` is a noncopyable value that one thread mutates, this is a class shared
/// by reference. It builds the same trees for the same formats (a format needs nothing extra),
/// with every descriptor read and written atomically: new tables are installed by
/// compare-and-swap (the loser frees its table and walks into the winner's), and a table an
/// unmap covers whole is unlinked and freed only after the invalidation and a grace period
/// (`GracePeriods`), so no concurrent `translate` can still be walking it.
///
/// The caller's contract, as in every kernel page-table library: calls that change the table
/// run on disjoint input ranges (hold a range lock over each call's range); the allocator and
/// the invalidator are safe to call from several threads at once (wrap an allocator in
/// ``LockedAllocator``); teardown (`deinit`) runs after every other call has returned.
public final class ConcurrentPageTable<Format: PageTableFormat, Memory: TableMemory, Allocator: TableAllocator,
                                       Invalidator: TLBInvalidator>: @unchecked Sendable {
    /// The format description.
    public let format: Format
    /// The memory tables live in.
    public let memory: Memory
    /// The allocator tables come from; called from several threads at once.
    public let allocator: Allocator
    /// The hardware's TLB maintenance; called from several threads at once.
    public let invalidator: Invalidator
    /// Physical address of the top table.
    public let root: PhysicalAddress

    @usableFromInline let geometry: TableGeometry
    @usableFromInline let shapes: UnsafeMutablePointer<LevelGeometry>
    @usableFromInline let needsCacheMaintenance: Bool
    @usableFromInline let grace = GracePeriods()
    @usableFromInline let liveTables = Atomic<Int>(0)
    @usableFromInline let liveBytes = Atomic<Int>(0)
    @usableFromInline let syncs = Atomic<Int>(0)
    /// Test hook: installs new tables with a plain store instead of a compare-and-swap (after a
    /// yield, to widen the window the swap closes), so the stress test can prove it catches a
    /// broken install. Set before any thread uses the table.
    @usableFromInline package var installsWithPlainStoreForTesting = false

    /// Creates an empty table: allocates and zeroes the top table.
    ///
    /// Throws `out-of-memory` if the allocator cannot provide the top table, `unsupported` for
    /// a format whose top grows (`PageTableFormat.grownTop()`: a concurrent table's top is
    /// fixed, as lock-free translations read it). The format's descriptors must be 32 or 64
    /// bits wide (every built-in format's are).
    @inlinable
    public convenience init(format: Format, memory: Memory, allocator: Allocator,
                            invalidator: Invalidator) throws(PageTableError) {
        precondition(AtomicItems<Format.Descriptor>.isSupported,
                     "\(format.name): concurrent tables need 32- or 64-bit descriptors")
        format.requireEmptyZeroDescriptor()
        guard format.grownTop() == nil else {
            throw PageTableError(.unsupported, at: 0, "\(format.name): a concurrent table's top is fixed (no dynamic top)")
        }
        let geometry = format.geometry
        // The top table is allocated before any stored property exists, so the one failure
        // throws from a convenience initializer with nothing to undo. (Throwing from the
        // designated initializer after its atomics exist crashes the Swift 6.3 optimizer in
        // release builds: an ownership-verifier failure in CopyPropagation.)
        let top = geometry[geometry.topLevel]
        guard let root = Self.allocateTable(top, limit: geometry.tableAddressLimit, memory: memory,
                                            allocator: allocator) else {
            throw PageTableError(.outOfMemory, at: 0, "no \(top.tableBytes)-byte top table could be allocated")
        }
        self.init(format: format, memory: memory, allocator: allocator, invalidator: invalidator,
                  geometry: geometry, root: root)
    }

    @inlinable
    init(format: Format, memory: Memory, allocator: Allocator, invalidator: Invalidator,
         geometry: TableGeometry, root: PhysicalAddress) {
        self.format = format
        self.memory = memory
        self.allocator = allocator
        self.invalidator = invalidator
        self.geometry = geometry
        self.needsCacheMaintenance = memory.requiresCacheMaintenance
        shapes = .allocate(capacity: geometry.levelCount)
        for level in 0..<geometry.levelCount { (shapes + level).initialize(to: geometry[level]) }
        self.root = root
        let top = geometry[geometry.topLevel]
        counted(bytes: top.tableBytes)
        if needsCacheMaintenance { memory.makeVisible(root, bytes: top.tableBytes) }
    }

    /// Tears the tree down: one ``TLBInvalidator/invalidateAll()``, then every table goes back to
    /// the allocator. Runs once every other call has returned (the last reference is gone).
    deinit {
        invalidator.invalidateAll()
        freeSubtree(root, level: geometry.topLevel)
        shapes.deallocate()
    }

    /// Live tables, including the top table. Exact once concurrent calls have returned.
    public var tableCount: Int { liveTables.load(ordering: .relaxed) }

    /// Bytes of live tables. Exact once concurrent calls have returned.
    public var tableBytes: Int { liveBytes.load(ordering: .relaxed) }

    /// Invalidation syncs issued so far.
    public var syncCount: Int { syncs.load(ordering: .relaxed) }

    /// Grace periods waited for so far (one per unmap that freed tables).
    public var gracePeriodCount: Int { grace.completed }

    /// The hardware register values for this table.
    public var registers: [HardwareRegister] { format.registers(root: root) }
}

// MARK: - Table memory

extension ConcurrentPageTable {
    @inlinable @inline(__always)
    func items(_ address: PhysicalAddress) -> AtomicItems<Format.Descriptor> {
        AtomicItems(memory.pointer(to: address))
    }

    @inlinable
    func counted(bytes: Int) {
        liveTables.add(1, ordering: .relaxed)
        liveBytes.add(bytes, ordering: .relaxed)
    }

    @inlinable
    func uncounted(bytes: Int) {
        liveTables.subtract(1, ordering: .relaxed)
        liveBytes.subtract(bytes, ordering: .relaxed)
    }

    /// Allocates and zeroes a table of `shape`, refusing what breaks the allocator's contract
    /// (as ``PageTable`` does).
    @inlinable
    static func allocateTable(_ shape: LevelGeometry, limit: PhysicalAddress, memory: Memory,
                              allocator: Allocator) -> PhysicalAddress? {
        let bytes = shape.tableBytes
        guard let address = allocator.allocate(bytes: bytes, alignment: shape.tableAlignment, limit: limit) else {
            return nil
        }
        guard address & UInt64(shape.tableAlignment &- 1) == 0, address <= limit &- UInt64(bytes &- 1),
              memory.contains(address, bytes: bytes) else {
            allocator.free(address, bytes: bytes)
            return nil
        }
        memory.pointer(to: address).initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
        return address
    }

    /// Cleans one descriptor just written, for memory the hardware reads without snooping.
    @inlinable @inline(__always)
    func madeVisible(_ table: PhysicalAddress, index: Int) {
        guard needsCacheMaintenance else { return }
        let size = MemoryLayout<Format.Descriptor>.stride
        memory.makeVisible(table &+ UInt64(index &* size), bytes: size)
    }

    /// Frees a table and everything below it (teardown only).
    @usableFromInline
    func freeSubtree(_ address: PhysicalAddress, level: Int) {
        if level > 0 {
            let table = items(address)
            for index in 0..<shapes[level].itemCount {
                guard case .table(let child) = format.decode(table.load(index), level: level) else { continue }
                freeSubtree(child, level: level - 1)
            }
        }
        allocator.free(address, bytes: shapes[level].tableBytes)
        uncounted(bytes: shapes[level].tableBytes)
    }

    /// Tables reachable from the top table, and their bytes: equal to ``tableCount`` and
    /// ``tableBytes`` when no call is running (what the accounting promises).
    public func reachableTables() -> (count: Int, bytes: Int) {
        func count(_ address: PhysicalAddress, level: Int) -> (Int, Int) {
            var total = (1, shapes[level].tableBytes)
            guard level > 0 else { return total }
            let table = items(address)
            for index in 0..<shapes[level].itemCount {
                guard case .table(let child) = format.decode(table.load(index), level: level) else { continue }
                let below = count(child, level: level - 1)
                total.0 += below.0
                total.1 += below.1
            }
            return total
        }
        let total = count(root, level: geometry.topLevel)
        return (total.0, total.1)
    }

    /// Every leaf in the tree at its input address, in address order (for checks once calls
    /// have returned).
    public func leaves() -> [Mapping] {
        var found: [Mapping] = []
        func visit(_ address: PhysicalAddress, level: Int, start: VirtualAddress) {
            let shape = shapes[level]
            let table = items(address)
            var index = 0
            while index < shape.itemCount {
                let itemStart = start &+ UInt64(index) &<< UInt64(shape.itemShift)
                let descriptor = table.load(index)
                switch format.decode(descriptor, level: level) {
                case .empty: index += 1
                case .table(let child):
                    if level > 0 { visit(child, level: level - 1, start: itemStart) }
                    index += 1
                case .leaf(let base, let contiguous):
                    let count = contiguous ? 1 << shape.contiguousLog2 : 1
                    found.append(Mapping(virtualAddress: input(itemStart), physicalAddress: base,
                                         size: shape.itemSize &* UInt64(count), level: level,
                                         attributes: format.attributes(ofLeaf: descriptor, level: level)))
                    index += count
                }
            }
        }
        visit(root, level: geometry.topLevel, start: 0)
        return found
    }
}

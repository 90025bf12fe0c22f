/// A page table of any format: the one walker that maps, unmaps, translates and visits.
///
/// ```
///   PageTable<Format, Memory, Allocator, Invalidator>
///      |-- Format       geometry and descriptor encoding (ARMLPAE, ...)
///      |-- Memory       where tables live, by physical address (PhysicalArena, your DMA buffer)
///      |-- Allocator    hands out table memory (BuddyAllocator, your pool)
///      `-- Invalidator  the hardware's TLB maintenance (your driver, or OfflineInvalidator)
/// ```
///
/// Everything is generic and `@inlinable`, so each format gets its own specialised walker with
/// no dynamic dispatch below the public operations. To choose a format at run time, wrap a
/// table in ``AnyPageTable``.
///
/// The table owns its tables: it is noncopyable and its `deinit` tears the tree down (one
/// ``TLBInvalidator/invalidateAll()``, then every table goes back to the allocator).
///
/// Locking: the table does no locking. Callers must not run overlapping `map`, `unmap` and
/// `translate` calls concurrently (hold a range lock over each call's input range); since
/// mutating operations need exclusive access to the value, Swift enforces this for a table
/// owned by one task. For maps and unmaps from many threads at once, on disjoint ranges, with a
/// lock-free translate, use `ConcurrentPageTable` (module `PageTableConcurrent`,
/// `docs/concurrency.md`).
public struct PageTable<Format: PageTableFormat, Memory: TableMemory, Allocator: TableAllocator,
                        Invalidator: TLBInvalidator>: ~Copyable {
    /// The format description. It changes only when the top grows (``PageTableFormat/grownTop()``,
    /// dynamic top), between operations, never inside a walk.
    @inlinable public var format: Format { currentFormat }
    @usableFromInline var currentFormat: Format
    /// The memory tables live in.
    public let memory: Memory
    /// The allocator tables come from.
    public let allocator: Allocator
    /// The hardware's TLB maintenance.
    public let invalidator: Invalidator
    /// Physical address of the top table, which the hardware register points at. It changes
    /// only when the top grows (dynamic top).
    @inlinable public var root: PhysicalAddress { currentRoot }
    @usableFromInline var currentRoot: PhysicalAddress
    /// Called when the top grows (dynamic top), with the new root and registers, before any
    /// descriptor reachable only through the new root is written (`docs/semantics.md`).
    public var onTopChange: ((TopChange) -> Void)?

    /// The format's geometry, cached; replaced with the format when the top grows.
    @usableFromInline var geometry: TableGeometry
    /// The levels' shapes in a flat buffer: one load per field in the walker's loops. It has
    /// room for ``TableGeometry/maximumLevels`` levels, so a growing top only adds one.
    @usableFromInline let shapes: UnsafeMutablePointer<LevelGeometry>
    /// Whether table writes must be cleaned to memory before the walker can see them.
    @usableFromInline let needsCacheMaintenance: Bool
    @usableFromInline var gather = InvalidationGather()
    @usableFromInline var counters: TableCounters
    @usableFromInline var reservations = ReservationBook()
    @usableFromInline var shared = SharedTables()
    @usableFromInline var preparedTables = PreparedTables()
    /// Tables taken over from memory, never given to the allocator (``init(adopting:format:memory:allocator:invalidator:)``).
    @usableFromInline var adopted = AdoptedTables()
    /// Set by ``detach()``: the deinit then leaves the tree to the hardware.
    @usableFromInline var isDetached = false
    /// The last attributes encoded and their encoding: drivers map with few distinct
    /// attributes, and reusing the encoding saves a format call (and a copy of the format value
    /// to make it) per map.
    @usableFromInline var lastEncoding: (attributes: MapAttributes, encoded: Format.EncodedAttributes)?
    /// Frees every table at the end of the table's life. It is formed in the `@inlinable`
    /// initializer, so it is the teardown specialised for this table's types; `deinit` itself
    /// is never specialised and would walk the tree through witness tables.
    @usableFromInline let tearDown: (borrowing PageTable) -> Void
    /// The map beyond the input range (``mapAfterGrowingTop(iova:to:size:attributes:largestLeafShift:refused:)``),
    /// formed in the initializer for the same reason: called through it, the map's hot body
    /// is the same for every format and merged specialisations pass nothing extra for it.
    @usableFromInline let mapBeyondTop: (inout PageTable, VirtualAddress, PhysicalAddress, UInt64, MapAttributes, Int,
                                         PageTableError) -> RangeOutcome

    /// Creates an empty table: allocates and zeroes the top table.
    ///
    /// Throws `out-of-memory` if the allocator cannot provide the top table, and `unsupported`
    /// for a format that both tracks dirty state and allows shared tables: the hardware would
    /// write into tables many entries share (`docs/semantics.md`, "Dirty tracking").
    @inlinable
    public init(format: Format, memory: Memory, allocator: Allocator, invalidator: Invalidator) throws(PageTableError) {
        format.requireEmptyZeroDescriptor()
        let geometry = format.geometry
        let top = geometry[geometry.topLevel]
        guard !(format.tracksDirtyState && format.allowsSharedTables) else { throw Self.sharedDirtyRefusal(format) }
        guard let root = Self.allocateTable(top, limit: geometry.tableAddressLimit, memory: memory, allocator: allocator) else {
            throw PageTableError(.outOfMemory, at: 0, "no \(top.tableBytes)-byte top table could be allocated "
                                 + "at or below \(hex(geometry.tableAddressLimit)), the highest address the format can point at")
        }
        self.init(format: format, memory: memory, allocator: allocator, invalidator: invalidator, geometry: geometry,
                  root: root)
        counters.add(bytes: top.tableBytes)
        makeVisible(root, bytes: top.tableBytes)
    }

    /// A table over the top table at `root` (just allocated, or adopted), with nothing counted
    /// yet: the set-up both public initializers share.
    @inlinable
    init(format: Format, memory: Memory, allocator: Allocator, invalidator: Invalidator, geometry: TableGeometry,
         root: PhysicalAddress) {
        self.currentFormat = format
        self.memory = memory
        self.allocator = allocator
        self.invalidator = invalidator
        self.geometry = geometry
        self.currentRoot = root
        self.needsCacheMaintenance = memory.requiresCacheMaintenance
        self.counters = TableCounters()
        self.lastEncoding = nil
        self.onTopChange = nil
        self.tearDown = { table in table.freeEverything() }
        self.mapBeyondTop = { $0.mapAfterGrowingTop(iova: $1, to: $2, size: $3, attributes: $4, largestLeafShift: $5, refused: $6) }
        shapes = .allocate(capacity: TableGeometry.maximumLevels)
        for level in 0..<geometry.levelCount { (shapes + level).initialize(to: geometry[level]) }
    }

    deinit {
        if isDetached { shapes.deallocate(); return }
        tearDown(self)
        shapes.deallocate()
    }

    /// Live tables, including the top table and tables unlinked but not yet freed.
    public var tableCount: Int { counters.tables }

    /// Bytes of live tables, each counted by its own size.
    public var tableBytes: Int { counters.bytes }

    /// Invalidation syncs issued so far: operations that had to tell the hardware something.
    public var syncCount: Int { counters.syncs }

    /// Cache-maintenance calls made so far (always 0 for coherent memory).
    public var cacheCleanCount: Int { counters.cacheCleans }

    /// The hardware register values for this table.
    public var registers: [HardwareRegister] { format.registers(root: root) }
}

/// Live-table accounting, kept as tables are allocated and freed.
@usableFromInline
struct TableCounters {
    @usableFromInline var tables = 0
    @usableFromInline var bytes = 0
    @usableFromInline var syncs = 0
    @usableFromInline var cacheCleans = 0
    @usableFromInline init() {}
    @inlinable mutating func add(bytes: Int) { tables += 1; self.bytes += bytes }
    @inlinable mutating func remove(bytes: Int) { tables -= 1; self.bytes -= bytes }
}

extension PageTable {
    /// The refusal of a format with both dirty tracking and shared tables (out of line: error text).
    @usableFromInline
    static func sharedDirtyRefusal(_ format: Format) -> PageTableError {
        PageTableError(.unsupported, at: 0, "\(format.name): dirty tracking and shared tables exclude each other "
                       + "(the hardware would write dirty state into tables that many entries share)")
    }
}

// MARK: - Table memory

extension PageTable {
    /// The items of the table at `address`.
    @inlinable @inline(__always)
    func items(_ address: PhysicalAddress) -> TableItems<Format.Descriptor> {
        TableItems(memory.pointer(to: address))
    }

    /// Allocates and zeroes a table of `level`, checking what the allocator returned.
    /// Tables come from, in order: a reservation's spares for the map at `address` (already
    /// counted as live; `nil` for allocations that are not for a map), a prepared batch's
    /// tables, the allocator.
    ///
    /// Always inlined, with the reserved sources out of line: a fresh map's tables come from
    /// the allocator, and this is then one call to it.
    @inlinable @inline(__always)
    mutating func allocateTable(level: Int, for address: VirtualAddress?) -> PhysicalAddress? {
        if reservations.spareCount > 0 || !preparedTables.isEmpty,
           let reserved = takeReservedTable(level: level, for: address) {
            return reserved
        }
        let shape = shapes[level]
        guard let address = Self.allocateTable(shape, limit: geometry.tableAddressLimit, memory: memory,
                                                 allocator: allocator) else {
            return nil
        }
        counters.add(bytes: shape.tableBytes)
        return address
    }

    /// A zeroed table of `level` from a reservation's spares for the map at `address`, or
    /// from a prepared batch, if either has one (see ``allocateTable(level:for:)``).
    @inlinable
    mutating func takeReservedTable(level: Int, for address: VirtualAddress?) -> PhysicalAddress? {
        let bytes = shapes[level].tableBytes
        if reservations.spareCount > 0, let address, let spare = reservations.takeSpare(level: level, for: address) {
            memory.pointer(to: spare).zeroTable(bytes: bytes)
            return spare
        }
        if !preparedTables.isEmpty, let address = preparedTables.take(level: level) {
            memory.pointer(to: address).zeroTable(bytes: bytes)
            counters.add(bytes: bytes)
            return address
        }
        return nil
    }

    /// Whether no leaf exists anywhere below the table at `address` (of `level`).
    @usableFromInline
    func holdsNoLeaves(_ address: PhysicalAddress, level: Int) -> Bool {
        let table = items(address)
        for index in 0..<shapes[level].itemCount where table[index] != 0 {
            switch format.decode(table[index], level: level) {
            case .empty: continue
            case .leaf: return false
            case .table(let child): if level == 0 || !holdsNoLeaves(child, level: level - 1) { return false }
            }
        }
        return true
    }

    @inlinable
    static func allocateTable(_ shape: LevelGeometry, limit: PhysicalAddress, memory: Memory,
                              allocator: Allocator) -> PhysicalAddress? {
        // `limit` (the geometry's table-address limit) comes as a number: passing the whole
        // geometry would copy it on every allocation.
        let bytes = shape.tableBytes
        guard let address = allocator.allocate(bytes: bytes, alignment: shape.tableAlignment,
                                               limit: limit) else { return nil }
        // An allocator that breaks its contract is refused rather than trusted.
        guard address & UInt64(shape.tableAlignment &- 1) == 0,
              address <= limit &- UInt64(bytes &- 1),
              memory.contains(address, bytes: bytes) else {
            allocator.free(address, bytes: bytes)
            return nil
        }
        memory.pointer(to: address).zeroTable(bytes: bytes)
        return address
    }

    /// Unlinks the table that item `index` of `parent` (a table of `level`) points at. It is
    /// freed by the next ``sync()``, after the hardware has been told.
    @inlinable
    mutating func unlinkTable(_ child: PhysicalAddress, from parent: TableItems<Format.Descriptor>, index: Int,
                              level: Int, itemStart: VirtualAddress) {
        parent[index] = 0
        if !shared.isEmpty { shared.references[child] = nil }  // Its only reference.
        gather.addWalks(itemStart, itemStart &+ shapes[level].itemSize, level: level)
        gather.unlinkedTables.append((child, shapes[level &- 1].tableBytes))
    }

    /// Frees a table the hardware never saw (it was never linked). While a prepared batch
    /// commits, it goes back to the batch's tables, which later operations may count on.
    @inlinable
    mutating func freeTable(_ address: PhysicalAddress, level: Int) {
        if preparedTables.isEmpty {
            giveBack(address, bytes: shapes[level].tableBytes)
        } else {
            preparedTables.byLevel[level].append(address)
        }
        counters.remove(bytes: shapes[level].tableBytes)
    }

    /// Cleans `bytes` of table memory at `address` so the walker sees them (non-coherent
    /// memory only).
    @inlinable
    mutating func makeVisible(_ address: PhysicalAddress, bytes: Int) {
        guard needsCacheMaintenance else { return }
        memory.makeVisible(address, bytes: bytes)
        counters.cacheCleans &+= 1
    }

    /// Records the items one visit modified in a linked table, to be cleaned at the sync.
    @inlinable
    mutating func noteChanges(_ changes: ChangedItems, in table: PhysicalAddress, level: Int) {
        guard needsCacheMaintenance, !changes.isEmpty else { return }
        let size = MemoryLayout<Format.Descriptor>.stride
        gather.modifiedRanges.append((table, changes.first &* size, (changes.last &- changes.first &+ 1) &* size))
    }

    /// Whether every item of the table at `address` (of `level`) is empty.
    @inlinable
    func isEmptyTable(_ address: PhysicalAddress, level: Int) -> Bool {
        let table = items(address)
        for index in 0..<shapes[level].itemCount {
            if table[index] != 0, format.decode(table[index], level: level) != .empty { return false }
        }
        return true
    }

    /// Ends an operation: cleans modified table memory (non-coherent memory), tells the
    /// invalidator about the gathered changes in one sync, then frees the unlinked tables.
    /// Always inlined: most maps gather nothing, and then this is a few compares, not a call.
    @inlinable @inline(__always)
    mutating func sync() {
        guard !gather.isEmpty else { return }
        syncGathered()
    }

    /// The body of ``sync()`` when something was gathered.
    @inlinable
    mutating func syncGathered() {
        if !gather.modifiedRanges.isEmpty { cleanModifiedRanges() }
        if gather.needsInvalidation { counters.syncs &+= 1 }
        gather.invalidations.issue(to: invalidator, geometry: geometry)
        // Freed last-to-first, so allocators that reuse the most recent block first hand the
        // tables back in ascending order.
        var index = gather.unlinkedTables.count
        while index > 0 {
            index &-= 1
            let table = gather.unlinkedTables[index]
            giveBack(table.address, bytes: table.bytes)
            counters.remove(bytes: table.bytes)
        }
        gather.reset()
    }

    /// Cleans the gathered modified ranges (non-coherent memory), except in tables this
    /// operation unlinked: those are never walked again.
    @inlinable
    mutating func cleanModifiedRanges() {
        // Few unlinked tables: a scan; many: a set (the only allocation, and only on this path).
        let unlinkedCount = gather.unlinkedTables.count
        let unlinkedSet = unlinkedCount > SpillList<(address: PhysicalAddress, bytes: Int)>.inlineCapacity
            ? Set(gather.unlinkedTables.map { $0.address }) : nil
        for position in 0..<gather.modifiedRanges.count {
            let range = gather.modifiedRanges[position]
            var isUnlinked = false
            if let unlinkedSet {
                isUnlinked = unlinkedSet.contains(range.table)
            } else {
                for other in 0..<unlinkedCount where gather.unlinkedTables[other].address == range.table {
                    isUnlinked = true
                    break
                }
            }
            if !isUnlinked { makeVisible(range.table &+ UInt64(range.offset), bytes: range.bytes) }
        }
    }

    /// The teardown: one invalidation of everything, then every table back to the allocator --
    /// those unlinked and not yet freed, reservations' spares, and the tree.
    @inlinable
    func freeEverything() {
        invalidator.invalidateAll()
        for position in 0..<gather.unlinkedTables.count {
            let table = gather.unlinkedTables[position]
            giveBack(table.address, bytes: table.bytes)
        }
        for reservation in reservations.reservations {
            for (level, spares) in reservation.spares.enumerated() {
                for spare in spares { allocator.free(spare, bytes: shapes[level].tableBytes) }
            }
        }
        if shared.isEmpty {
            freePrivateSubtree(root, level: geometry.topLevel)
        } else {
            var references = shared.references
            freeSubtree(root, level: geometry.topLevel, references: &references)
        }
    }

    /// Frees a table and everything below it, when no table is shared (teardown only).
    @inlinable
    func freePrivateSubtree(_ address: PhysicalAddress, level: Int) {
        if level > 0 {
            let table = items(address)
            let childBytes = shapes[level &- 1].tableBytes
            for index in 0..<shapes[level].itemCount {
                let descriptor = table[index]
                guard descriptor != 0, case .table(let child) = format.decode(descriptor, level: level) else { continue }
                // Page tables point at nothing: freed here, without a call per table.
                if level == 1 { giveBack(child, bytes: childBytes) } else { freePrivateSubtree(child, level: level &- 1) }
            }
        }
        giveBack(address, bytes: shapes[level].tableBytes)
    }

    /// Frees a table and everything below it that nothing else points at (teardown only: no
    /// invalidation per table). `references` counts down the entries left to shared tables.
    @inlinable
    func freeSubtree(_ address: PhysicalAddress, level: Int, references: inout [PhysicalAddress: Int]) {
        if level > 0 {
            let table = items(address)
            for index in 0..<shapes[level].itemCount {
                guard case .table(let child) = format.decode(table[index], level: level) else { continue }
                if let count = references[child], count > 1 {
                    references[child] = count - 1
                } else {
                    references[child] = nil
                    freeSubtree(child, level: level - 1, references: &references)
                }
            }
        }
        giveBack(address, bytes: shapes[level].tableBytes)
    }

    /// Returns a table the tree no longer uses to the allocator, unless it was adopted: the
    /// allocator never owned those.
    @inlinable @inline(__always)
    func giveBack(_ address: PhysicalAddress, bytes: Int) {
        if !adopted.contains(address) { allocator.free(address, bytes: bytes) }
    }
}

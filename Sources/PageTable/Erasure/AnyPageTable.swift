/// A page table whose format (and memory, allocator, invalidator) is chosen at run time, for
/// example from a command-line flag or a configuration file.
///
/// This is the one type-erased layer, at the API edge: each operation costs one indirect call,
/// below which the wrapped ``PageTable/PageTable`` runs fully specialised. The erasing initializer is
/// `@inlinable`, so the specialisation happens in the module that knows the concrete format.
public final class AnyPageTable {
    /// The wrapped format's name, for example `arm-lpae-64`.
    public let formatName: String
    /// The wrapped format's geometry (it grows with a dynamic top).
    public var geometry: TableGeometry { operations.top().geometry }
    /// Physical address of the top table (it changes when a dynamic top grows).
    public var root: PhysicalAddress { operations.top().root }
    /// The hardware register values for this table.
    public var registers: [HardwareRegister] { operations.top().registers }

    @usableFromInline let operations: Operations

    /// Wraps `table`, taking ownership of it.
    ///
    /// A convenience initializer: Embedded Swift refuses a generic designated one.
    @inlinable
    public convenience init<Format, Memory, Allocator, Invalidator>(
        _ table: consuming PageTable<Format, Memory, Allocator, Invalidator>
    ) {
        let formatName = table.format.name
        let box = Box<Format, Memory, Allocator, Invalidator>(table)
        let operations = Operations(
            map: { box.table.map(iova: $0, to: $1, size: $2, attributes: $3) },
            mapAll: { box.table.mapAll(iova: $0, to: $1, size: $2, attributes: $3) },
            mapPages: { box.table.mapPages(iova: $0, to: $1, pageSize: $2, pageCount: $3, attributes: $4) },
            mapList: { box.table.map(iova: $0, pages: $1, attributes: $2) },
            unmap: { box.table.unmap(iova: $0, size: $1) },
            protect: { box.table.protect(iova: $0, size: $1, attributes: $2) },
            cut: { box.table.cut(iova: $0) },
            readAndClearDirty: { box.table.readAndClearDirty(iova: $0, size: $1) },
            simulateHardwareWrite: { box.table.simulateHardwareWrite(iova: $0) },
            collapse: { box.table.collapse(iova: $0, size: $1) },
            attributeChangeNeedsBreak: { box.table.attributeChangeNeedsBreak(from: $0, to: $1, leafSize: $2) },
            reserve: { box.table.reserve(iova: $0, size: $1) },
            release: { box.table.release(iova: $0, size: $1) },
            estimateMap: { iova, size, physicalAddress throws(PageTableError) in
                try box.table.estimateMap(iova: iova, size: size, physicalAddress: physicalAddress)
            },
            estimateReserve: { iova, size throws(PageTableError) in try box.table.estimateReserve(iova: iova, size: size) },
            translate: { box.table.translate($0) },
            lookup: { box.table.lookup($0) },
            trace: { box.table.trace($0) },
            visit: { range, expanding, body in box.table.visit(range, expandingShared: expanding, body) },
            statistics: { box.table.statistics },
            mapRepeat: { box.table.mapRepeat(iova: $0, size: $1, physicalAddress: $2, pageSize: $3, attributes: $4) },
            counts: { (box.table.tableCount, box.table.tableBytes, box.table.syncCount, box.table.cacheCleanCount) },
            invariantViolations: { box.table.invariantViolations() },
            levelName: { box.table.format.levelName($0) },
            top: { (box.table.format.geometry, box.table.root, box.table.registers) })
        self.init(formatName: formatName, operations: operations)
    }

    @usableFromInline
    init(formatName: String, operations: Operations) {
        self.formatName = formatName
        self.operations = operations
    }

    /// See ``PageTable/map(iova:to:size:attributes:)``.
    public func map(iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                    attributes: MapAttributes) -> RangeOutcome {
        operations.map(iova, physicalAddress, size, attributes)
    }

    /// See ``PageTable/mapAll(iova:to:size:attributes:)``.
    public func mapAll(iova: VirtualAddress, to physicalAddress: PhysicalAddress, size: UInt64,
                       attributes: MapAttributes) -> RangeOutcome {
        operations.mapAll(iova, physicalAddress, size, attributes)
    }

    /// See ``PageTable/mapPages(iova:to:pageSize:pageCount:attributes:)``.
    public func mapPages(iova: VirtualAddress, to physicalAddress: PhysicalAddress, pageSize: UInt64,
                         pageCount: Int, attributes: MapAttributes) -> RangeOutcome {
        operations.mapPages(iova, physicalAddress, pageSize, pageCount, attributes)
    }

    /// See ``PageTable/map(iova:pages:attributes:)``.
    public func map(iova: VirtualAddress, pages: [PageExtent], attributes: MapAttributes) -> RangeOutcome {
        operations.mapList(iova, pages, attributes)
    }

    /// See ``PageTable/unmap(iova:size:)``.
    public func unmap(iova: VirtualAddress, size: UInt64) -> RangeOutcome { operations.unmap(iova, size) }

    /// See ``PageTable/protect(iova:size:attributes:)``.
    public func protect(iova: VirtualAddress, size: UInt64, attributes: MapAttributes) -> RangeOutcome {
        operations.protect(iova, size, attributes)
    }

    /// See ``PageTable/cut(iova:)``.
    public func cut(iova: VirtualAddress) -> RangeOutcome { operations.cut(iova) }

    /// See ``PageTable/readAndClearDirty(iova:size:)``.
    public func readAndClearDirty(iova: VirtualAddress, size: UInt64) -> DirtyRanges { operations.readAndClearDirty(iova, size) }

    /// See ``PageTable/simulateHardwareWrite(iova:)``.
    public func simulateHardwareWrite(iova: VirtualAddress) -> HardwareWrite { operations.simulateHardwareWrite(iova) }
    /// See ``PageTable/collapse(iova:size:)``.
    public func collapse(iova: VirtualAddress, size: UInt64) -> RangeOutcome { operations.collapse(iova, size) }

    /// See ``PageTable/attributeChangeNeedsBreak(from:to:leafSize:)``.
    public func attributeChangeNeedsBreak(from old: MapAttributes, to new: MapAttributes, leafSize: UInt64) -> Bool {
        operations.attributeChangeNeedsBreak(old, new, leafSize)
    }

    /// See ``PageTable/reserve(iova:size:)``.
    public func reserve(iova: VirtualAddress, size: UInt64) -> RangeOutcome { operations.reserve(iova, size) }

    /// See ``PageTable/release(iova:size:)``.
    public func release(iova: VirtualAddress, size: UInt64) -> RangeOutcome { operations.release(iova, size) }

    /// See ``PageTable/estimateMap(iova:size:physicalAddress:)``.
    public func estimateMap(iova: VirtualAddress, size: UInt64,
                            physicalAddress: PhysicalAddress? = nil) throws(PageTableError) -> TableEstimate {
        try operations.estimateMap(iova, size, physicalAddress)
    }

    /// See ``PageTable/estimateReserve(iova:size:)``.
    public func estimateReserve(iova: VirtualAddress, size: UInt64) throws(PageTableError) -> TableEstimate {
        try operations.estimateReserve(iova, size)
    }

    /// See ``PageTable/translate(_:)``.
    public func translate(_ iova: VirtualAddress) -> PhysicalAddress? { operations.translate(iova) }

    /// See ``PageTable/lookup(_:)``.
    public func lookup(_ iova: VirtualAddress) -> Mapping? { operations.lookup(iova) }

    /// See ``PageTable/trace(_:)``.
    public func trace(_ iova: VirtualAddress) -> TranslationTrace { operations.trace(iova) }

    /// See ``PageTable/visit(_:expandingShared:_:)``.
    public func visit(_ range: Range<VirtualAddress>? = nil, expandingShared: Bool = true, _ body: (TreeNode) -> Void) {
        withoutActuallyEscaping(body) { operations.visit(range, expandingShared, $0) }
    }

    /// Live tables, including the top table.
    public var tableCount: Int { operations.counts().tables }

    /// Bytes of live tables, each counted by its own size.
    public var tableBytes: Int { operations.counts().bytes }

    /// See ``PageTable/syncCount``.
    public var syncCount: Int { operations.counts().syncs }

    /// See ``PageTable/cacheCleanCount``.
    public var cacheCleanCount: Int { operations.counts().cacheCleans }

    /// See ``PageTable/invariantViolations()``.
    public func invariantViolations() -> [String] { operations.invariantViolations() }

    /// How the format names `level`.
    public func levelName(_ level: Int) -> String { operations.levelName(level) }

    /// See ``PageTable/statistics``.
    public var statistics: PageTableStatistics { operations.statistics() }

    /// See ``PageTable/mapRepeat(iova:size:physicalAddress:pageSize:attributes:)``.
    public func mapRepeat(iova: VirtualAddress, size: UInt64, physicalAddress: PhysicalAddress, pageSize: UInt64,
                          attributes: MapAttributes) -> RangeOutcome {
        operations.mapRepeat(iova, size, physicalAddress, pageSize, attributes)
    }
}

extension AnyPageTable {
    /// Owns the wrapped table.
    @usableFromInline
    final class Box<Format: PageTableFormat, Memory: TableMemory, Allocator: TableAllocator,
                    Invalidator: TLBInvalidator> {
        @usableFromInline var table: PageTable<Format, Memory, Allocator, Invalidator>
        @inlinable init(_ table: consuming PageTable<Format, Memory, Allocator, Invalidator>) { self.table = table }
    }

    /// The wrapped table's operations, specialised where the table was erased.
    @usableFromInline
    struct Operations {
        @usableFromInline let map: (VirtualAddress, PhysicalAddress, UInt64, MapAttributes) -> RangeOutcome
        @usableFromInline let mapAll: (VirtualAddress, PhysicalAddress, UInt64, MapAttributes) -> RangeOutcome
        @usableFromInline let mapPages: (VirtualAddress, PhysicalAddress, UInt64, Int, MapAttributes) -> RangeOutcome
        @usableFromInline let mapList: (VirtualAddress, [PageExtent], MapAttributes) -> RangeOutcome
        @usableFromInline let unmap: (VirtualAddress, UInt64) -> RangeOutcome
        @usableFromInline let protect: (VirtualAddress, UInt64, MapAttributes) -> RangeOutcome
        @usableFromInline let cut: (VirtualAddress) -> RangeOutcome
        @usableFromInline let readAndClearDirty: (VirtualAddress, UInt64) -> DirtyRanges
        @usableFromInline let simulateHardwareWrite: (VirtualAddress) -> HardwareWrite
        @usableFromInline let collapse: (VirtualAddress, UInt64) -> RangeOutcome
        @usableFromInline let attributeChangeNeedsBreak: (MapAttributes, MapAttributes, UInt64) -> Bool
        @usableFromInline let reserve: (VirtualAddress, UInt64) -> RangeOutcome
        @usableFromInline let release: (VirtualAddress, UInt64) -> RangeOutcome
        @usableFromInline let estimateMap: (VirtualAddress, UInt64, PhysicalAddress?) throws(PageTableError) -> TableEstimate
        @usableFromInline let estimateReserve: (VirtualAddress, UInt64) throws(PageTableError) -> TableEstimate
        @usableFromInline let translate: (VirtualAddress) -> PhysicalAddress?
        @usableFromInline let lookup: (VirtualAddress) -> Mapping?
        @usableFromInline let trace: (VirtualAddress) -> TranslationTrace
        @usableFromInline let visit: (Range<VirtualAddress>?, Bool, (TreeNode) -> Void) -> Void
        @usableFromInline let statistics: () -> PageTableStatistics
        @usableFromInline let mapRepeat: (VirtualAddress, UInt64, PhysicalAddress, UInt64, MapAttributes) -> RangeOutcome
        @usableFromInline let counts: () -> (tables: Int, bytes: Int, syncs: Int, cacheCleans: Int)
        @usableFromInline let invariantViolations: () -> [String]
        @usableFromInline let levelName: (Int) -> String
        @usableFromInline let top: () -> (geometry: TableGeometry, root: PhysicalAddress, registers: [HardwareRegister])

        @inlinable
        init(map: @escaping (VirtualAddress, PhysicalAddress, UInt64, MapAttributes) -> RangeOutcome,
             mapAll: @escaping (VirtualAddress, PhysicalAddress, UInt64, MapAttributes) -> RangeOutcome,
             mapPages: @escaping (VirtualAddress, PhysicalAddress, UInt64, Int, MapAttributes) -> RangeOutcome,
             mapList: @escaping (VirtualAddress, [PageExtent], MapAttributes) -> RangeOutcome,
             unmap: @escaping (VirtualAddress, UInt64) -> RangeOutcome,
             protect: @escaping (VirtualAddress, UInt64, MapAttributes) -> RangeOutcome,
             cut: @escaping (VirtualAddress) -> RangeOutcome,
             readAndClearDirty: @escaping (VirtualAddress, UInt64) -> DirtyRanges,
             simulateHardwareWrite: @escaping (VirtualAddress) -> HardwareWrite,
             collapse: @escaping (VirtualAddress, UInt64) -> RangeOutcome,
             attributeChangeNeedsBreak: @escaping (MapAttributes, MapAttributes, UInt64) -> Bool,
             reserve: @escaping (VirtualAddress, UInt64) -> RangeOutcome,
             release: @escaping (VirtualAddress, UInt64) -> RangeOutcome,
             estimateMap: @escaping (VirtualAddress, UInt64, PhysicalAddress?) throws(PageTableError) -> TableEstimate,
             estimateReserve: @escaping (VirtualAddress, UInt64) throws(PageTableError) -> TableEstimate,
             translate: @escaping (VirtualAddress) -> PhysicalAddress?,
             lookup: @escaping (VirtualAddress) -> Mapping?,
             trace: @escaping (VirtualAddress) -> TranslationTrace,
             visit: @escaping (Range<VirtualAddress>?, Bool, (TreeNode) -> Void) -> Void,
             statistics: @escaping () -> PageTableStatistics,
             mapRepeat: @escaping (VirtualAddress, UInt64, PhysicalAddress, UInt64, MapAttributes) -> RangeOutcome,
             counts: @escaping () -> (tables: Int, bytes: Int, syncs: Int, cacheCleans: Int),
             invariantViolations: @escaping () -> [String],
             levelName: @escaping (Int) -> String,
             top: @escaping () -> (geometry: TableGeometry, root: PhysicalAddress, registers: [HardwareRegister])) {
            self.map = map
            self.mapAll = mapAll
            self.mapPages = mapPages
            self.mapList = mapList
            self.unmap = unmap
            self.protect = protect
            self.cut = cut
            self.readAndClearDirty = readAndClearDirty
            self.simulateHardwareWrite = simulateHardwareWrite
            self.collapse = collapse
            self.attributeChangeNeedsBreak = attributeChangeNeedsBreak
            self.reserve = reserve
            self.release = release
            self.estimateMap = estimateMap
            self.estimateReserve = estimateReserve
            self.translate = translate
            self.lookup = lookup
            self.trace = trace
            self.visit = visit
            self.statistics = statistics
            self.mapRepeat = mapRepeat
            self.counts = counts
            self.invariantViolations = invariantViolations
            self.levelName = levelName
            self.top = top
        }
    }
}

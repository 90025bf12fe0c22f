/// A description of one hardware page-table format: its geometry and its descriptor encoding.
///
/// A format never walks tables. It answers questions the generic walker asks -- how wide is a
/// level, what does this descriptor mean, which bits express these attributes -- and the walker
/// does every algorithm once for all formats (map, unmap, translate, visiting, teardown).
///
/// Levels are numbered from the leaf-most table upwards, as in Linux's generic_pt: level 0 holds
/// the smallest pages and ``TableGeometry/topLevel`` is the table the hardware register points
/// at. Formats that number levels the other way round (ARM counts from the top) say so in
/// ``levelName(_:)``.
///
/// Conformances are value types whose requirements are cheap and side-effect free; the walker
/// is generic over the format, so after specialisation they inline into its loops.
///
/// ```
///          format (this protocol)                     walker (PageTable)
///   geometry, decode, encode, registers   <---   map / unmap / translate / visit
/// ```
public protocol PageTableFormat: Sendable {
    /// The machine word of one table item (for example `UInt64` for ARM LPAE).
    associatedtype Descriptor: FixedWidthInteger & UnsignedInteger & Sendable

    /// Attributes after validation, in whatever form makes ``leafTemplate(_:level:contiguous:)``
    /// cheap. Produced once per operation by ``encode(_:)``.
    associatedtype EncodedAttributes: Sendable

    /// The name users choose the format by, for example `arm-lpae-64`.
    var name: String { get }

    /// Shape of the tree: levels, address bits, table sizes, leaf and contiguous sizes.
    var geometry: TableGeometry { get }

    /// Classifies a descriptor found at `level`. Encodings the hardware treats as invalid
    /// decode as `DecodedEntry.empty`.
    func decode(_ descriptor: Descriptor, level: Int) -> DecodedEntry

    /// A descriptor for a slot at `level` that points at a table (of level `level - 1`)
    /// at physical address `address`.
    func tableDescriptor(address: PhysicalAddress, level: Int) -> Descriptor

    /// Validates format-neutral attributes and encodes them.
    ///
    /// Throws `PageTableError.Kind.invalidAttributes` for any combination this format's
    /// hardware cannot express, never approximating. Which combinations those are is the
    /// format's rule, not the walker's: ARM LPAE refuses mappings with neither read nor write,
    /// while RISC-V allows execute-only pages. Whether attributes are expressible must not
    /// depend on the level or leaf size they are used at.
    func encode(_ attributes: MapAttributes) throws(PageTableError) -> EncodedAttributes

    /// The descriptor bits of a leaf at `level` with the given attributes and no output
    /// address. `contiguous` asks for a member of a contiguous group
    /// (`LevelGeometry.contiguousLog2`). Called once per run of leaves, not per item.
    func leafTemplate(_ attributes: EncodedAttributes, level: Int, contiguous: Bool) -> Descriptor

    /// Adds the output address of one item to a template. `outputAddress` is the address this
    /// item maps; for a member of a contiguous group, formats that store the group base in
    /// every member mask it themselves.
    func leafDescriptor(template: Descriptor, outputAddress: PhysicalAddress, level: Int) -> Descriptor

    /// If single (non-contiguous) leaves at `level` are linear in their output address -- the
    /// descriptor for `address + itemSize` is the one for `address` plus a constant -- that
    /// constant, so the walker writes runs by adding it. `nil` (the default) when not.
    func linearLeafStride(level: Int) -> Descriptor?

    /// If the members of a contiguous group at `level` are linear in their output address --
    /// each member stores its own address, so the descriptor for `address + itemSize` is the one
    /// for `address` plus a constant -- that constant, so the walker writes groups by adding
    /// it. `nil` (the default) when not, for example when every member stores the group's base.
    func linearGroupStride(level: Int) -> Descriptor?

    /// A bit pattern that recognises single (non-contiguous) leaves at `level`: every
    /// descriptor with `descriptor & mask == value` is one. The pattern may miss some -- a
    /// format whose leaves are not one mask/value pair (RISC-V: valid and readable or
    /// executable) names the common case -- because the walker decodes what does not match.
    /// Lets the walker check whole tables with a mask compare instead of decoding each item.
    /// `nil` (the default) when there is none.
    func singleLeafPattern(level: Int) -> (mask: Descriptor, value: Descriptor)?

    /// A bit pattern that recognises leaves at `level`, single or members of a contiguous
    /// group: every descriptor with `descriptor & mask == value` is one. Like
    /// ``singleLeafPattern(level:)`` it may miss some. Lets an unmap check that a table it covers
    /// holds only leaves with one mask compare, also when they are group members. The default
    /// is ``singleLeafPattern(level:)``, right for formats without groups.
    func leafPattern(level: Int) -> (mask: Descriptor, value: Descriptor)?

    /// The format-neutral attributes a leaf descriptor expresses (the inverse of ``encode(_:)``
    /// followed by ``leafTemplate(_:level:contiguous:)``).
    func attributes(ofLeaf descriptor: Descriptor, level: Int) -> MapAttributes

    /// The hardware register values that make an MMU walk this table, whose top table
    /// is at `root`.
    func registers(root: PhysicalAddress) -> [HardwareRegister]

    /// What a value of one of this configuration's ``registers(root:)`` says, for loading a
    /// table found in memory from a register dump: the root table's address (from `TTBR0`,
    /// `satp`, `CR3`, ...), or whether its mode and size fields agree with this configuration.
    /// The default knows no register (``RegisterReading/unknown``).
    func reading(_ register: HardwareRegister) -> RegisterReading

    /// How documentation and dumps name a level, for example `L3` for ARM's last level.
    func levelName(_ level: Int) -> String

    /// Whether the hardware may cache invalid (empty) entries. If it never does -- the
    /// default, and what ARM's architecture guarantees -- filling empty slots needs no
    /// invalidation; a format whose hardware does says `true`, and maps are invalidated too.
    var cachesInvalidEntries: Bool { get }

    /// Whether several table entries may point at one table (shared, reference-counted
    /// tables, as ``PageTable/mapRepeat(iova:size:physicalAddress:pageSize:attributes:)``
    /// builds). Only formats whose hardware never writes into tables may say `true`: the access
    /// flag is set up front and no hardware dirty bit is used, so a shared table is never
    /// written by anyone. Default `false`: repeats then use private tables.
    var allowsSharedTables: Bool { get }

    /// Whether the hardware lets a live leaf be replaced, in one descriptor write, by a table
    /// (or by the members of its contiguous group) with the same translations and attributes
    /// in smaller leaves -- or such a table by the one leaf -- with the invalidation only
    /// after the write, no break-before-make (ARM FEAT_BBM level 2, x86-64, RISC-V). Default
    /// `false`, strict: such a change needs the entry made invalid and invalidated first, so
    /// ``PageTable/cut(iova:)`` and ``PageTable/collapse(iova:size:)`` refuse it, and the TLB
    /// model reports it as a violation. A change of output address always needs the break.
    var allowsLeafSizeChangeWithoutBreak: Bool { get }

    /// Whether the hardware records writes in this table's leaves (dirty tracking: ARM
    /// FEAT_HAFDBS with DBM, the x86-64 D bit, RISC-V Svadu), as this format value is
    /// configured. Then writable leaves are written *clean* -- ``leafTemplate(_:level:contiguous:)``
    /// makes them so -- the hardware makes one dirty on the first write through it, and
    /// ``PageTable/readAndClearDirty(iova:size:)`` reads and cleans them. Such a format must
    /// not allow shared tables (the hardware writes into tables). Default `false`.
    var tracksDirtyState: Bool { get }

    /// Whether the leaf `descriptor` at `level` records a write (only asked when
    /// ``tracksDirtyState``). A clean writable leaf still reports write access in
    /// ``attributes(ofLeaf:level:)``. Default `false`.
    func isDirty(_ descriptor: Descriptor, level: Int) -> Bool

    /// The leaf `descriptor` made clean again: the state a writable leaf is written in, so the
    /// hardware records the next write (only asked when ``tracksDirtyState``). Default: unchanged.
    func cleaned(_ descriptor: Descriptor, level: Int) -> Descriptor

    /// What the hardware does to the leaf `descriptor` at `level` on a write through it: the
    /// descriptor it leaves behind (unchanged where it records nothing), or `nil` where the
    /// write faults (not writable; or a write the hardware would only record with an update it
    /// is not enabled to make). Default: unchanged for leaves whose attributes grant write,
    /// `nil` otherwise -- right for hardware that never writes into tables.
    func afterHardwareWrite(_ descriptor: Descriptor, level: Int) -> Descriptor?
    /// Whether rewriting the live leaf descriptor `old` of `level` into `new` -- the same
    /// size and output, other attribute bits -- needs break-before-make on this hardware (ARM:
    /// a change of memory type, cacheability or shareability). Default `false`: attribute
    /// changes are made in place and invalidated after the write.
    /// ``PageTable/protect(iova:size:attributes:)`` refuses a change for which this is `true`,
    /// and the TLB model reports one made in place as a violation.
    func leafChangeNeedsBreak(from old: Descriptor, to new: Descriptor, level: Int) -> Bool

    /// Dynamic top: the format one level taller than this one, with the entry of its new top
    /// table that takes the current top table, or `nil` when the top cannot grow (the
    /// default). A map beyond the input range grows the table with these steps until it
    /// covers the map (`docs/semantics.md`, "Dynamic top"). Only formats whose top table is a
    /// full, ordinary table of the level below the grown top may return a step.
    func grownTop() -> TopGrowth<Self>?
}

extension PageTableFormat {
    /// Default: no register is understood.
    public func reading(_ register: HardwareRegister) -> RegisterReading { .unknown }

    /// Default: the hardware never caches invalid entries.
    public var cachesInvalidEntries: Bool { false }

    /// Default: no shared tables.
    public var allowsSharedTables: Bool { false }

    /// Default: strict break-before-make.
    public var allowsLeafSizeChangeWithoutBreak: Bool { false }

    /// Default: no hardware dirty state.
    public var tracksDirtyState: Bool { false }

    /// Default: never dirty.
    @inlinable public func isDirty(_ descriptor: Descriptor, level: Int) -> Bool { false }

    /// Default: unchanged.
    @inlinable public func cleaned(_ descriptor: Descriptor, level: Int) -> Descriptor { descriptor }

    /// Default: a write the leaf's attributes allow changes nothing; any other write faults.
    @inlinable public func afterHardwareWrite(_ descriptor: Descriptor, level: Int) -> Descriptor? {
        attributes(ofLeaf: descriptor, level: level).access.contains(.write) ? descriptor : nil
    }
    /// Default: every attribute change may be made in place.
    @inlinable public func leafChangeNeedsBreak(from old: Descriptor, to new: Descriptor, level: Int) -> Bool { false }

    /// Default: the top never grows.
    public func grownTop() -> TopGrowth<Self>? { nil }

    /// Default: not promised; every leaf is built with ``leafDescriptor(template:outputAddress:level:)``.
    @inlinable public func linearLeafStride(level: Int) -> Descriptor? { nil }

    /// Default: not promised; every group member is built with ``leafDescriptor(template:outputAddress:level:)``.
    @inlinable public func linearGroupStride(level: Int) -> Descriptor? { nil }

    /// Default: none; items are decoded one by one.
    @inlinable public func singleLeafPattern(level: Int) -> (mask: Descriptor, value: Descriptor)? { nil }

    /// Default: the single-leaf pattern.
    @inlinable public func leafPattern(level: Int) -> (mask: Descriptor, value: Descriptor)? {
        singleLeafPattern(level: level)
    }

    /// Default: `level N` in the walker's numbering (0 = leaf-most).
    public func levelName(_ level: Int) -> String { "level \(level)" }
}

/// Physical addresses (of tables and of mapped memory) are plain 64-bit integers.
public typealias PhysicalAddress = UInt64

/// Input (virtual or I/O virtual) addresses are plain 64-bit integers.
public typealias VirtualAddress = UInt64

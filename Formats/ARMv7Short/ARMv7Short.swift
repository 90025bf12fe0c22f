import PageTable

/// The ARMv7 short-descriptor translation table format (VMSAv7 without LPAE), as IOMMUs and
/// 32-bit ARM MMUs walk it: 32-bit descriptors, 32-bit input and output addresses.
///
/// ```
///   TTBR0 -> L1 table: 4096 x 4 bytes = 16 KiB, 16 KiB aligned, one item per 1 MiB
///              |-- section       1 MiB  (one item)
///              |-- supersection 16 MiB  (16 identical items, bit 18 set)
///              `-- L2 table: 256 x 4 bytes = 1 KiB, 1 KiB aligned, one item per 4 KiB
///                    |-- small page  4 KiB  (one item)
///                    `-- large page 64 KiB  (16 identical items)
/// ```
///
/// In the walker's numbering level 0 is L2 and level 1 is L1 (``levelName(_:)`` shows ARM's
/// names). Large pages and supersections are contiguous groups of 16 items; every member
/// stores the base of the whole group, as the architecture requires.
///
/// Table pointers are 32 bits wide, so every table must lie below 4 GiB
/// (`TableGeometry.tableAddressLimit` is `0xFFFF_FFFF`). Second-level tables are 1 KiB:
/// give the table a `ZonedAllocator` to carve them from a slab in a low-memory zone, as
/// Linux does.
///
/// Attributes (see ``encode(_:)``) follow the simplified access permission model with the
/// access flag (SCTLR.AFE = 1) and memory types through TEX remap (SCTLR.TRE = 1, see
/// ``RemapIndex``); ``registers(root:)`` exports the register values that make an ARMv7 MMU
/// walk the tables exactly this way.
public struct ARMv7Short: PageTableFormat {
    public typealias Descriptor = UInt32

    /// Options of one ARMv7 short-descriptor table.
    public struct Configuration: Hashable, Sendable {
        /// Whether the table maps non-secure memory (Linux's `IO_PGTABLE_QUIRK_ARM_NS`): the NS
        /// bit is set in every L1 page-table descriptor (it governs all pages below it) and in
        /// every section and supersection. Every mapping must then carry
        /// ``PageTable/MapAttributes/FormatFlags/armV7NonSecure``, and no mapping may carry it
        /// otherwise, because a page's security state is fixed by the L1 descriptor its L2
        /// table hangs from.
        public var nonSecure: Bool
        /// Whether the MMU's table walks snoop CPU caches (the TTBR0 walk attributes follow).
        public var coherentWalk: Bool

        /// Creates a configuration; defaults are secure and coherent.
        public init(nonSecure: Bool = false, coherentWalk: Bool = true) {
            self.nonSecure = nonSecure
            self.coherentWalk = coherentWalk
        }
    }

    /// The name users choose this format by.
    public static let formatName = "arm-v7s"

    /// Bytes of an L1 table (4096 items of 4 bytes); also its alignment.
    public static let firstLevelTableBytes = 16 << 10
    /// Bytes of an L2 table (256 items of 4 bytes); also its alignment.
    public static let secondLevelTableBytes = 1 << 10

    /// The configuration this format was built from.
    public let configuration: Configuration
    /// Two levels: L2 (level 0, 1 KiB tables) and L1 (level 1, the 16 KiB top table); 32-bit
    /// input and output addresses; tables below 4 GiB.
    public let geometry: TableGeometry

    public var name: String { Self.formatName }

    /// Creates the format for `configuration`.
    public init(_ configuration: Configuration = Configuration()) {
        self.configuration = configuration
        let secondLevel = LevelGeometry(itemShift: 12, indexBits: 8, tableBytes: Self.secondLevelTableBytes,
                                        tableAlignment: Self.secondLevelTableBytes, allowsLeaf: true, contiguousLog2: 4)
        let firstLevel = LevelGeometry(itemShift: 20, indexBits: 12, tableBytes: Self.firstLevelTableBytes,
                                       tableAlignment: Self.firstLevelTableBytes, allowsLeaf: true, contiguousLog2: 4)
        geometry = TableGeometry(levels: [secondLevel, firstLevel], inputAddressBits: 32, outputAddressBits: 32,
                                 tableAddressLimit: 0xFFFF_FFFF)
    }

    /// Creates the format from its options (see ``Configuration``).
    public init(nonSecure: Bool = false, coherentWalk: Bool = true) {
        self.init(Configuration(nonSecure: nonSecure, coherentWalk: coherentWalk))
    }

    /// ARM's names: `L2` for the level holding pages, `L1` for the top; a level the format
    /// does not have is `level <n>`.
    public func levelName(_ level: Int) -> String { (0...1).contains(level) ? "L\(2 - level)" : "level \(level)" }
}

import PageTable

/// The ARM VMSAv8-64 long-descriptor (LPAE) translation table format, stage 1 or stage 2,
/// with a 4 KiB, 16 KiB or 64 KiB granule.
///
/// Geometry follows the architecture: each level resolves `granule - 3` bits, the start level
/// and top-table size follow from the input-address size, tiny top tables are padded to 64
/// bytes, and stage 2 concatenates up to 16 top tables instead of starting at level 0 when
/// that is possible (as the architecture requires for some sizes). ARM numbers levels from
/// the top (level 3 holds pages); ``levelName(_:)`` shows ARM's numbers, while the walker
/// counts from the bottom.
///
/// Leaf sizes: 4K/2M/1G (4 KiB granule), 16K/32M (16 KiB), 64K/512M (64 KiB; and 4T with a
/// 52-bit output size). Attribute encoding is documented on ``encode(_:)``.
///
/// With ``Configuration/contiguousHint`` (the default) the leaf levels that may carry the
/// hint also offer a *contiguous group*: an aligned run of 16, 32 or 128 entries with identical
/// attributes and consecutive output addresses, each carrying the Contiguous bit (bit 52) and
/// its own output address, which hardware may cache as one TLB entry. Group sizes: 64K, 32M
/// and 16G (4 KiB granule), 2M and 1G (16 KiB), 2M and 16G (64 KiB; never the 4T blocks). The
/// walker chooses a group like any other leaf size and treats it as one leaf.
public struct ARMLPAE: PageTableFormat {
    public typealias Descriptor = UInt64

    /// The translation granule: the smallest page and the table size.
    public enum Granule: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
        /// 4 KiB pages and tables.
        case size4K = 12
        /// 16 KiB pages and tables.
        case size16K = 14
        /// 64 KiB pages and tables.
        case size64K = 16

        /// log2 of the granule in bytes.
        public var shift: Int { rawValue }
        /// `4k`, `16k` or `64k`.
        public var description: String { "\(1 << (rawValue - 10))k" }
    }

    /// The translation stage.
    public enum Stage: Int, CaseIterable, Hashable, Sendable {
        /// Stage 1: virtual to (intermediate) physical; TTBR0/TCR/MAIR.
        case stage1 = 1
        /// Stage 2: intermediate physical to physical; VTTBR/VTCR.
        case stage2 = 2
    }

    /// Which half of the stage-1 virtual address space a table translates.
    public enum VARange: String, CaseIterable, Hashable, Sendable {
        /// `0 ..< 2^ias`, walked from TTBR0 (the only range at stage 2).
        case lower
        /// `2^64 - 2^ias ..< 2^64` (`0xffff...` addresses), walked from TTBR1: TCR gets T1SZ,
        /// TG1 and the TTBR1 walk attributes, and EPD0 so TTBR0 is never walked.
        case upper
    }

    /// Everything that selects one ARM LPAE layout.
    public struct Configuration: Hashable, Sendable {
        /// The translation granule.
        public var granule: Granule
        /// The translation stage.
        public var stage: Stage
        /// Input-address size in bits (VA for stage 1, IPA for stage 2).
        public var inputAddressBits: Int
        /// Output-address size in bits.
        public var outputAddressBits: Int
        /// Whether the MMU's table walks snoop CPU caches (TCR walk attributes follow).
        public var coherentWalk: Bool
        /// Whether maps write contiguous groups (the Contiguous bit) where alignment and length
        /// allow. Turn it off for hardware or drivers that must not see the hint; no descriptor
        /// then carries bit 52.
        public var contiguousHint: Bool
        /// The virtual address range (stage 1 only; stage 2 has no upper range).
        public var vaRange: VARange
        /// The MMU's break-before-make level (FEAT_BBM): ``BreakBeforeMakeLevel/level2`` lets
        /// `cut` change a live block's size. Default level 0, strict.
        public var breakBeforeMakeLevel: BreakBeforeMakeLevel = .level0
        /// Hardware dirty tracking (FEAT_HAFDBS): `TCR.HA`/`HD` (stage 2: `VTCR.HA`/`HD`) are
        /// set, and writable leaves are written clean with DBM (bit 51): AP[2] set at stage 1,
        /// S2AP[1] clear at stage 2, until the first write makes the hardware flip it. Default off.
        public var dirtyTracking = false
        /// Dynamic top: the table starts with the fewest levels whose top table is full and
        /// grows its top when a map needs more input bits, up to ``inputAddressBits`` (see
        /// ``ARMLPAE/grownTop()``). Default off.
        public var dynamicTop = false

        /// Creates a configuration; defaults are 4 KiB, stage 1, 48-bit in and out, coherent,
        /// contiguous groups on, the lower range.
        public init(granule: Granule = .size4K, stage: Stage = .stage1, inputAddressBits: Int = 48,
                    outputAddressBits: Int = 48, coherentWalk: Bool = true, contiguousHint: Bool = true,
                    vaRange: VARange = .lower) {
            self.granule = granule
            self.stage = stage
            self.inputAddressBits = inputAddressBits
            self.outputAddressBits = outputAddressBits
            self.coherentWalk = coherentWalk
            self.contiguousHint = contiguousHint
            self.vaRange = vaRange
        }
    }

    /// A configuration the architecture cannot express.
    public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// The name users choose this format by.
    public static let formatName = "arm-lpae-64"

    /// The configuration this format was built from.
    public let configuration: Configuration
    public let geometry: TableGeometry
    /// The architectural number (0...3) of the level the walk starts at.
    public let startLevel: Int
    /// How many top-level tables are concatenated (1 unless stage 2 concatenates).
    public let concatenatedTables: Int

    /// What decoding needs, kept small so the walker's inlined loops load only this:
    /// log2 of the granule, levels that hold blocks (bit n = level n), whether output
    /// addresses use bits 51:48, and log2 of the contiguous group at each level (4 bits per
    /// level, level n in bits 4n+3:4n; 0 = no groups there).
    @usableFromInline let pageShift: UInt8
    @usableFromInline let blockLevels: UInt8
    @usableFromInline let usesHighOutputBits: Bool
    @usableFromInline let groupShifts: UInt32

    public var name: String { Self.formatName }

    /// Creates the format for `configuration`, or throws if the architecture cannot express it.
    /// With ``Configuration/dynamicTop`` the format starts at the smallest size whose top
    /// table is full; ``Configuration/inputAddressBits`` is the size it may grow to.
    public init(_ configuration: Configuration) throws(ConfigurationError) {
        let start = configuration.dynamicTop ? try Self.dynamicTopStart(configuration) : configuration.inputAddressBits
        try self.init(configuration, inputAddressBits: start)
    }

    /// The format of `configuration` at `inputAddressBits` (below the configuration's own with
    /// a dynamic top that has not grown all the way).
    init(_ configuration: Configuration, inputAddressBits: Int) throws(ConfigurationError) {
        var sized = configuration
        sized.inputAddressBits = inputAddressBits
        let layout = try Layout(sized)
        self.configuration = configuration
        self.geometry = layout.geometry
        self.startLevel = layout.startLevel
        self.concatenatedTables = layout.concatenatedTables
        self.pageShift = UInt8(configuration.granule.shift)
        self.blockLevels = UInt8((1..<layout.geometry.levelCount).reduce(0) {
            layout.geometry[$1].allowsLeaf ? $0 | 1 << $1 : $0 })
        self.usesHighOutputBits = configuration.outputAddressBits > 48
        self.groupShifts = (0..<layout.geometry.levelCount).reduce(0) {
            $0 | UInt32(layout.geometry[$1].contiguousLog2) << (4 * $1) }
    }

    /// Creates the format from its parameters (see ``Configuration``).
    public init(granule: Granule = .size4K, stage: Stage = .stage1, inputAddressBits: Int = 48,
                outputAddressBits: Int = 48, coherentWalk: Bool = true,
                contiguousHint: Bool = true, vaRange: VARange = .lower) throws(ConfigurationError) {
        try self.init(Configuration(granule: granule, stage: stage, inputAddressBits: inputAddressBits,
                                    outputAddressBits: outputAddressBits, coherentWalk: coherentWalk,
                                    contiguousHint: contiguousHint, vaRange: vaRange))
    }

    /// ARM's level number: `L3` for pages, counting up towards the top (`L-1` for 52-bit
    /// inputs); a level the format does not have is `level <n>`.
    public func levelName(_ level: Int) -> String { (0...4).contains(level) ? "L\(3 - level)" : "level \(level)" }
}

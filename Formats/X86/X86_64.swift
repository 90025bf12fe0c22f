import PageTable

/// x86-64 paging (Intel SDM vol. 3, chapter 4; AMD APM vol. 2, "Long-Mode Page Translation"):
/// 4-level paging (48-bit linear addresses, PML4) or 5-level paging (57-bit, PML5 with
/// CR4.LA57), with physical addresses up to 52 bits.
///
/// ```
///   CR3 -> PML5 (5 levels only) -> PML4 -> PDPT -> PD -> PT, each 512 x 8 bytes = 4 KiB
///            PDPTE with PS: 1 GiB page;  PDE with PS: 2 MiB page;  PTE: 4 KiB page
/// ```
///
/// In the walker's numbering level 0 is the page table (PT), level 1 the page directory,
/// level 2 the PDPT, level 3 the PML4 and level 4 the PML5; ``levelName(_:)`` shows these
/// names. Input addresses are canonical 48-bit (57-bit) linear addresses
/// (`InputRange.signExtended`): `0 ..< 2^47` and, in the PML4's upper half,
/// `0xFFFF_8000_0000_0000` and up; non-canonical addresses are `out-of-range`.
///
/// Every leaf has A and D set up front and every pointer A set, so the processor never writes
/// an entry and tables may be shared (``allowsSharedTables``) -- unless
/// ``Configuration/dirtyTracking`` leaves D clear for the processor to set; x86 processors never cache
/// not-present entries, so mapping into empty slots needs no invalidation. 1 GiB pages need
/// CPUID.80000001H:EDX.Page1GB. Attribute encoding is documented on ``encode(_:)``.
public struct X86_64: PageTableFormat {
    public typealias Descriptor = UInt64

    /// The paging mode.
    public enum Levels: Int, CaseIterable, Hashable, Sendable {
        /// 4-level paging: 48-bit linear addresses, the walk starts at the PML4.
        case four = 4
        /// 5-level paging (CR4.LA57): 57-bit linear addresses, the walk starts at the PML5.
        case five = 5

        /// log2 of the linear-address space: 48 or 57.
        public var inputAddressBits: Int { 12 + 9 * rawValue }
    }

    /// Everything that selects one x86-64 layout.
    public struct Configuration: Hashable, Sendable {
        /// The paging mode.
        public var levels: Levels
        /// The physical-address width (MAXPHYADDR) in bits, 32 to 52.
        public var outputAddressBits: Int

        /// Dirty tracking: leaves are written with D (bit 6) clear, which the processor sets on
        /// the first write; tables are then never shared. Default off (D set up front).
        public var dirtyTracking = false

        /// Creates a configuration; defaults are 4-level paging with 52-bit physical addresses.
        public init(levels: Levels = .four, outputAddressBits: Int = 52) {
            self.levels = levels
            self.outputAddressBits = outputAddressBits
        }
    }

    /// A configuration the architecture cannot express.
    public struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
        /// What was wrong.
        public var description: String
    }

    /// The name users choose this format by.
    public static let formatName = "x86-64"

    /// The configuration this format was built from.
    public let configuration: Configuration
    public let geometry: TableGeometry

    /// Address bits 51:12 that exist below MAXPHYADDR; the rest of 51:12 is reserved and
    /// faults when set. Kept so decoding loads two words.
    @usableFromInline let addressMask: UInt64
    @usableFromInline let reservedAddressBits: UInt64

    public var name: String { Self.formatName }

    /// Creates the format for `configuration`, or throws if the output size is out of range.
    public init(_ configuration: Configuration) throws(ConfigurationError) {
        let oas = configuration.outputAddressBits
        guard (32...52).contains(oas) else {
            throw ConfigurationError(description: "--oas \(oas): must be 32...52")
        }
        self.configuration = configuration
        let levels = (0..<configuration.levels.rawValue).map { level in
            LevelGeometry(itemShift: 12 + 9 * level, indexBits: 9, tableBytes: 4096, tableAlignment: 4096,
                          allowsLeaf: level <= 2)
        }
        geometry = TableGeometry(levels: levels, inputAddressBits: configuration.levels.inputAddressBits,
                                 outputAddressBits: oas, inputRange: .signExtended)
        addressMask = ((1 << UInt64(oas)) - 1) & ~0xFFF
        reservedAddressBits = X86Bits.addressField & ~addressMask
    }

    /// Creates the format from its parameters (see ``Configuration``).
    public init(levels: Levels = .four, outputAddressBits: Int = 52) throws(ConfigurationError) {
        try self.init(Configuration(levels: levels, outputAddressBits: outputAddressBits))
    }

    /// A and D are set in every leaf and A in every pointer, so the processor never writes an
    /// entry: repeat mappings may share tables -- unless ``Configuration/dirtyTracking`` leaves
    /// D for the processor to set.
    public var allowsSharedTables: Bool { !configuration.dirtyTracking }

    /// The SDM lets a large page be replaced by a table of the same translations in smaller
    /// pages (or the reverse) by one entry write, the TLB invalidated after it: either page
    /// size may be cached until then, both translating alike. So `cut` and `collapse` work.
    public var allowsLeafSizeChangeWithoutBreak: Bool { true }

    /// The SDM's names: `PT`, `PD`, `PDPT`, `PML4`, `PML5`.
    public func levelName(_ level: Int) -> String {
        switch level {
        case 0: return "PT"
        case 1: return "PD"
        case 2: return "PDPT"
        case 3: return "PML4"
        default: return "PML5"
        }
    }
}

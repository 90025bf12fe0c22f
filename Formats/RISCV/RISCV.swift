import PageTable

/// RISC-V page tables (privileged architecture, "Supervisor-Level ISA" and the hypervisor
/// extension): Sv39, Sv48 and Sv57 for stage 1 (`satp`), Sv39x4, Sv48x4 and Sv57x4 for the
/// G-stage (`hgatp`), with the optional Svnapot and Svpbmt extensions.
///
/// ```
///   satp -> top table (Sv39: VPN[2] ... Sv57: VPN[4]), 512 x 8 bytes = 4 KiB
///             |-- leaf at any level: 4K (level 0), 2M, 1G, 512G, 256T
///             `-- pointer (V=1, R=W=X=0) to the next level's 4 KiB table
///   hgatp -> the G-stage root: 2048 x 8 bytes = 16 KiB, 16 KiB aligned (2 extra input bits)
/// ```
///
/// Levels are numbered as the specification numbers VPN fields: level 0 holds 4 KiB pages.
/// At stage 1, input addresses are canonical (sign-extended) 39-, 48- or 57-bit virtual
/// addresses (`InputRange.signExtended`): the root's upper half translates the upper half of
/// the address space (Sv39: `0xFFFF_FFC0_0000_0000` and up); addresses whose bits 63 down to
/// 39 (48, 57) are not all equal are `out-of-range`. G-stage inputs are guest physical
/// addresses, zero-extended (`InputRange.lower`).
/// Every level may hold leaves. With Svnapot, 64 KiB leaves are groups of 16 level-0 PTEs with
/// N=1 and PPN[3:0] = 0b1000, every member storing the group's base.
///
/// Every leaf has A and D set up front and G clear: the hardware never needs to write a PTE,
/// so tables may be shared (``allowsSharedTables``) -- unless ``Configuration/dirtyTracking``
/// (Svadu) leaves D clear for the hart to set. RISC-V implementations may cache invalid
/// PTEs (unless they implement Svvptc), so ``cachesInvalidEntries`` is `true` and maps are
/// invalidated too. Attribute encoding is documented on ``encode(_:)``.
public struct RISCV: PageTableFormat {
    public typealias Descriptor = UInt64

    /// The translation mode: how many levels the walk has.
    public enum Mode: Int, CaseIterable, Hashable, Sendable, CustomStringConvertible {
        /// Three levels, 39-bit virtual addresses (41-bit guest physical at the G-stage).
        case sv39 = 3
        /// Four levels, 48-bit virtual addresses (50-bit at the G-stage).
        case sv48 = 4
        /// Five levels, 57-bit virtual addresses (59-bit at the G-stage).
        case sv57 = 5

        /// Number of levels.
        public var levels: Int { rawValue }
        /// The `satp.MODE` / `hgatp.MODE` value: 8, 9 or 10.
        public var registerMode: UInt64 { UInt64(rawValue + 5) }
        /// `sv39`, `sv48` or `sv57`.
        public var description: String {
            switch self {
            case .sv39: return "sv39"
            case .sv48: return "sv48"
            case .sv57: return "sv57"
            }
        }
    }

    /// The translation stage.
    public enum Stage: Int, CaseIterable, Hashable, Sendable {
        /// Stage 1 (or VS-stage): virtual to (guest) physical, through `satp` / `vsatp`.
        case stage1 = 1
        /// The G-stage: guest physical to supervisor physical, through `hgatp` (Sv39x4 ...).
        case stage2 = 2
    }

    /// Everything that selects one RISC-V layout.
    public struct Configuration: Hashable, Sendable {
        /// The translation mode.
        public var mode: Mode
        /// The translation stage.
        public var stage: Stage
        /// Whether the hardware implements Svnapot: 64 KiB leaves become available.
        public var svnapot: Bool
        /// Whether the hardware implements Svpbmt: leaves carry a memory type.
        public var svpbmt: Bool

        /// Dirty tracking with Svadu (hardware A/D updates enabled, `menvcfg.ADUE`; `henvcfg.ADUE`
        /// for a VS-stage table): leaves are written with D (bit 7) clear, which the hart sets
        /// on the first store; tables are then never shared. Default off (A and D set up front).
        public var dirtyTracking = false

        /// Creates a configuration; defaults are Sv48, stage 1, no extensions.
        public init(mode: Mode = .sv48, stage: Stage = .stage1, svnapot: Bool = false, svpbmt: Bool = false) {
            self.mode = mode
            self.stage = stage
            self.svnapot = svnapot
            self.svpbmt = svpbmt
        }
    }

    /// The name users choose this format by.
    public static let formatName = "riscv"

    /// Physical addresses are 56 bits wide in every mode.
    public static let outputAddressBits = 56

    /// The configuration this format was built from.
    public let configuration: Configuration
    public let geometry: TableGeometry

    /// PTE bits that make the hardware fault wherever they are set: the reserved bits 60:54,
    /// PBMT without Svpbmt, N without Svnapot. Kept so decoding loads one word.
    @usableFromInline let faultingBits: UInt64
    /// Whether PBMT is in use (its value 3 is reserved).
    @usableFromInline let usesMemoryTypes: Bool

    public var name: String { Self.formatName }

    /// Creates the format for `configuration`; every combination is valid.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
        let levelCount = configuration.mode.levels
        let extraRootBits = configuration.stage == .stage2 ? 2 : 0
        var levels: [LevelGeometry] = []
        for level in 0..<levelCount {
            let isRoot = level == levelCount - 1
            let indexBits = isRoot ? 9 + extraRootBits : 9
            let bytes = 8 << indexBits
            levels.append(LevelGeometry(itemShift: 12 + 9 * level, indexBits: indexBits, tableBytes: bytes,
                                        tableAlignment: bytes, allowsLeaf: true,
                                        contiguousLog2: level == 0 && configuration.svnapot ? 4 : 0))
        }
        geometry = TableGeometry(levels: levels, inputAddressBits: 12 + 9 * levelCount + extraRootBits,
                                 outputAddressBits: Self.outputAddressBits,
                                 inputRange: configuration.stage == .stage2 ? .lower : .signExtended)
        var faulting = PTEBits.reserved
        if !configuration.svpbmt { faulting |= PTEBits.memoryTypeMask }
        if !configuration.svnapot { faulting |= PTEBits.napot }
        faultingBits = faulting
        usesMemoryTypes = configuration.svpbmt
    }

    /// Creates the format from its parameters (see ``Configuration``).
    public init(mode: Mode = .sv48, stage: Stage = .stage1, svnapot: Bool = false, svpbmt: Bool = false) {
        self.init(Configuration(mode: mode, stage: stage, svnapot: svnapot, svpbmt: svpbmt))
    }

    /// RISC-V implementations may cache invalid PTEs (Svvptc is what would rule it out), so
    /// filling an empty slot is invalidated like any other change.
    public var cachesInvalidEntries: Bool { true }

    /// A and D are set in every leaf and never cleared, so the hardware never writes a PTE:
    /// repeat mappings may share tables -- unless ``Configuration/dirtyTracking`` leaves D for
    /// the hart to set.
    public var allowsSharedTables: Bool { !configuration.dirtyTracking }

    /// The privileged architecture has no break-before-make rule: a superpage (or a NAPOT
    /// group) replaced by a table of the same translations in smaller pages, or the reverse,
    /// needs only the SFENCE.VMA after the write, old and new translating alike until then.
    public var allowsLeafSizeChangeWithoutBreak: Bool { true }

    /// The specification's level numbers (the level whose VPN field indexes the table):
    /// `L0` holds 4 KiB pages, `L2` is the Sv39 root.
    public func levelName(_ level: Int) -> String { "L\(level)" }
}

import ARMLPAE
import PageTable

/// GPU page tables as Mali CSF GPUs walk them (the layout Linux's panthor driver programs):
/// the ARM LPAE stage-1 long-descriptor encoding with a 4 KiB granule, whose tables may be
/// *shared* -- one table pointed at by many entries -- so that repeat mappings of one page over
/// enormous ranges (`PageTable.mapRepeat(iova:size:physicalAddress:pageSize:attributes:)`,
/// sparse resources backed by a dummy page) cost a handful of tables instead of one per 2 MiB.
///
/// The format is an `ARMLPAE` value (4K granule, stage 1) with sharing switched on: geometry,
/// descriptors, attribute encoding and registers are all delegated to it, so a table built here
/// is bit for bit the table `ARMLPAE` would build, and any ARMv8-style walker reads the
/// exported image. Leaf sizes are 4K pages, 2M and 1G blocks (no contiguous groups, see below).
/// The input-address size is 48 bits by default and may be smaller (39 bits, for example,
/// starts the walk at L1); the output size defaults to 48 bits.
///
/// ## Why sharing is safe here
///
/// A table shared by several parent entries must never be written by anyone, because a write
/// through one path would change every path. The walker never writes a shared table (it copies
/// the path it changes); the hardware must not either. The descriptors this format produces
/// guarantee that:
///
/// - the access flag (AF, bit 10) is set up front in every leaf, so the walker never needs a
///   hardware access-flag update (nor takes an access-flag fault a driver would fix up by
///   writing the descriptor);
/// - no hardware dirty-bit management is used: DBM (bit 51) is never set, so the walker never
///   clears AP[2] in a descriptor to record a write.
///
/// A walker configured to update access flags or dirty state in hardware must not be given
/// shared tables.
///
/// ## No contiguous groups
///
/// The underlying `ARMLPAE` value is built with `ARMLPAE.Configuration.contiguousHint` off,
/// so no descriptor carries the Contiguous bit. No public source shows that Mali's MMU honours
/// the hint: Arm's own Mali driver (kbase) encodes GPU page-table entries with the attribute
/// index, AP, SH, AF and XN bits only, and panfrost/panthor program their tables through Linux's
/// io-pgtable, which wrote no Contiguous bit either until its (SMMU-motivated) contiguous-hint
/// work. Repeats would not use groups anyway: a group promises consecutive output addresses,
/// while a repeat maps every page to the same one (see `docs/gpu.md`).
///
/// ## Registers
///
/// ``registers(root:)`` returns the arm-lpae-64 stage-1 set -- `TTBR0`, `TCR`, `MAIR` -- with the
/// same values `ARMLPAE` gives, so tools that load an ARMv8 MMU read the image unchanged. On a
/// Mali GPU, `AS_TRANSTAB` takes the `TTBR0` value (the top table's address) and `AS_MEMATTR`
/// the `MAIR` value (the memory-attribute byte of each AttrIndx); the driver derives
/// `AS_TRANSCFG` from the same input size and walk attributes that `TCR` records.
public struct GPULPAE: PageTableFormat {
    public typealias Descriptor = UInt64
    /// Attributes are encoded exactly as ARM LPAE stage 1 encodes them.
    public typealias EncodedAttributes = ARMLPAE.EncodedAttributes
    /// A configuration the architecture cannot express (an input or output size out of range).
    public typealias ConfigurationError = ARMLPAE.ConfigurationError

    /// The name users choose this format by.
    public static let formatName = "gpu-lpae"

    /// The ARM LPAE format (4K granule, stage 1) every question is delegated to.
    public let lpae: ARMLPAE

    /// Creates the format with an input-address size of `inputAddressBits` (25...48; the GPU's
    /// VA size, 48 by default) and an output-address size of `outputAddressBits` (32...48).
    /// `coherentWalk` says whether the GPU's table walks snoop CPU caches (`TCR` follows).
    public init(inputAddressBits: Int = 48, outputAddressBits: Int = 48,
                coherentWalk: Bool = true) throws(ConfigurationError) {
        lpae = try ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: inputAddressBits,
                           outputAddressBits: outputAddressBits, coherentWalk: coherentWalk, contiguousHint: false)
    }

    /// `gpu-lpae`.
    public var name: String { Self.formatName }

    /// The ARM LPAE 4K stage-1 geometry for the configured address sizes.
    @inlinable public var geometry: TableGeometry { lpae.geometry }

    /// The configured input-address size in bits.
    public var inputAddressBits: Int { lpae.configuration.inputAddressBits }

    /// The configured output-address size in bits.
    public var outputAddressBits: Int { lpae.configuration.outputAddressBits }

    /// Always `true`: the hardware never writes into tables (access flag preset, no DBM), so
    /// repeat mappings share fully covered tables.
    public var allowsSharedTables: Bool { true }

    /// As ARM LPAE: a change of memory type, cacheability or shareability needs break-before-make.
    @inlinable
    public func leafChangeNeedsBreak(from old: UInt64, to new: UInt64, level: Int) -> Bool {
        lpae.leafChangeNeedsBreak(from: old, to: new, level: level)
    }

    @inlinable @inline(__always)
    public func decode(_ descriptor: UInt64, level: Int) -> DecodedEntry {
        lpae.decode(descriptor, level: level)
    }

    @inlinable @inline(__always)
    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt64 {
        lpae.tableDescriptor(address: address, level: level)
    }

    /// See `ARMLPAE.encode(_:)` (stage 1). Every leaf gets the access flag; none gets DBM.
    public func encode(_ attributes: MapAttributes) throws(PageTableError) -> EncodedAttributes {
        try lpae.encode(attributes)
    }

    @inlinable @inline(__always)
    public func leafTemplate(_ attributes: EncodedAttributes, level: Int, contiguous: Bool) -> UInt64 {
        lpae.leafTemplate(attributes, level: level, contiguous: contiguous)
    }

    @inlinable @inline(__always)
    public func linearLeafStride(level: Int) -> UInt64? { lpae.linearLeafStride(level: level) }

    @inlinable @inline(__always)
    public func singleLeafPattern(level: Int) -> (mask: UInt64, value: UInt64)? { lpae.singleLeafPattern(level: level) }

    @inlinable @inline(__always)
    public func leafDescriptor(template: UInt64, outputAddress: PhysicalAddress, level: Int) -> UInt64 {
        lpae.leafDescriptor(template: template, outputAddress: outputAddress, level: level)
    }

    public func attributes(ofLeaf descriptor: UInt64, level: Int) -> MapAttributes {
        lpae.attributes(ofLeaf: descriptor, level: level)
    }

    /// `TTBR0`, `TCR` and `MAIR`, as `ARMLPAE` stage 1 gives them (see the type's
    /// documentation for their Mali counterparts).
    public func registers(root: PhysicalAddress) -> [HardwareRegister] {
        lpae.registers(root: root)
    }

    /// Reads registers as the ARM LPAE stage-1 tables it wraps do (`ARMLPAE.reading(_:)`).
    public func reading(_ register: HardwareRegister) -> RegisterReading { lpae.reading(register) }

    /// ARM's level names: `L3` for pages, `L0` for the top of a 48-bit walk.
    public func levelName(_ level: Int) -> String { lpae.levelName(level) }
}

/// Format-neutral attributes of a mapping. Each format translates them into descriptor bits
/// (``PageTableFormat/encode(_:)``) and back (``PageTableFormat/attributes(ofLeaf:level:)``),
/// refusing combinations it cannot express instead of silently approximating them.
public struct MapAttributes: Hashable, Sendable, CustomStringConvertible {
    /// What accesses the mapping permits.
    public var access: Access
    /// Only privileged accesses (kernel / privileged transactions) are permitted.
    public var privileged: Bool
    /// The memory type of the mapped range.
    public var memoryType: MemoryType
    /// The shareability domain, which is how coherency with other observers (CPUs, other
    /// devices) is expressed. `nil` lets the format choose its conventional default
    /// (ARM: inner-shareable for cacheable memory, outer-shareable otherwise).
    public var shareability: Shareability?
    /// Format-specific options (for example ARM's non-secure bit). Each format defines its
    /// own members in an extension and rejects members it does not know.
    public var formatFlags: FormatFlags
    /// The mapping is the same in every address space, so the TLB entry is not tagged with an
    /// address-space identifier (ARM stage 1: nG clear) -- what a kernel wants for its own
    /// mappings. Off by default. Formats with no such bit refuse it (`invalid-attributes`):
    /// ARM stage 2 and ARMv7 short descriptors (whose nG this library always sets).
    public var global: Bool

    /// Creates attributes.
    public init(access: Access, privileged: Bool = false, memoryType: MemoryType = .normal,
                shareability: Shareability? = nil, formatFlags: FormatFlags = [], global: Bool = false) {
        self.access = access
        self.privileged = privileged
        self.memoryType = memoryType
        self.shareability = shareability
        self.formatFlags = formatFlags
        self.global = global
    }

    /// Read, write and execute permissions.
    public struct Access: OptionSet, Hashable, Sendable {
        public let rawValue: UInt8
        /// Creates a permission set from raw bits.
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// Reads are permitted.
        public static let read = Access(rawValue: 1 << 0)
        /// Writes are permitted.
        public static let write = Access(rawValue: 1 << 1)
        /// Instruction fetches are permitted.
        public static let execute = Access(rawValue: 1 << 2)
    }

    /// The memory type of a mapping.
    public enum MemoryType: Hashable, Sendable {
        /// Normal memory, not cached.
        case normal
        /// Normal memory, write-back cacheable (coherent DMA, `IOMMU_CACHE`).
        case cacheable
        /// Device (MMIO) memory: no speculation, no gathering, no caching.
        case device
    }

    /// Shareability domains.
    public enum Shareability: Hashable, Sendable {
        /// Not shared: coherent only with this observer.
        case nonShareable
        /// Coherent within the inner domain (typically the CPU cluster).
        case inner
        /// Coherent within the outer domain (typically the whole system).
        case outer
    }

    /// Format-specific options: an open set, each format declaring its own members.
    ///
    /// Bits are allocated so formats never collide: built-in formats take bits from bit 0
    /// upwards (bit 0 `armNonSecure` for ARM LPAE, bit 1 `armV7NonSecure` for ARMv7
    /// short descriptors), formats from other packages from bit 31 downwards, and every
    /// format refuses the flags it does not declare (`docs/adding-a-format.md`).
    public struct FormatFlags: OptionSet, Hashable, Sendable {
        public let rawValue: UInt32
        /// Creates flags from raw bits.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
    }

    /// A compact form: `r w x` for access, then `c` cacheable, `d` device, `p` privileged --
    /// the PROT letters of the `pagetable` command line, with `-` for no access.
    /// Field by field and inlinable: every map compares its attributes with the last ones it
    /// encoded, and the synthesized comparison was a call.
    @inlinable
    public static func == (lhs: MapAttributes, rhs: MapAttributes) -> Bool {
        lhs.access.rawValue == rhs.access.rawValue && lhs.privileged == rhs.privileged
            && lhs.memoryType == rhs.memoryType && lhs.shareability == rhs.shareability
            && lhs.formatFlags.rawValue == rhs.formatFlags.rawValue && lhs.global == rhs.global
    }

    public var description: String {
        var letters = ""
        if access.contains(.read) { letters += "r" }
        if access.contains(.write) { letters += "w" }
        if access.contains(.execute) { letters += "x" }
        if memoryType == .cacheable { letters += "c" }
        if memoryType == .device { letters += "d" }
        if privileged { letters += "p" }
        return letters.isEmpty ? "-" : letters
    }
}

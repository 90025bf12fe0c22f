import PageTable

/// An imaginary MMU, small enough to read in one sitting, for learning how to add a format:
/// 32-bit input and output addresses, two levels of 1024 32-bit entries, 4 KiB pages and
/// 4 MiB sections. No real hardware walks these tables.
///
/// ```
/// input address:  31      22 21      12 11          0
///                 | L1 index | L2 index | page offset |
///
/// descriptor:     31           12 11  9  8   7   6   5   4   3   2   1   0
///                 | address      | 0  | L | G | D | C | U | X | W | R | V |
/// ```
///
/// - `V` = 0: empty. `V` = 1 with `R`, `W`, `X` all 0: a pointer to an L2 table (L1 only).
/// - `V` = 1 with `R` or `X`: a leaf (a page in L2, a section in L1). `W` without `R` is
///   reserved and faults, as on RISC-V. A section's address bits 21:12 are ignored.
/// - `U`: unprivileged accesses allowed. `C`: cacheable. `D`: device (wins over `C`).
///   `G`: global (``PageTable/MapAttributes/global``). `L`: locked in the TLB, never evicted
///   (``PageTable/MapAttributes/FormatFlags/teachingLocked``, this format's own flag).
///
/// Levels are numbered from the leaf-most table up, as the walker does: level 0 is the L2
/// table of pages, level 1 the L1 table the `ROOT` register points at.
public struct TeachingMMU: PageTableFormat {
    public typealias Descriptor = UInt32
    public typealias EncodedAttributes = UInt32

    /// The name `--format` selects.
    public static let formatName = "teaching-mmu32"
    public var name: String { Self.formatName }
    public let geometry: TableGeometry
    /// Whether this configuration of the hardware caches empty entries (then maps must be
    /// invalidated too).
    public let cachesInvalidEntries: Bool
    /// The hardware never writes descriptors (no accessed or dirty bits), so tables may be shared.
    public var allowsSharedTables: Bool { true }

    /// A format for the MMU; `cachesInvalidEntries` models a walker that remembers faults.
    public init(cachesInvalidEntries: Bool = false) {
        self.cachesInvalidEntries = cachesInvalidEntries
        let level = { (shift: Int) in
            LevelGeometry(itemShift: shift, indexBits: 10, tableBytes: 4096, tableAlignment: 4096, allowsLeaf: true)
        }
        geometry = TableGeometry(levels: [level(12), level(22)], inputAddressBits: 32, outputAddressBits: 32)
    }

    // MARK: Decoding: runs once per item in every walk, so it is inlined and reads no state.

    @inlinable @inline(__always)
    public func decode(_ descriptor: UInt32, level: Int) -> DecodedEntry {
        guard descriptor & Bits.valid != 0 else { return .empty }
        let access = descriptor & (Bits.read | Bits.write | Bits.execute)
        if access == 0 {
            return level == 1 ? .table(PhysicalAddress(descriptor & Bits.pageAddress)) : .empty
        }
        if access & Bits.write != 0 && access & Bits.read == 0 { return .empty }  // Reserved: faults.
        let address = level == 0 ? descriptor & Bits.pageAddress : descriptor & Bits.sectionAddress
        return .leaf(outputAddress: PhysicalAddress(address), contiguous: false)
    }

    @inlinable @inline(__always)
    public func tableDescriptor(address: PhysicalAddress, level: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: address) | Bits.valid
    }

    // MARK: Encoding: validate once per operation, then cheap per run and per item.

    public func encode(_ attributes: MapAttributes) throws(PageTableError) -> UInt32 {
        let access = attributes.access
        guard access.contains(.read) || access.contains(.execute) else {
            throw refuse("a mapping must allow reads or instruction fetches", attributes)
        }
        guard !access.contains(.write) || access.contains(.read) else {
            throw refuse("writable mappings must be readable", attributes)
        }
        guard attributes.shareability == nil else { throw refuse("no shareability domains", attributes) }
        guard attributes.formatFlags.subtracting(.teachingLocked).isEmpty else {
            throw refuse("unknown format flags", attributes)
        }
        var bits: UInt32 = 0
        if access.contains(.read) { bits |= Bits.read }
        if access.contains(.write) { bits |= Bits.write }
        if access.contains(.execute) { bits |= Bits.execute }
        if !attributes.privileged { bits |= Bits.user }
        switch attributes.memoryType {
        case .normal: break
        case .cacheable: bits |= Bits.cacheable
        case .device: bits |= Bits.device
        }
        if attributes.global { bits |= Bits.global }
        if attributes.formatFlags.contains(.teachingLocked) { bits |= Bits.locked }
        return bits
    }

    @inlinable @inline(__always)
    public func leafTemplate(_ attributes: UInt32, level: Int, contiguous: Bool) -> UInt32 {
        attributes | Bits.valid
    }

    @inlinable @inline(__always)
    public func leafDescriptor(template: UInt32, outputAddress: PhysicalAddress, level: Int) -> UInt32 {
        template | UInt32(truncatingIfNeeded: outputAddress)
    }

    /// Addresses sit in place, so the next page's descriptor is this one plus the page size.
    @inlinable @inline(__always)
    public func linearLeafStride(level: Int) -> UInt32? { level == 0 ? 1 << 12 : 1 << 22 }

    /// Every valid, readable descriptor is a leaf. Execute-only leaves do not match: the walker
    /// decodes those one by one, which is allowed -- the pattern only must never match a
    /// non-leaf.
    @inlinable @inline(__always)
    public func singleLeafPattern(level: Int) -> (mask: UInt32, value: UInt32)? {
        (Bits.valid | Bits.read, Bits.valid | Bits.read)
    }

    // MARK: Reading back, registers, names

    public func attributes(ofLeaf descriptor: UInt32, level: Int) -> MapAttributes {
        var access: MapAttributes.Access = []
        if descriptor & Bits.read != 0 { access.insert(.read) }
        if descriptor & Bits.write != 0 { access.insert(.write) }
        if descriptor & Bits.execute != 0 { access.insert(.execute) }
        let memoryType: MapAttributes.MemoryType = descriptor & Bits.device != 0 ? .device
            : descriptor & Bits.cacheable != 0 ? .cacheable : .normal
        return MapAttributes(access: access, privileged: descriptor & Bits.user == 0, memoryType: memoryType,
                             formatFlags: descriptor & Bits.locked != 0 ? .teachingLocked : [],
                             global: descriptor & Bits.global != 0)
    }

    /// `ROOT` holds the L1 table's address; `CONTROL` bit 0 enables translation.
    public func registers(root: PhysicalAddress) -> [HardwareRegister] {
        [HardwareRegister(.teachingRoot, name: "ROOT", value: root),
         HardwareRegister(.teachingControl, name: "CONTROL", value: 1)]
    }

    public func levelName(_ level: Int) -> String { level == 1 ? "L1" : "L2" }

    private func refuse(_ reason: String, _ attributes: MapAttributes) -> PageTableError {
        PageTableError(.invalidAttributes, at: 0, "\(Self.formatName): \(reason) (\(attributes))")
    }
}

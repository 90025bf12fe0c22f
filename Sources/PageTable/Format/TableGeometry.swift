/// The shape of a whole tree: one ``LevelGeometry`` per level plus address widths.
///
/// Level 0 is the leaf-most level; ``topLevel`` is the table a hardware register points at.
/// The walker reads this once per table it visits, so it is stored inline (no heap).
@frozen
public struct TableGeometry: Hashable, Sendable {
    /// Formats may use at most this many levels.
    public static let maximumLevels = 6

    @usableFromInline internal var storage: InlineLevels
    /// Number of levels (1 ... ``maximumLevels``).
    public let levelCount: Int
    /// Width of input addresses: the table indexes with the low `inputAddressBits` bits.
    public let inputAddressBits: Int
    /// What the bits above them must be: which 64-bit addresses the table translates.
    public let inputRange: InputRange
    /// Added to an input address (wrapping) to make the translated range `0 ..< inputLimit`.
    @usableFromInline let inputBias: UInt64
    /// XORed onto a biased address to get the table's own address (the low bits).
    @usableFromInline let inputFlip: UInt64
    /// Width of output addresses: mapped physical addresses and table addresses are below
    /// `1 << outputAddressBits`.
    public let outputAddressBits: Int
    /// Tables must live at or below this physical address (for example 4 GiB - 1 when the
    /// hardware stores 32-bit table pointers).
    public let tableAddressLimit: PhysicalAddress

    /// Creates a geometry from its levels, leaf-most first.
    ///
    /// The levels must be consistent: each level's span is one item of the level above,
    /// level 0 allows leaves, and the top table covers the whole input-address space.
    /// Violations are programming errors of the format and trap here, at construction.
    /// `inputRange` says which 64-bit input addresses the table translates (default: the low
    /// `2^inputAddressBits`).
    public init(levels: [LevelGeometry], inputAddressBits: Int, outputAddressBits: Int,
                tableAddressLimit: PhysicalAddress? = nil, inputRange: InputRange = .lower) {
        precondition((1...Self.maximumLevels).contains(levels.count), "1 to 6 levels")
        precondition(levels[0].allowsLeaf, "level 0 must hold leaves")
        for level in 1..<levels.count {
            precondition(levels[level].itemShift == levels[level - 1].tableSpanShift,
                         "level \(level) items must span one table of level \(level - 1)")
        }
        precondition(levels[levels.count - 1].tableSpanShift >= inputAddressBits,
                     "the top table must cover the input-address space")
        precondition(inputAddressBits <= 63 && outputAddressBits <= 64)
        var storage = InlineLevels()
        for (index, level) in levels.enumerated() {
            precondition(level.tableAlignment > 0 && level.tableAlignment & (level.tableAlignment - 1) == 0,
                         "table alignment must be a power of two")
            storage[index] = level
        }
        self.storage = storage
        self.levelCount = levels.count
        self.inputAddressBits = inputAddressBits
        self.inputRange = inputRange
        let limit: UInt64 = 1 << UInt64(inputAddressBits)
        switch inputRange {
        case .lower: (inputBias, inputFlip) = (0, 0)
        case .upper: (inputBias, inputFlip) = (limit, 0)
        case .signExtended: (inputBias, inputFlip) = (limit >> 1, limit >> 1)
        }
        self.outputAddressBits = outputAddressBits
        let outputLimit: PhysicalAddress = outputAddressBits >= 64 ? .max : (1 << outputAddressBits) - 1
        self.tableAddressLimit = min(tableAddressLimit ?? outputLimit, outputLimit)
    }

    /// The top level's number.
    @inlinable public var topLevel: Int { levelCount &- 1 }

    /// The geometry of `level`.
    @inlinable
    public subscript(level: Int) -> LevelGeometry { storage[level] }

    /// The smallest page size, `1 << levels[0].itemShift`.
    @inlinable public var pageSize: UInt64 { storage[0].itemSize }

    /// One past the highest table address: the table indexes `0 ..< inputLimit` (the low
    /// ``inputAddressBits`` bits of an input address).
    @inlinable public var inputLimit: UInt64 { 1 &<< UInt64(inputAddressBits) }

    /// Whether the table translates `address` (it lies in ``inputRange``).
    @inlinable public func contains(inputAddress address: VirtualAddress) -> Bool {
        address &+ inputBias < inputLimit
    }

    /// Whether `start ..< start + size` lies in one part of ``inputRange`` (it may end at 2^64).
    @inlinable public func contains(inputAddress start: VirtualAddress, size: UInt64) -> Bool {
        let biased = start &+ inputBias
        let (end, overflow) = start.addingReportingOverflow(size)
        // Biased, the translated addresses are one run `0 ..< inputLimit`: its end is the
        // canonical hole, and a wrap past 2^64 is where a sign-extended upper half meets 0.
        return biased < inputLimit && size <= inputLimit &- biased && (!overflow || end == 0)
    }

    /// The table address (low bits) of an input address in ``inputRange``.
    @inlinable public func tableAddress(of address: VirtualAddress) -> UInt64 {
        address & (inputLimit &- 1)
    }

    /// The input address whose table address is `tableAddress` (below ``inputLimit``): the
    /// inverse of ``tableAddress(of:)``, sign-extended or with the upper bits set as
    /// ``inputRange`` says.
    @inlinable public func inputAddress(ofTable tableAddress: UInt64) -> VirtualAddress {
        (tableAddress ^ inputFlip) &- inputBias
    }

    /// The input addresses of the table addresses `range`. A range reaching the top of the
    /// 64-bit space ends at `UInt64.max`, one byte short (a `Range` cannot end at 2^64); every
    /// page in it still starts below that bound.
    @inlinable public func inputAddresses(ofTable range: Range<UInt64>) -> Range<VirtualAddress> {
        let first = inputAddress(ofTable: range.lowerBound)
        guard range.lowerBound < range.upperBound else { return first..<first }
        let last = inputAddress(ofTable: range.upperBound &- 1)
        return first..<(last == .max ? .max : last &+ 1)
    }

    /// The parts of ``inputRange`` as closed ranges of input addresses, lowest first.
    public var inputSpans: [ClosedRange<VirtualAddress>] {
        switch inputRange {
        case .lower: return [0...inputLimit - 1]
        case .upper: return [(0 &- inputLimit)...UInt64.max]
        case .signExtended: return [0...(inputLimit >> 1) - 1, (0 &- (inputLimit >> 1))...UInt64.max]
        }
    }

    /// One past the highest output address (saturating at 2^64 - 1 for 64-bit outputs).
    @inlinable public var outputLimit: UInt64 {
        outputAddressBits >= 64 ? .max : 1 &<< UInt64(outputAddressBits)
    }

    /// Every leaf size the tree offers, smallest first, as log2 of bytes.
    public var leafSizeShifts: [Int] {
        (0..<levelCount).flatMap { storage[$0].leafSizeShifts.reversed() }
    }
}

/// Six levels stored inline. Kept private to the geometry; indexing is by a level number the
/// walker derives from the geometry itself, so it is always in range.
@frozen @usableFromInline
internal struct InlineLevels: Hashable, Sendable {
    @usableFromInline internal var l0, l1, l2, l3, l4, l5: LevelGeometry

    @usableFromInline
    internal init() {
        let unused = LevelGeometry(itemShift: 0, indexBits: 0, tableBytes: 0, tableAlignment: 1, allowsLeaf: false)
        (l0, l1, l2, l3, l4, l5) = (unused, unused, unused, unused, unused, unused)
    }

    @inlinable
    internal subscript(index: Int) -> LevelGeometry {
        get {
            switch index {
            case 0: return l0
            case 1: return l1
            case 2: return l2
            case 3: return l3
            case 4: return l4
            default: return l5
            }
        }
        set {
            switch index {
            case 0: l0 = newValue
            case 1: l1 = newValue
            case 2: l2 = newValue
            case 3: l3 = newValue
            case 4: l4 = newValue
            default: l5 = newValue
            }
        }
    }
}

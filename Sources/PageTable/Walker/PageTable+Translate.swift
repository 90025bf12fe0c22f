extension PageTable {
    /// The physical address `iova` translates to, or `nil` if it is not mapped (or outside the
    /// geometry's ``InputRange``, for example non-canonical). Physical address 0 is a valid answer.
    ///
    /// Always inlined: in a caller's loop the table's fields are then loaded once, not per
    /// lookup.
    @inlinable @inline(__always)
    public func translate(_ iova: VirtualAddress) -> PhysicalAddress? {
        guard let leaf = findLeaf(iova) else { return nil }
        return leaf.base &+ (iova & ((1 &<< UInt64(truncatingIfNeeded: leaf.sizeShift)) &- 1))
    }

    /// The leaf covering `iova`, with its attributes, or `nil` if it is not mapped.
    @inlinable
    public func lookup(_ iova: VirtualAddress) -> Mapping? {
        guard let leaf = findLeaf(iova) else { return nil }
        let size: UInt64 = 1 &<< UInt64(leaf.sizeShift)
        return Mapping(virtualAddress: iova & ~(size &- 1), physicalAddress: leaf.base, size: size, level: leaf.level,
                       attributes: format.attributes(ofLeaf: leaf.descriptor, level: leaf.level))
    }

    /// Walks from the top to the leaf covering `iova`, as the hardware does.
    ///
    /// Always inlined, so the answer stays in registers and a caller's loop can keep the
    /// table's fields in registers too. The walk is unrolled for the common level counts: each
    /// step's level is then a constant, so the format's per-level decisions and the level
    /// shapes' offsets fold away.
    @inlinable @inline(__always)
    func findLeaf(_ iova: VirtualAddress)
        -> (descriptor: Format.Descriptor, level: Int, base: PhysicalAddress, sizeShift: Int)? {
        // No branch before the walk: an address outside the input range walks address 0 (a
        // readable item of the top table) and answers nil. The walk's first loads (root,
        // shapes, memory) then run on every lookup, so a caller's loop can hoist them.
        // The switch is spelled out here rather than calling `leaf(at:)`: with the call LLVM
        // stopped hoisting the table's fields out of a caller's loop (122 instructions per
        // lookup in the benchmark against 110).
        let inRange = geometry.contains(inputAddress: iova)
        let address = inRange ? geometry.tableAddress(of: iova) : 0
        let leaf: (descriptor: Format.Descriptor, level: Int, base: PhysicalAddress, sizeShift: Int)?
        switch geometry.topLevel {
        case 2: leaf = walk(address, from: 2)
        case 3: leaf = walk(address, from: 3)
        default: leaf = walk(address, from: geometry.topLevel)
        }
        return inRange ? leaf : nil
    }

    /// The leaf covering the table address `address` (below the geometry's input limit).
    @inlinable @inline(__always)
    func leaf(at address: VirtualAddress)
        -> (descriptor: Format.Descriptor, level: Int, base: PhysicalAddress, sizeShift: Int)? {
        switch geometry.topLevel {
        case 2: return walk(address, from: 2)
        case 3: return walk(address, from: 3)
        default: return walk(address, from: geometry.topLevel)
        }
    }

    /// The walk of ``findLeaf(_:)`` from the top table, a table of `top`.
    @inlinable @inline(__always)
    func walk(_ iova: VirtualAddress, from top: Int)
        -> (descriptor: Format.Descriptor, level: Int, base: PhysicalAddress, sizeShift: Int)? {
        var table = root
        var level = top
        while true {
            let shape = shapes[level]
            let descriptor = items(table)[shape.index(of: iova)]
            switch format.decode(descriptor, level: level) {
            case .empty:
                return nil
            case .table(let next):
                guard level > 0 else { return nil }
                table = next
                level &-= 1
            case .leaf(let base, let contiguous):
                let shift = shape.itemShift &+ (contiguous ? shape.contiguousLog2 : 0)
                return (descriptor, level, base, shift)
            }
        }
    }
}

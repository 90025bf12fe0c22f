extension PageTable {
    /// The physical address `iova` translates to, or `nil` if it is not mapped (or beyond the
    /// input-address space). Physical address 0 is a valid answer.
    @inlinable
    public func translate(_ iova: VirtualAddress) -> PhysicalAddress? {
        guard let leaf = findLeaf(iova) else { return nil }
        return leaf.base &+ (iova & ((1 &<< UInt64(leaf.sizeShift)) &- 1))
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
    @inlinable
    func findLeaf(_ iova: VirtualAddress)
        -> (descriptor: Format.Descriptor, level: Int, base: PhysicalAddress, sizeShift: Int)? {
        guard iova < geometry.inputLimit else { return nil }
        var table = root
        var level = geometry.topLevel
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

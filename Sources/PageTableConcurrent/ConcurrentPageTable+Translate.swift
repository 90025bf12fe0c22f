import PageTable
import Synchronization

extension ConcurrentPageTable {
    /// The physical address `iova` translates to, or `nil` if it is not mapped. Lock-free and
    /// safe to race with any change anywhere: an address being changed answers either before
    /// or after the change.
    @inlinable
    public func translate(_ iova: VirtualAddress) -> PhysicalAddress? {
        guard let leaf = findLeaf(iova) else { return nil }
        return leaf.base &+ (iova & ((1 &<< UInt64(leaf.sizeShift)) &- 1))
    }

    /// The leaf covering `iova`, with its attributes, or `nil`. Lock-free, as ``translate(_:)``.
    @inlinable
    public func lookup(_ iova: VirtualAddress) -> Mapping? {
        guard let leaf = findLeaf(iova) else { return nil }
        let size: UInt64 = 1 &<< UInt64(leaf.sizeShift)
        return Mapping(virtualAddress: iova & ~(size &- 1), physicalAddress: leaf.base, size: size, level: leaf.level,
                       attributes: format.attributes(ofLeaf: leaf.descriptor, level: leaf.level))
    }

    /// The hardware's walk, each descriptor loaded once with acquire ordering, inside a
    /// read-side section so no table it passes through is freed under it.
    @inlinable
    func findLeaf(_ iova: VirtualAddress)
        -> (descriptor: Format.Descriptor, level: Int, base: PhysicalAddress, sizeShift: Int)? {
        guard geometry.contains(inputAddress: iova) else { return nil }
        let iova = geometry.tableAddress(of: iova)
        let section = grace.enter()
        defer { grace.leave(section) }
        var table = root
        var level = geometry.topLevel
        while true {
            let shape = shapes[level]
            let descriptor = items(table).load(shape.index(of: iova))
            switch format.decode(descriptor, level: level) {
            case .empty:
                return nil
            case .table(let next):
                guard level > 0 else { return nil }
                table = next
                level &-= 1
            case .leaf(let base, let contiguous):
                return (descriptor, level, base, shape.itemShift &+ (contiguous ? shape.contiguousLog2 : 0))
            }
        }
    }
}

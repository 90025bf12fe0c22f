extension PageTable {
    /// Whether ``protect(iova:size:attributes:)`` would refuse to give a leaf of `leafSize`
    /// bytes that carries `old` the attributes `new`, because the hardware needs
    /// break-before-make for that change (``PageTableFormat/leafChangeNeedsBreak(from:to:level:)``).
    /// `false` for attributes the format cannot encode and for a size that is no leaf size.
    /// For models and checkers that predict a protect without reading descriptors.
    public func attributeChangeNeedsBreak(from old: MapAttributes, to new: MapAttributes, leafSize: UInt64) -> Bool {
        for level in 0..<geometry.levelCount where shapes[level].allowsLeaf {
            let shape = shapes[level]
            let contiguous = shape.contiguousLog2 > 0 && shape.itemSize << UInt64(shape.contiguousLog2) == leafSize
            guard shape.itemSize == leafSize || contiguous,
                  let before = try? format.encode(old), let after = try? format.encode(new) else { continue }
            return format.leafChangeNeedsBreak(
                from: format.leafDescriptor(template: format.leafTemplate(before, level: level, contiguous: contiguous),
                                            outputAddress: 0, level: level),
                to: format.leafDescriptor(template: format.leafTemplate(after, level: level, contiguous: contiguous),
                                          outputAddress: 0, level: level),
                level: level)
        }
        return false
    }
}

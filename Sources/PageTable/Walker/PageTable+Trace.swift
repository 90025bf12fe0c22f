extension PageTable {
    /// Walks `iova` from the top table as the hardware does and records every level read: the
    /// table, the index, the descriptor and its meaning, then the translation or the level that
    /// faults. The same answer as ``lookup(_:)``, explained; meant for debugging, not hot paths.
    public func trace(_ iova: VirtualAddress) -> TranslationTrace {
        let descriptorBytes = MemoryLayout<Format.Descriptor>.size
        guard geometry.contains(inputAddress: iova) else {
            return TranslationTrace(steps: [], outcome: .beyondInputSpace, descriptorBytes: descriptorBytes)
        }
        let tableAddress = geometry.tableAddress(of: iova)  // Upper and sign-extended ranges.
        var steps: [TranslationStep] = []
        var table = root
        var level = geometry.topLevel
        while true {
            let shape = shapes[level]
            let index = shape.index(of: tableAddress)
            let descriptor = items(table)[index]
            let entry = format.decode(descriptor, level: level)
            steps.append(TranslationStep(level: level, table: table, index: index,
                                         descriptor: UInt64(truncatingIfNeeded: descriptor), entry: entry))
            switch entry {
            case .table(let next) where level > 0:
                table = next
                level -= 1
            case .empty, .table:
                return TranslationTrace(steps: steps, outcome: .fault(level: level), descriptorBytes: descriptorBytes)
            case .leaf(let base, let contiguous):
                let size: UInt64 = 1 << UInt64(shape.itemShift + (contiguous ? shape.contiguousLog2 : 0))
                let leaf = Mapping(virtualAddress: iova & ~(size - 1), physicalAddress: base, size: size, level: level,
                                   attributes: format.attributes(ofLeaf: descriptor, level: level))
                return TranslationTrace(steps: steps, outcome: .translated(physicalAddress: base | (iova & (size - 1)),
                                                                           leaf: leaf),
                                        descriptorBytes: descriptorBytes)
            }
        }
    }
}

import PageTable

extension TLBModel {
    /// Cached leaves that were dirty when cached while no descriptor of the leaf in the table
    /// is dirty now: the leaf was cleaned without an invalidation, and writes through the
    /// cached entry would go unrecorded (ARM: the TLB may keep the entry writable after AP[2]
    /// is set again; x86-64 and RISC-V: it need not set D again). Empty when nothing is stale.
    public func staleDirtyState() -> [String] {
        leaves.values.filter { $0.dirty && !tableHoldsDirty($0) }
            .map { "leaf \(hexString($0.start))+\(hexString($0.size)) is cached dirty but was cleaned without an invalidation" }
    }

    /// Whether any descriptor of `leaf` (a group: any member) is dirty in the table, as the hardware sees it.
    private func tableHoldsDirty(_ leaf: CachedLeaf) -> Bool {
        let itemSize = format.geometry[leaf.level].itemSize
        return stride(from: leaf.start, to: leaf.start + leaf.size, by: Int(itemSize)).contains { address in
            descriptor(at: address, level: leaf.level).map { format.isDirty($0, level: leaf.level) } ?? false
        }
    }

    /// The descriptor at `level` on the walk of the table address `address`, without using or filling a cache.
    private func descriptor(at address: VirtualAddress, level target: Int) -> Format.Descriptor? {
        var table = root
        var level = format.geometry.topLevel
        while true {
            let shape = format.geometry[level]
            let descriptor: Format.Descriptor = view.load(table + UInt64(shape.index(of: address) * MemoryLayout<Format.Descriptor>.stride))
            if level == target { return descriptor }
            guard case .table(let next) = format.decode(descriptor, level: level), level > 0 else { return nil }
            table = next
            level -= 1
        }
    }
}

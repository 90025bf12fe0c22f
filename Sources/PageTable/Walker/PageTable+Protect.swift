extension PageTable {
    /// Gives every leaf of `iova ..< iova + size` the attributes `attributes`, keeping every
    /// translation (permission tightening or relaxing, as KVM's write-protect and relax).
    ///
    /// The range must be covered by whole leaves: like ``unmap(iova:size:)``, it stops with
    /// `not-mapped` at the first hole and with `partial-leaf` at a leaf that starts before
    /// `iova` or ends after the range (leaves are never split), with `unsupported` at a leaf
    /// whose change the hardware allows only with break-before-make
    /// (``PageTableFormat/leafChangeNeedsBreak(from:to:level:)``: on ARM a new memory type,
    /// cacheability or shareability; the range would fault meanwhile), and the outcome's
    /// ``RangeOutcome/bytes`` is exactly the prefix whose leaves now carry `attributes`; nothing
    /// past it changed. Validation errors (`misaligned`, `out-of-range`, `invalid-attributes`)
    /// change nothing. Shared tables are copied before an edit (`out-of-memory` if that fails,
    /// with the prefix before it protected). Leaves whose attributes changed, and the walks of
    /// copied tables, are invalidated in one sync before this returns; leaves that already
    /// had `attributes` are not touched.
    @inlinable
    public mutating func protect(iova: VirtualAddress, size: UInt64, attributes: MapAttributes) -> RangeOutcome {
        let outcome = protectRange(iova: iova, size: size, attributes: attributes)
        sync()
        return outcome
    }

    /// Validates and protects without syncing (a batch syncs once at its end).
    @inlinable
    mutating func protectRange(iova: VirtualAddress, size: UInt64, attributes: MapAttributes) -> RangeOutcome {
        let range: Range<VirtualAddress>
        let encoded: Format.EncodedAttributes
        do throws(PageTableError) {
            range = try checkInputRange(iova, size: size)
            encoded = try encode(attributes)
        } catch {
            return RangeOutcome(bytes: 0, error: error)
        }
        // First the covered prefix (read only), then the edit of exactly that prefix.
        var address = range.lowerBound
        let end = range.upperBound
        var stop: PageTableError? = nil
        while address < end {
            guard let leaf = leaf(at: address) else { stop = .notMapped(inputAddress(address)); break }
            let leafSize: UInt64 = 1 &<< UInt64(leaf.sizeShift)
            let leafStart = address & ~(leafSize &- 1)
            guard leafStart == address, end &- address >= leafSize else {
                stop = .partialLeaf(inputAddress(address), leafStart: inputAddress(leafStart), leafSize: leafSize)
                break
            }
            if let refusal = breakNeeded(leaf, at: address, encoded) { stop = refusal; break }
            address &+= leafSize
        }
        guard address > range.lowerBound else { return RangeOutcome(bytes: 0, error: stop) }
        let edited = modifyRange(iova: iova, size: address &- range.lowerBound, preTable: { _ in .proceed },
                                 leaf: { edit in
                                     edit.attributes = attributes
                                     return .proceed
                                 }, postTable: { _ in })
        if edited.error != nil { return edited }
        return RangeOutcome(bytes: edited.bytes, error: stop)
    }

    /// `unsupported` if rewriting `leaf` (found at its first address `address`) with `encoded`
    /// needs break-before-make, else `nil`.
    @inlinable
    func breakNeeded(_ leaf: (descriptor: Format.Descriptor, level: Int, base: PhysicalAddress, sizeShift: Int),
                     at address: VirtualAddress, _ encoded: Format.EncodedAttributes) -> PageTableError? {
        let contiguous = leaf.sizeShift > shapes[leaf.level].itemShift
        let new = format.leafDescriptor(template: format.leafTemplate(encoded, level: leaf.level, contiguous: contiguous),
                                        outputAddress: leaf.base, level: leaf.level)
        guard format.leafChangeNeedsBreak(from: leaf.descriptor, to: new, level: leaf.level) else { return nil }
        return PageTableError(.unsupported, at: inputAddress(address),
                              "the new attributes of the leaf at \(hex(inputAddress(address))) need break-before-make on \(format.name)")
    }
}

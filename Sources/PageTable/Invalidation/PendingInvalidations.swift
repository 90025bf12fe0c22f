/// What one operation must tell the hardware to forget: the hull of the input ranges whose
/// leaves were removed or changed, the hull of those whose table pointers were, and the levels
/// of each.
///
/// One operation touches one contiguous input range, so the hulls are exact for single
/// operations. Ranges are gathered as table addresses (the low input bits the walker indexes
/// with) and turned into input addresses when issued. ``PageTable``'s gather and the concurrent table's per-call gather both keep one.
@frozen @usableFromInline
package struct PendingInvalidations {
    @usableFromInline var leafStart: VirtualAddress = .max
    @usableFromInline var leafEnd: VirtualAddress = 0
    @usableFromInline var leafLevels = LevelSet()
    @usableFromInline var walkStart: VirtualAddress = .max
    @usableFromInline var walkEnd: VirtualAddress = 0
    @usableFromInline var walkLevels = LevelSet()

    @inlinable package init() {}

    /// Leaves of `level` in `start ..< end` were removed or changed.
    @inlinable
    package mutating func addLeaves(_ start: VirtualAddress, _ end: VirtualAddress, level: Int) {
        leafStart = min(leafStart, start)
        leafEnd = max(leafEnd, end)
        leafLevels.insert(LevelSet(level: level))
    }

    /// Table pointers held at `level` covering `start ..< end` were removed or changed.
    @inlinable
    package mutating func addWalks(_ start: VirtualAddress, _ end: VirtualAddress, level: Int) {
        walkStart = min(walkStart, start)
        walkEnd = max(walkEnd, end)
        walkLevels.insert(LevelSet(level: level))
    }

    /// Whether the hardware must be told anything (an invalidation sync).
    @inlinable package var isEmpty: Bool { leafStart >= leafEnd && walkStart >= walkEnd }

    /// Tells `invalidator` about the leaves, then about the walks (one call each, if any), by
    /// input address in `geometry`'s input range. Always inlined: a call would copy the
    /// geometry.
    @inlinable @inline(__always)
    package func issue<Invalidator: TLBInvalidator>(to invalidator: Invalidator, geometry: TableGeometry) {
        if leafStart < leafEnd {
            invalidator.invalidateLeaves(in: geometry.inputAddresses(ofTable: leafStart..<leafEnd), levels: leafLevels)
        }
        if walkStart < walkEnd {
            invalidator.invalidateWalks(in: geometry.inputAddresses(ofTable: walkStart..<walkEnd), levels: walkLevels)
        }
    }
}

import PageTableKit

/// The PROT operand of a script's `map`: any of the letters `r w x c d p` (read, write,
/// execute, cacheable, device, privileged) in any order, repeats allowed, or `-` for none.
///
/// Letters are kept as written; ``attributes(for:)`` turns them into ``MapAttributes``.
/// Combinations the table refuses (no `r` and no `w`) are still valid PROT operands: the
/// script asks, and the table answers `invalid-attributes`.
struct Protection: Hashable, Sendable {
    /// Requested accesses (`r`, `w`, `x`).
    var access: MapAttributes.Access = []
    /// `c`: write-back cacheable memory.
    var cacheable = false
    /// `d`: device memory.
    var device = false
    /// `p`: privileged accesses only.
    var privileged = false

    /// The attributes to map with.
    ///
    /// `MapAttributes` holds one memory type, so asking for both cacheable and device memory
    /// (`cd`) is refused the way a table refuses attributes: with `invalid-attributes`.
    func attributes(for iova: UInt64) throws(PageTableError) -> MapAttributes {
        let memoryType: MapAttributes.MemoryType
        switch (cacheable, device) {
        case (true, true):
            throw PageTableError(.invalidAttributes, at: iova, "memory cannot be both cacheable (c) and device (d)")
        case (true, false): memoryType = .cacheable
        case (false, true): memoryType = .device
        case (false, false): memoryType = .normal
        }
        return MapAttributes(access: access, privileged: privileged, memoryType: memoryType)
    }
}

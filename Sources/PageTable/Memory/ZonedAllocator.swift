/// Routes table allocations by size: requests of exactly the slab's object size go to a
/// ``SlabAllocator`` fed from a constrained zone, everything else to a general allocator.
///
/// This is how ARMv7 short-descriptor tables get their memory in Linux: the 16 KiB first-level
/// table comes from the page allocator, the 1 KiB second-level tables from a dedicated slab
/// cache in the low DMA32 zone. With the zone small, a map can run out of second-level tables
/// part-way while plenty of general memory is left -- an ordinary `out-of-memory` outcome.
///
/// ```
///   allocate(1024, ...) --> slab --> 4 KiB pages of the zone
///   allocate(16384, ...) -> general allocator
/// ```
///
/// Frees are routed by the same rule, so a table must be freed with the size it was allocated
/// with (which the walker always does).
public final class ZonedAllocator<General: TableAllocator, ZoneBacking: TableAllocator>: TableAllocator {
    /// The allocator for every request that is not of the slab's object size.
    public let general: General
    /// The slab serving requests of exactly its object size.
    public let slab: SlabAllocator<ZoneBacking>

    /// Routes `slab.objectSize`-byte requests to `slab` and the rest to `general`.
    public init(general: General, slab: SlabAllocator<ZoneBacking>) {
        self.general = general
        self.slab = slab
    }

    public func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        bytes == slab.objectSize
            ? slab.allocate(bytes: bytes, alignment: alignment, limit: limit)
            : general.allocate(bytes: bytes, alignment: alignment, limit: limit)
    }

    public func free(_ address: PhysicalAddress, bytes: Int) {
        if bytes == slab.objectSize {
            slab.free(address, bytes: bytes)
        } else {
            general.free(address, bytes: bytes)
        }
    }
}

extension ZonedAllocator where General == BuddyAllocator, ZoneBacking == BuddyAllocator {
    /// Splits the physical range `base ..< base + size` in two: the lowest `zoneBytes` bytes
    /// are the zone, whose pages only the slab uses (through a buddy allocator of their own),
    /// and the rest is managed by a general buddy allocator.
    ///
    /// `zoneBytes` must be a multiple of `pageSize` no larger than `size`, and `base` must be
    /// `pageSize`-aligned, and the range must not wrap; violations are programming errors and
    /// trap.
    public convenience init(base: PhysicalAddress, size: Int, zoneBytes: Int, objectSize: Int, pageSize: Int = 4096) {
        precondition(pageSize > 0 && zoneBytes >= 0 && zoneBytes <= size && zoneBytes % pageSize == 0,
                     "the zone must be a whole number of pages within the range")
        precondition(base & UInt64(pageSize - 1) == 0, "the zone must start on a page boundary")
        precondition(base.addingReportingOverflow(UInt64(size)).overflow == false, "the range must not wrap")
        let zone = BuddyAllocator(base: base, size: zoneBytes)!
        let general = BuddyAllocator(base: base + UInt64(zoneBytes), size: size - zoneBytes)!
        let zoneLimit = zoneBytes == 0 ? base : base + UInt64(zoneBytes) - 1
        self.init(general: general,
                  slab: SlabAllocator(objectSize: objectSize, pageSize: pageSize, backing: zone, zoneLimit: zoneLimit))
    }

    /// Splits the whole of `arena` (see ``init(base:size:zoneBytes:objectSize:pageSize:)``).
    public convenience init(arena: PhysicalArena, zoneBytes: Int, objectSize: Int, pageSize: Int = 4096) {
        self.init(base: arena.base, size: arena.size, zoneBytes: zoneBytes, objectSize: objectSize, pageSize: pageSize)
    }

    /// The zone: the physical range slab pages come from.
    public var zone: Range<PhysicalAddress> { slab.backing.base ..< slab.backing.base + UInt64(slab.backing.size) }
}

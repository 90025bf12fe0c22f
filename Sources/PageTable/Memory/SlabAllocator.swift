/// A slab allocator: hands out objects of one fixed size, carved from pages it takes from a
/// backing allocator within a zone, as Linux's `kmem_cache` does for ARMv7 second-level tables
/// (1 KiB objects from 4 KiB pages of the DMA32 zone).
///
/// ```
///   backing allocator (the zone)      slab pages               objects
///   +--------+--------+--------+      +----+----+----+----+
///   | page A | page B |  free  |  ->  | A0 | A1 | A2 | A3 |    A0, A1 live; A2, A3 free
///   +--------+--------+--------+      +----+----+----+----+
/// ```
///
/// - Objects are `objectSize` bytes (a power of two) and naturally aligned, because pages are
///   `pageSize`-aligned and hold `pageSize / objectSize` objects (at most 64).
/// - Pages come from the backing allocator, entirely at or below ``zoneLimit`` (and the
///   request's limit), only when no page in hand has a free object that fits.
/// - A page whose objects are all free again goes straight back to the backing allocator.
/// - The choice is deterministic: the lowest free object of the pages in hand that fits the
///   limit; failing that, the lowest object of a new page (the backing allocator's choice).
///
/// Running out of zone pages is an ordinary failure: ``allocate(bytes:alignment:limit:)``
/// returns `nil` and the walker reports `out-of-memory` with the exact prefix it mapped.
/// Requests larger than `objectSize` or aligned beyond it are refused the same way; route
/// them elsewhere with ``ZonedAllocator``. Bookkeeping lives outside the managed memory.
public final class SlabAllocator<Backing: TableAllocator>: TableAllocator {
    /// The allocator slab pages come from.
    public let backing: Backing
    /// Bytes of one object (and its alignment).
    public let objectSize: Int
    /// Bytes of one slab page (and its alignment), taken from ``backing`` at a time.
    public let pageSize: Int
    /// Slab pages lie entirely at or below this physical address.
    public let zoneLimit: PhysicalAddress
    /// Objects currently allocated.
    public private(set) var liveObjects = 0

    private let objectsPerPage: Int
    private let fullMask: UInt64
    /// Occupancy of every page in hand: bit `i` set when object `i` is allocated.
    private var occupancy: [PhysicalAddress: UInt64] = [:]
    /// Pages in hand with at least one free object, in ascending address order.
    private var partialPages: [PhysicalAddress] = []

    /// Creates an empty slab of `objectSize`-byte objects carved from `pageSize`-byte pages of
    /// `backing`, placed entirely at or below `zoneLimit`.
    ///
    /// `objectSize` and `pageSize` must be powers of two with `objectSize <= pageSize` and at
    /// most 64 objects per page; violations are programming errors and trap.
    public init(objectSize: Int, pageSize: Int = 4096, backing: Backing, zoneLimit: PhysicalAddress = .max) {
        precondition(objectSize > 0 && objectSize & (objectSize - 1) == 0, "the object size must be a power of two")
        precondition(pageSize >= objectSize && pageSize & (pageSize - 1) == 0,
                     "the page size must be a power of two of at least one object")
        precondition(pageSize / objectSize <= 64, "at most 64 objects per page")
        self.backing = backing
        self.objectSize = objectSize
        self.pageSize = pageSize
        self.zoneLimit = zoneLimit
        objectsPerPage = pageSize / objectSize
        fullMask = objectsPerPage == 64 ? .max : (1 << UInt64(objectsPerPage)) - 1
    }

    /// Slab pages currently taken from the backing allocator.
    public var pageCount: Int { occupancy.count }

    /// Physical addresses of the slab pages in hand, ascending.
    public var pages: [PhysicalAddress] { occupancy.keys.sorted() }

    public func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        guard bytes > 0, bytes <= objectSize, alignment > 0, alignment <= objectSize else { return nil }
        let lastByte = UInt64(objectSize - 1)
        for (position, page) in partialPages.enumerated() {
            guard page <= limit, limit - page >= lastByte else { break }  // Later pages are higher still.
            let used = occupancy[page]!
            let slot = (~used & fullMask).trailingZeroBitCount
            let address = page + UInt64(slot * objectSize)
            guard address <= limit - lastByte else { break }
            mark(page, used: used | 1 << UInt64(slot), partialPosition: position)
            return address
        }
        let pageLimit = min(zoneLimit, limit)
        guard let page = backing.allocate(bytes: pageSize, alignment: pageSize, limit: pageLimit) else { return nil }
        precondition(page & UInt64(pageSize - 1) == 0 && occupancy[page] == nil,
                     "the backing allocator returned a misaligned or duplicate page \(hex(page))")
        guard page <= limit - lastByte else {  // Cannot happen with a limit-honouring backing allocator.
            backing.free(page, bytes: pageSize)
            return nil
        }
        occupancy[page] = 1
        if objectsPerPage > 1 { partialPages.insert(page, at: lowerBound(page)) }
        liveObjects += 1
        return page
    }

    public func free(_ address: PhysicalAddress, bytes: Int) {
        let page = address & ~UInt64(pageSize - 1)
        let slot = Int((address - page) / UInt64(objectSize))
        guard let used = occupancy[page], address & UInt64(objectSize - 1) == 0,
              used & (1 << UInt64(slot)) != 0 else {
            preconditionFailure("freeing \(hex(address)), which this slab did not hand out")
        }
        let remaining = used & ~(1 << UInt64(slot))
        liveObjects -= 1
        if remaining == 0 {  // The page is empty: give it back.
            occupancy[page] = nil
            let position = lowerBound(page)
            if position < partialPages.count && partialPages[position] == page { partialPages.remove(at: position) }
            backing.free(page, bytes: pageSize)
            return
        }
        if used == fullMask { partialPages.insert(page, at: lowerBound(page)) }  // It has room again.
        occupancy[page] = remaining
    }

    /// Records the new occupancy of a partial page, dropping it from the partial list when full.
    private func mark(_ page: PhysicalAddress, used: UInt64, partialPosition: Int) {
        occupancy[page] = used
        if used == fullMask { partialPages.remove(at: partialPosition) }
        liveObjects += 1
    }

    /// The first position in ``partialPages`` whose address is not below `page`.
    private func lowerBound(_ page: PhysicalAddress) -> Int {
        var low = 0, high = partialPages.count
        while low < high {
            let middle = (low + high) / 2
            if partialPages[middle] < page { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A deterministic buddy allocator over a physical address range: the default table allocator.
///
/// Blocks are powers of two from 64 bytes up, naturally aligned by physical address, so any
/// alignment up to the block size comes for free. It always hands out the lowest suitable
/// address, which keeps images reproducible and honours `limit` whenever any block could.
/// Bookkeeping lives outside the managed memory (the memory holds only tables).
public final class BuddyAllocator: TableAllocator, @unchecked Sendable {
    /// First managed physical address.
    public let base: PhysicalAddress
    /// Managed bytes.
    public let size: Int
    /// Tables currently allocated.
    public private(set) var liveBlocks = 0
    /// Bytes currently allocated (block sizes, including rounding up to a power of two).
    public private(set) var liveBytes = 0

    private static let minimumShift = 6
    /// freeBlocks[shift] holds the addresses of free blocks of 1 << shift bytes, highest first,
    /// so the lowest is taken from the end.
    @exclusivity(unchecked) private var freeBlocks: [[PhysicalAddress]] = Array(repeating: [], count: 64)
    /// Bit n set: freeBlocks[n] is not empty.
    @exclusivity(unchecked) private var nonEmpty: UInt64 = 0

    /// Manages `base ..< base + size`.
    public init(base: PhysicalAddress, size: Int) {
        self.base = base
        self.size = size
        // Carve the range into maximal naturally aligned blocks.
        let granule = UInt64(1) << UInt64(Self.minimumShift)
        let end = base + UInt64(size)
        var address = (base + granule - 1) & ~(granule - 1)
        while address < end, end - address >= granule {
            var shift = address == 0 ? 62 : min(address.trailingZeroBitCount, 62)
            while end - address < 1 << UInt64(shift) { shift -= 1 }
            insert(address, shift: shift)
            address += 1 << UInt64(shift)
        }
    }

    /// Manages the whole of `arena`.
    public convenience init(arena: PhysicalArena) {
        self.init(base: arena.base, size: arena.size)
    }

    public func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        guard bytes > 0, alignment > 0 else { return nil }
        let shift = max(Self.shift(covering: bytes), Self.shift(covering: alignment), Self.minimumShift)
        guard shift < 63 else { return nil }
        // The lowest free block of at least that size that ends within the limit.
        var chosen: (shift: Int, address: PhysicalAddress)?
        var candidates = nonEmpty & ~((1 << UInt64(shift)) &- 1)
        while candidates != 0 {
            let candidate = candidates.trailingZeroBitCount
            candidates &= candidates &- 1
            let lowest = freeBlocks[candidate][freeBlocks[candidate].count - 1]
            if lowest &+ (1 << UInt64(shift)) &- 1 <= limit, chosen.map({ lowest < $0.address }) ?? true {
                chosen = (candidate, lowest)
            }
        }
        guard let chosen else { return nil }
        let address = chosen.address
        var blockShift = chosen.shift
        freeBlocks[blockShift].removeLast()
        if freeBlocks[blockShift].isEmpty { nonEmpty &= ~(1 << UInt64(blockShift)) }
        while blockShift > shift {  // Split, keeping the lower half.
            blockShift -= 1
            insert(address + (1 << UInt64(blockShift)), shift: blockShift)
        }
        liveBlocks += 1
        liveBytes += 1 << shift
        return address
    }

    public func free(_ address: PhysicalAddress, bytes: Int) {
        var shift = max(Self.shift(covering: bytes), Self.minimumShift)
        precondition(address >= base && address - base < UInt64(size), "freeing \(address) outside the allocator")
        liveBlocks -= 1
        liveBytes -= 1 << shift
        var block = address
        while shift < 62 {  // Merge with the buddy while it is free.
            let buddy = block ^ (1 << UInt64(shift))
            guard let position = position(of: buddy, shift: shift) else { break }
            freeBlocks[shift].remove(at: position)
            if freeBlocks[shift].isEmpty { nonEmpty &= ~(1 << UInt64(shift)) }
            block = min(block, buddy)
            shift += 1
        }
        insert(block, shift: shift)
    }

    /// Free bytes available (in blocks of any size).
    public var freeBytes: Int {
        freeBlocks.enumerated().reduce(0) { $0 + $1.element.count << $1.offset }
    }

    private static func shift(covering bytes: Int) -> Int {
        bytes <= 1 ? 0 : Int.bitWidth - (bytes - 1).leadingZeroBitCount
    }

    private func insert(_ address: PhysicalAddress, shift: Int) {
        freeBlocks[shift].insert(address, at: insertionPoint(address, shift: shift))
        nonEmpty |= 1 << UInt64(shift)
    }

    private func position(of address: PhysicalAddress, shift: Int) -> Int? {
        let position = insertionPoint(address, shift: shift)
        return position < freeBlocks[shift].count && freeBlocks[shift][position] == address ? position : nil
    }

    /// The first position in the free list of `shift` (highest first) whose address is not
    /// above `address`. Appending at the end, the common case when freeing, is found first.
    private func insertionPoint(_ address: PhysicalAddress, shift: Int) -> Int {
        let list = freeBlocks[shift]
        if let last = list.last, last > address { return list.count }
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if list[middle] > address { low = middle + 1 } else { high = middle }
        }
        return low
    }
}

/// A deterministic buddy allocator over a physical address range: the default table allocator.
///
/// Blocks are powers of two from 64 bytes up, naturally aligned by physical address, so any
/// alignment up to the block size comes for free. Freed blocks go to a per-size cache first
/// and are reused from there (most recent first, in constant time); only when a request cannot
/// be served otherwise are cached blocks merged back with their buddies. Otherwise it hands out
/// the lowest suitable address. Either way the choice is deterministic, which keeps images
/// reproducible, and `limit` is honoured whenever any block could. Bookkeeping lives outside
/// the managed memory (the memory holds only tables).
///
/// Frees are checked: a side table with one entry per 64-byte unit of the managed range
/// records where each handed-out block starts, its size and the size asked for, so a double
/// free, a free of an address never handed out, or a free with a size other than the one
/// allocated (rounded up to a power of two) stops the program. The side table is indexed, not
/// hashed, and grows only as far as the highest block handed out.
public final class BuddyAllocator: TableAllocator, @unchecked Sendable {
    /// First managed physical address.
    public let base: PhysicalAddress
    /// Managed bytes.
    public let size: Int
    /// Tables currently allocated.
    @exclusivity(unchecked) public private(set) var liveBlocks = 0
    /// Bytes currently allocated (block sizes, including rounding up to a power of two).
    @exclusivity(unchecked) public private(set) var liveBytes = 0
    /// Freed blocks not yet merged, by size (log2), most recent on top.
    /// (Set only once the arguments are valid: a failed init runs no `deinit` to free it.)
    @exclusivity(unchecked) private var cached: BlockStacks
    /// Per 64-byte unit from `base`: 0, or for the start of an allocated block its size (log2)
    /// in the high byte and log2 of the bytes asked for (rounded up) in the low byte.
    @exclusivity(unchecked) private var starts: UnsafeMutablePointer<UInt16>?
    /// Units `starts` covers; units above it start no allocated block.
    @exclusivity(unchecked) private var startsCount = 0

    private static let minimumShift = 6
    /// freeBlocks[shift] holds the addresses of free blocks of 1 << shift bytes, highest first,
    /// so the lowest is taken from the end.
    @exclusivity(unchecked) private var freeBlocks: [[PhysicalAddress]] = Array(repeating: [], count: 64)
    /// Bit n set: freeBlocks[n] is not empty.
    @exclusivity(unchecked) private var nonEmpty: UInt64 = 0

    /// Manages `base ..< base + size`.
    ///
    /// Returns `nil` if `size` is negative or the range runs past the top of the 64-bit
    /// physical address space. An empty range is an allocator that never has memory.
    public init?(base: PhysicalAddress, size: Int) {
        guard size >= 0, base.addingReportingOverflow(UInt64(size)).overflow == false else { return nil }
        self.base = base
        self.size = size
        self.cached = BlockStacks()
        // Carve the range into maximal naturally aligned blocks.
        let granule = UInt64(1) << UInt64(Self.minimumShift)
        let end = base + UInt64(size)
        let (rounded, roundingOverflow) = base.addingReportingOverflow(granule - 1)
        var address = roundingOverflow ? end : rounded & ~(granule - 1)
        while address < end, end - address >= granule {
            var shift = address == 0 ? 62 : min(address.trailingZeroBitCount, 62)
            while end - address < 1 << UInt64(shift) { shift -= 1 }
            insert(address, shift: shift)
            address += 1 << UInt64(shift)
        }
    }

    /// Manages the whole of `arena`.
    public convenience init(arena: PhysicalArena) {
        self.init(base: arena.base, size: arena.size)!  // An arena's range never wraps.
    }

    public func allocate(bytes: Int, alignment: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        guard bytes > 0, alignment > 0 else { return nil }
        // One log2 for both: the covering shift grows with the size.
        let shift = max(Self.shift(covering: max(bytes, alignment)), Self.minimumShift)
        guard shift < 63 else { return nil }
        let askedShift = Self.shift(covering: bytes)
        if let recent = cached.top(shift: shift), recent &+ (1 << UInt64(shift)) &- 1 <= limit {
            // The common case (a table freed earlier): a pop and a record, no call.
            cached.pop(shift: shift)
            return handOut(recent, shift: shift, askedShift: askedShift)
        }
        return allocateUncached(shift: shift, askedShift: askedShift, limit: limit)
    }

    /// A block from the buddy lists, merging the cached blocks first if that is the only way.
    @inline(never)
    private func allocateUncached(shift: Int, askedShift: Int, limit: PhysicalAddress) -> PhysicalAddress? {
        if let address = allocateFromBuddies(shift: shift, limit: limit) {
            return handOut(address, shift: shift, askedShift: askedShift)
        }
        guard cached.total > 0 else { return nil }
        mergeCachedBlocks()
        return allocateFromBuddies(shift: shift, limit: limit).map { handOut($0, shift: shift, askedShift: askedShift) }
    }

    deinit {
        starts?.deallocate()
        cached.deallocate()
    }

    /// Records a block of `1 << shift` bytes, asked for as at most `1 << askedShift`, as
    /// allocated and returns it.
    @inline(__always)
    private func handOut(_ address: PhysicalAddress, shift: Int, askedShift: Int) -> PhysicalAddress {
        let unit = Int(truncatingIfNeeded: (address &- base) >> UInt64(Self.minimumShift))
        if unit >= startsCount { growStarts(covering: unit) }
        starts.unsafelyUnwrapped[unit] = UInt16(truncatingIfNeeded: shift << 8 | askedShift)
        // Cannot wrap: live blocks lie inside the managed range.
        liveBlocks &+= 1
        liveBytes &+= 1 &<< shift
        return address
    }

    /// The lowest free block of `1 << shift` bytes (splitting a larger one) within `limit`.
    private func allocateFromBuddies(shift: Int, limit: PhysicalAddress) -> PhysicalAddress? {
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
        return address
    }

    /// Returns a block. Freeing an address that is not allocated (a double free, or one this
    /// allocator never handed out) or with a size other than the one allocated is a
    /// programming error that would corrupt the allocator: it stops the program with a
    /// message naming the address.
    /// The size check compares powers of two: a size that rounds up to the same power of two as
    /// the one allocated passes.
    public func free(_ address: PhysicalAddress, bytes: Int) {
        let offset = address &- base
        let unit = Int(truncatingIfNeeded: offset >> UInt64(Self.minimumShift))
        guard address >= base, address & ((1 << UInt64(Self.minimumShift)) - 1) == 0, unit < startsCount,
              case let entry = starts.unsafelyUnwrapped[unit], entry != 0 else {
            Self.notAllocated(address)
        }
        guard Int(entry & 0xFF) == Self.shift(covering: bytes) else {
            Self.wrongSize(address, bytes: bytes, allocatedShift: Int(entry & 0xFF))
        }
        starts.unsafelyUnwrapped[unit] = 0
        let shift = Int(entry >> 8)
        // Cannot wrap: the block was counted when handed out.
        liveBlocks &-= 1
        liveBytes &-= 1 &<< shift
        cached.push(address, shift: shift)
    }

    /// Returns every cached block to the buddy lists, merging buddies.
    private func mergeCachedBlocks() {
        for shift in 0..<64 where cached.count(shift: shift) > 0 {
            cached.drain(shift: shift) { release($0, shift: shift) }
        }
    }

    /// Puts a free block back, merged with its buddy while that is free too.
    private func release(_ address: PhysicalAddress, shift: Int) {
        var shift = shift
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
        (freeBlocks.enumerated().map { ($0.element.count, $0.offset) } + (0..<64).map { (cached.count(shift: $0), $0) })
            .reduce(0) { $0 + $1.0 << $1.1 }
    }

    /// Grows `starts` (doubling, zero-filled) to cover `unit`.
    @inline(never)
    private func growStarts(covering unit: Int) {
        let units = Int(truncatingIfNeeded: UInt64(size) >> UInt64(Self.minimumShift))
        let count = min(max(unit + 1, startsCount * 2, 1024), units)
        let grown = UnsafeMutablePointer<UInt16>.allocate(capacity: count)
        grown.initialize(repeating: 0, count: count)
        if let starts {
            grown.update(from: starts, count: startsCount)
            starts.deallocate()
        }
        starts = grown
        startsCount = count
    }

    @inline(never)
    private static func notAllocated(_ address: PhysicalAddress) -> Never {
        preconditionFailure("BuddyAllocator: freeing 0x\(String(address, radix: 16)), which is not allocated "
                            + "(a double free, or an address this allocator never handed out)")
    }

    @inline(never)
    private static func wrongSize(_ address: PhysicalAddress, bytes: Int, allocatedShift: Int) -> Never {
        let allocated = allocatedShift == 0 ? "1 byte" : "\(1 << (allocatedShift - 1) + 1)-\(1 << allocatedShift) bytes"
        preconditionFailure("BuddyAllocator: freeing 0x\(String(address, radix: 16)) as \(bytes) bytes, "
                            + "but it was allocated as \(allocated)")
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

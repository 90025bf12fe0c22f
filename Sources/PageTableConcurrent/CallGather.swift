import PageTable
import Synchronization

/// What one concurrent call must tell the hardware, and the tables it unlinked: kept per call,
/// on the caller's stack, so calls on other threads batch their own changes.
@usableFromInline
struct CallGather {
    @usableFromInline var leafStart: VirtualAddress = .max
    @usableFromInline var leafEnd: VirtualAddress = 0
    @usableFromInline var leafLevels = LevelSet()
    @usableFromInline var walkStart: VirtualAddress = .max
    @usableFromInline var walkEnd: VirtualAddress = 0
    @usableFromInline var walkLevels = LevelSet()
    /// Tables unlinked by this call: freed after its invalidation and a grace period.
    @usableFromInline var unlinked: [(address: PhysicalAddress, bytes: Int)] = []

    @inlinable init() {}

    @inlinable
    mutating func addLeaves(_ start: VirtualAddress, _ end: VirtualAddress, level: Int) {
        leafStart = min(leafStart, start)
        leafEnd = max(leafEnd, end)
        leafLevels.insert(LevelSet(level: level))
    }

    @inlinable
    mutating func addWalks(_ start: VirtualAddress, _ end: VirtualAddress, level: Int) {
        walkStart = min(walkStart, start)
        walkEnd = max(walkEnd, end)
        walkLevels.insert(LevelSet(level: level))
    }
}

extension ConcurrentPageTable {
    /// Ends a call: one invalidation sync for its changes, then -- once no concurrent reader can
    /// still hold a pointer to them -- frees the tables it unlinked.
    @inlinable
    func sync(_ gather: inout CallGather) {
        let leaves = gather.leafStart < gather.leafEnd
        let walks = gather.walkStart < gather.walkEnd
        guard leaves || walks || !gather.unlinked.isEmpty else { return }
        if leaves || walks { syncs.add(1, ordering: .relaxed) }
        // Gathered as table addresses; the hardware invalidates by input address.
        if leaves {
            invalidator.invalidateLeaves(in: geometry.inputAddresses(ofTable: gather.leafStart..<gather.leafEnd),
                                         levels: gather.leafLevels)
        }
        if walks {
            invalidator.invalidateWalks(in: geometry.inputAddresses(ofTable: gather.walkStart..<gather.walkEnd),
                                        levels: gather.walkLevels)
        }
        guard !gather.unlinked.isEmpty else { return }
        grace.synchronize()
        for table in gather.unlinked.reversed() {
            allocator.free(table.address, bytes: table.bytes)
            uncounted(bytes: table.bytes)
        }
    }

    /// Checks an input range: non-empty, page-aligned, inside one part of the geometry's
    /// ``InputRange`` (the walk then uses its table addresses, ``TableGeometry/tableAddress(of:)``).
    @inlinable
    func checkInput(_ start: VirtualAddress, size: UInt64) -> PageTableError? {
        let pageSize = geometry.pageSize
        if size == 0 || size & (pageSize &- 1) != 0 {
            return PageTableError(.misaligned, at: start, "size \(hex(size)) is not a positive multiple of the \(hex(pageSize))-byte page")
        }
        if start & (pageSize &- 1) != 0 {
            return PageTableError(.misaligned, at: start, "address \(hex(start)) is not aligned to the \(hex(pageSize))-byte page")
        }
        if !geometry.contains(inputAddress: start, size: size) {
            let bits = geometry.inputAddressBits
            let space: String
            switch geometry.inputRange {
            case .lower: space = "exceeds the \(bits)-bit input address space"
            case .upper: space = "is not inside the upper \(bits)-bit input range (bits 63:\(bits) all ones)"
            case .signExtended: space = "is not inside one half of the \(bits)-bit canonical (sign-extended) input range"
            }
            return PageTableError(.outOfRange, at: start, "\(hex(start)) + \(hex(size)) " + space)
        }
        return nil
    }

    /// The input address of the table address `address`.
    @inlinable
    func input(_ address: VirtualAddress) -> VirtualAddress { geometry.inputAddress(ofTable: address) }
}

/// `0x`-prefixed lower-case hexadecimal.
@usableFromInline
func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

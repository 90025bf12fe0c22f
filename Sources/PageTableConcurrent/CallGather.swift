import PageTable
import Synchronization

/// What one concurrent call must tell the hardware, and the tables it unlinked: kept per call,
/// on the caller's stack, so calls on other threads batch their own changes.
@usableFromInline
struct CallGather {
    /// The ranges and levels to invalidate.
    @usableFromInline var invalidations = PendingInvalidations()
    /// Tables unlinked by this call: freed after its invalidation and a grace period.
    @usableFromInline var unlinked = SpillList<(address: PhysicalAddress, bytes: Int)>(filler: (0, 0))

    @inlinable init() {}
}

extension ConcurrentPageTable {
    /// Ends a call: one invalidation sync for its changes, then -- once no concurrent reader can
    /// still hold a pointer to them -- frees the tables it unlinked.
    @inlinable
    func sync(_ gather: inout CallGather) {
        if !gather.invalidations.isEmpty {
            syncs.add(1, ordering: .relaxed)
            gather.invalidations.issue(to: invalidator, geometry: geometry)
        }
        guard !gather.unlinked.isEmpty else { return }
        grace.synchronize()
        for table in gather.unlinked.reversed() {
            allocator.free(table.address, bytes: table.bytes)
            uncounted(bytes: table.bytes)
        }
    }

    /// Checks an input range: non-empty, page-aligned, inside one part of the geometry's
    /// `InputRange` (the walk then uses its table addresses, ``TableGeometry/tableAddress(of:)``).
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

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
        guard size != 0, (size | start) & (geometry.pageSize &- 1) == 0,
              geometry.contains(inputAddress: start, size: size) else {
            return RangeCheck.inputError(start, size: size, pageSize: geometry.pageSize,
                                         inputAddressBits: geometry.inputAddressBits, inputRange: geometry.inputRange)
        }
        return nil
    }

    /// Checks an output range for a map of `iova`: page-aligned, inside the output space.
    @inlinable
    func checkOutput(_ start: PhysicalAddress, size: UInt64, iova: VirtualAddress) -> PageTableError? {
        let (end, overflow) = start.addingReportingOverflow(size)
        guard start & (geometry.pageSize &- 1) == 0, !overflow,
              geometry.outputAddressBits >= 64 || end <= geometry.outputLimit else {
            return RangeCheck.outputError(start, size: size, iova: iova, pageSize: geometry.pageSize,
                                          outputAddressBits: geometry.outputAddressBits)
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

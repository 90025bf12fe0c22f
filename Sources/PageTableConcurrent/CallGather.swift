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
            gather.invalidations.issue(to: invalidator)
        }
        guard !gather.unlinked.isEmpty else { return }
        grace.synchronize()
        for table in gather.unlinked.reversed() {
            allocator.free(table.address, bytes: table.bytes)
            uncounted(bytes: table.bytes)
        }
    }

    /// Checks an input range: non-empty, page-aligned, inside the input-address space.
    @inlinable
    func checkInput(_ start: VirtualAddress, size: UInt64) -> PageTableError? {
        let pageSize = geometry.pageSize
        let (end, overflow) = start.addingReportingOverflow(size)
        if size == 0 || size & (pageSize &- 1) != 0 {
            return PageTableError(.misaligned, at: start, "size \(hex(size)) is not a positive multiple of the \(hex(pageSize))-byte page")
        }
        if start & (pageSize &- 1) != 0 {
            return PageTableError(.misaligned, at: start, "address \(hex(start)) is not aligned to the \(hex(pageSize))-byte page")
        }
        if overflow || end > geometry.inputLimit {
            return PageTableError(.outOfRange, at: start,
                                  "\(hex(start)) + \(hex(size)) exceeds the \(geometry.inputAddressBits)-bit input address space")
        }
        return nil
    }
}

/// `0x`-prefixed lower-case hexadecimal.
@usableFromInline
func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

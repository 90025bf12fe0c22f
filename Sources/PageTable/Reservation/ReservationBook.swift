/// Reserved input ranges and the tables they pin.
///
/// A table is pinned once per reservation whose range it intersects; while pinned it is never
/// reclaimed, so maps inside a reservation never allocate and unmaps never free.
@usableFromInline
struct ReservationBook {
    /// Pin counts of pinned tables.
    @usableFromInline var pins: [PhysicalAddress: Int] = [:]
    /// The reservations in the order made (they may overlap or repeat).
    @usableFromInline var reservations: [Reservation] = []
    /// Spare tables held by all reservations (counted as live tables).
    @usableFromInline var spareCount = 0

    /// One reservation: its range, the tables it pinned (so releasing it unpins exactly those),
    /// and spare tables, by level, for parts that a large leaf covered when it was made -- if
    /// that leaf goes, maps there take their tables from here instead of allocating.
    @usableFromInline
    struct Reservation {
        @usableFromInline var range: Range<VirtualAddress>
        @usableFromInline var pinned: [PhysicalAddress]
        @usableFromInline var spares: [[PhysicalAddress]]
    }

    @usableFromInline init() {}

    /// Gives back a spare taken by ``takeSpare(level:for:)`` that ended up unused.
    @usableFromInline
    mutating func returnSpare(_ table: PhysicalAddress, level: Int) {
        for index in reservations.indices {
            guard let position = reservations[index].pinned.lastIndex(of: table) else { continue }
            reservations[index].pinned.remove(at: position)
            reservations[index].spares[level].append(table)
            unpin(table)
            spareCount += 1
            return
        }
    }

    /// A spare table of `level` from a reservation covering `address`, pinned by it.
    @usableFromInline
    mutating func takeSpare(level: Int, for address: VirtualAddress) -> PhysicalAddress? {
        guard spareCount > 0 else { return nil }
        for index in reservations.indices where reservations[index].range.contains(address) {
            guard level < reservations[index].spares.count, let table = reservations[index].spares[level].popLast() else {
                continue
            }
            spareCount -= 1
            reservations[index].pinned.append(table)
            pin(table)
            return table
        }
        return nil
    }

    /// Whether a reservation covering `address` holds a spare table of `level`.
    @usableFromInline
    func hasSpare(level: Int, for address: VirtualAddress) -> Bool {
        spareCount > 0 && reservations.contains {
            $0.range.contains(address) && level < $0.spares.count && !$0.spares[level].isEmpty
        }
    }

    /// Whether `table` is pinned. Cheap when nothing is reserved.
    @inlinable
    func isPinned(_ table: PhysicalAddress) -> Bool { !pins.isEmpty && pins[table] != nil }

    @inlinable
    mutating func pin(_ table: PhysicalAddress) { pins[table, default: 0] += 1 }

    @inlinable
    mutating func unpin(_ table: PhysicalAddress) {
        guard let count = pins[table] else { return }
        pins[table] = count > 1 ? count - 1 : nil
    }
}

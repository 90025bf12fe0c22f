extension PageTable {
    /// Ends the table's life without tearing down its tree, and hands back what the MMU needs:
    /// the root and the register values (``registers``).
    ///
    /// Dropping a ``PageTable/PageTable`` frees every table and invalidates the TLB -- right for a
    /// process's address space, fatal for the tables a kernel is running on. A kernel that
    /// builds its tables once at boot detaches them instead: no invalidation, no table goes
    /// back to the allocator, and the tree stays valid for as long as its memory does. Only
    /// the walker's own bookkeeping is released, and a reservation's unused spare tables go
    /// back to the allocator (the tree never pointed at them).
    ///
    /// A table with an operation in flight cannot be detached (every operation ends with its
    /// sync before returning), so nothing the hardware must be told about is lost.
    public consuming func detach() -> (root: PhysicalAddress, registers: [HardwareRegister]) {
        let result = (root: root, registers: registers)
        for reservation in reservations.reservations {
            for (level, spares) in reservation.spares.enumerated() {
                for spare in spares { allocator.free(spare, bytes: shapes[level].tableBytes) }
            }
        }
        reservations = ReservationBook()
        isDetached = true
        return result
    }
}

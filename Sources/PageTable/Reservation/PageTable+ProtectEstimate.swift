extension PageTable {
    /// The tables ``protect(iova:size:attributes:)`` of `iova ..< iova + size` would allocate
    /// on the table as it is now: only copies of shared tables (copy on write), one for every
    /// reference to a shared table its walk enters. Exact for a protect that succeeds (one
    /// stopped early copies less); nothing on a table without shared tables.
    public func estimateProtect(iova: VirtualAddress, size: UInt64) throws(PageTableError) -> TableEstimate {
        try copyEstimate(iova: iova, size: size, dropsCovered: false)
    }
}

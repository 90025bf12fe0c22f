/// One node met while visiting a table tree, in pre-order: a table, then what it holds.
public enum TreeNode: Hashable, Sendable {
    /// A table.
    case table(TableInfo)
    /// A leaf (a contiguous group is visited once).
    case leaf(Mapping)
}

/// A table met while visiting a tree.
public struct TableInfo: Hashable, Sendable {
    /// Physical address of the table.
    public var address: PhysicalAddress
    /// Its level (0 = leaf-most).
    public var level: Int
    /// The first input address it covers.
    public var virtualAddress: VirtualAddress
    /// Its size in bytes.
    public var bytes: Int
    /// How many table entries point at it (1 unless it is shared; 0 for the top table).
    public var references: Int
    /// Whether this table was already met earlier in the same visit (a shared table reached
    /// again); when visiting without expanding shared tables, its items are not visited again.
    public var isRepeat: Bool

    /// Creates a table description.
    public init(address: PhysicalAddress, level: Int, virtualAddress: VirtualAddress, bytes: Int,
                references: Int = 1, isRepeat: Bool = false) {
        self.address = address
        self.level = level
        self.virtualAddress = virtualAddress
        self.bytes = bytes
        self.references = references
        self.isRepeat = isRepeat
    }
}

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

    /// Creates a table description.
    public init(address: PhysicalAddress, level: Int, virtualAddress: VirtualAddress, bytes: Int) {
        self.address = address
        self.level = level
        self.virtualAddress = virtualAddress
        self.bytes = bytes
    }
}

import PageTableKit

/// A table a catalogue entry built, with the format parameters an exported manifest records
/// (for example `granule`, `stage`, `ias`, `oas`).
public struct BuiltTable {
    /// The table, type-erased.
    public var table: AnyPageTable
    /// Manifest keys describing the format's configuration.
    public var parameters: [String: JSONValue]

    /// Pairs a table with its manifest parameters.
    public init(table: AnyPageTable, parameters: [String: JSONValue]) {
        self.table = table
        self.parameters = parameters
    }
}

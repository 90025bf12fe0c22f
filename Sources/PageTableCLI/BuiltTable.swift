import PageTableKit

/// A table a catalogue entry built, with the format parameters an exported manifest records
/// (for example `granule`, `stage`, `ias`, `oas`).
public struct BuiltTable {
    /// The table, type-erased.
    public var table: AnyPageTable
    /// Manifest keys describing the format's configuration.
    public var parameters: [String: JSONValue]
    /// Fault injection into the table's allocations (`fail-alloc`).
    public var allocationFaults: AllocationFaults
    /// How to take over a table of the same format found in the same memory instead
    /// (`run --image`, `check`); `nil` if the entry cannot load images.
    public var adoption: TableAdoption?

    /// Pairs a table with its manifest parameters and its fault-injection control.
    public init(table: AnyPageTable, parameters: [String: JSONValue], allocationFaults: AllocationFaults) {
        self.table = table
        self.parameters = parameters
        self.allocationFaults = allocationFaults
    }
}

/// Arms and disarms a `FaultInjectingAllocator` whatever allocator it wraps.
public struct AllocationFaults {
    /// Makes the `n`th table allocation from now fail, and every later one.
    public let failAllocations: (_ from: Int) -> Void
    /// Lets allocations succeed again.
    public let stopFailing: () -> Void

    /// Controls `allocator`.
    public init<Base>(_ allocator: FaultInjectingAllocator<Base>) {
        failAllocations = { allocator.failAllocations(from: $0) }
        stopFailing = { allocator.stopFailing() }
    }
}

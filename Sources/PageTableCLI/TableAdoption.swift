import PageTableKit

/// What loading an image needs from a format, captured where the concrete format is known
/// (``FormatEntry/makeTable(_:memory:allocator:parameters:)``): adopting the tree at a root,
/// and reading register values.
public struct TableAdoption {
    /// Adopts the tree whose top table is at the address given, in the memory and with the
    /// allocator of the table this came with; throws every problem found.
    public let adopt: (PhysicalAddress) throws(ImageProblems) -> BuiltTable
    /// What a register value says (`PageTableFormat.reading(_:)`).
    public let reading: (HardwareRegister) -> RegisterReading

    /// Pairs the two.
    public init(adopt: @escaping (PhysicalAddress) throws(ImageProblems) -> BuiltTable,
                reading: @escaping (HardwareRegister) -> RegisterReading) {
        self.adopt = adopt
        self.reading = reading
    }
}

/// What a hardware register value says about a table (see ``PageTableFormat/reading(_:)``).
public enum RegisterReading: Hashable, Sendable {
    /// The register holds the top table's physical address (its other fields, such as an ASID,
    /// do not matter to the table).
    case root(PhysicalAddress)
    /// The register holds no root, and its fields agree with the format's configuration.
    case consistent
    /// A field of the register contradicts the configuration; the sentence names the field,
    /// its value and the configuration it contradicts.
    case contradicts(String)
    /// The format does not know this register.
    case unknown
}

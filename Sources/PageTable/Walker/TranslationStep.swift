/// One level of a hardware walk: the table read, the index into it, the descriptor found
/// there and what the format decodes it as.
public struct TranslationStep: Equatable, Sendable {
    /// The level of the table read (0 = leaf-most).
    public var level: Int
    /// Physical address of the table read.
    public var table: PhysicalAddress
    /// The index of the item read.
    public var index: Int
    /// The descriptor found, widened to 64 bits.
    public var descriptor: UInt64
    /// What the descriptor means.
    public var entry: DecodedEntry

    /// Creates a step.
    public init(level: Int, table: PhysicalAddress, index: Int, descriptor: UInt64, entry: DecodedEntry) {
        self.level = level
        self.table = table
        self.index = index
        self.descriptor = descriptor
        self.entry = entry
    }
}

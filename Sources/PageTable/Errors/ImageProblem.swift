/// One thing wrong with a table image found in memory (see
/// ``PageTable/init(adopting:format:memory:allocator:invalidator:)``): what, and where.
public struct ImageProblem: Hashable, Sendable, CustomStringConvertible {
    /// The kind of problem.
    public var kind: Kind
    /// Physical address of the descriptor at fault, or of the table for problems of a whole
    /// table (``Kind/emptyTable``, ``Kind/overlappingTables``, ``Kind/incompleteSharedTable``).
    public var address: PhysicalAddress
    /// A sentence saying what is wrong, naming the level and the addresses concerned.
    public var message: String

    /// Creates a problem.
    public init(_ kind: Kind, at address: PhysicalAddress, _ message: String) {
        self.kind = kind
        self.address = address
        self.message = message
    }

    /// The problem kinds. Their ``name``s are a contract: `pagetable check` prints them.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        /// A table pointer (or the root) names memory outside the table memory.
        case outsideMemory = "outside-memory"
        /// A table pointer (or the root) is not aligned as the level's tables must be.
        case misalignedTable = "misaligned-table"
        /// A table lies above the highest address the format can point at.
        case aboveTableLimit = "above-table-limit"
        /// A table pointer leads back to a table on its own walk.
        case loop = "loop"
        /// A second pointer to one table, in a format whose tables are never shared (or at
        /// another level than the first).
        case sharedTable = "shared-table"
        /// A shared table is not complete (every item mapped, all the way down): a map could
        /// write into it and show through every entry pointing at it.
        case incompleteSharedTable = "incomplete-shared-table"
        /// Two different tables overlap in memory.
        case overlappingTables = "overlapping-tables"
        /// A non-zero descriptor the format decodes as invalid: a reserved encoding, or a stale
        /// one (the walker only ever writes zero into a slot it empties).
        case reservedEncoding = "reserved-encoding"
        /// A table pointer at the leaf-most level, or a leaf at a level without leaves.
        case wrongLevel = "wrong-level"
        /// A leaf's output address is not aligned to its size.
        case misalignedOutput = "misaligned-output"
        /// A leaf's output range ends beyond the output-address size.
        case outputOutOfRange = "output-out-of-range"
        /// A contiguous group is incomplete, misaligned, or its members differ.
        case brokenGroup = "broken-group"
        /// A table below the top holds nothing (the walker never leaves one linked).
        case emptyTable = "empty-table"

        /// The stable, hyphenated name, for example `outside-memory`.
        public var name: String { rawValue }
    }

    /// `0x<address>: <name>: <message>`.
    public var description: String { "\(hex(address)): \(kind.name): \(message)" }
}

/// Every problem found in a table image, in the order the walk met them (then overlaps).
public struct ImageProblems: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, at least one.
    public var problems: [ImageProblem]

    /// Wraps `problems`.
    public init(_ problems: [ImageProblem]) { self.problems = problems }

    /// One problem per line.
    public var description: String {
        var text = ""
        for problem in problems { text += (text.isEmpty ? "" : "\n") + problem.description }
        return text
    }
}

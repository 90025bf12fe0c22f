/// Why an operation stopped, and where.
///
/// Errors are ordinary values: an operation that fails reports how far it got
/// (``RangeOutcome``) and leaves the table exactly as documented in `docs/semantics.md`.
public struct PageTableError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public var kind: Kind
    /// The input address the failure concerns (for `out-of-range` on an output address,
    /// or `misaligned` on a physical address, the address named in ``message``).
    public var address: UInt64
    /// A sentence naming what was wrong and where.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, at address: UInt64, _ message: String) {
        self.kind = kind
        self.address = address
        self.message = message
    }

    /// The failure kinds. Their ``name``s are a contract: the command line prints them.
    public enum Kind: String, CaseIterable, Hashable, Sendable {
        /// A leaf already maps part of the range; nothing was overwritten.
        case alreadyMapped = "already-mapped"
        /// The range starts or ends inside a larger leaf, which is never split.
        case partialLeaf = "partial-leaf"
        /// The range reaches an address that is not mapped.
        case notMapped = "not-mapped"
        /// An address or size is not a multiple of the smallest page.
        case misaligned = "misaligned"
        /// An address lies outside the input range (beyond the input size, non-canonical, or a
        /// range across the canonical hole; see ``InputRange``) or beyond the output address size.
        case outOfRange = "out-of-range"
        /// No read and no write, or a combination the format cannot express.
        case invalidAttributes = "invalid-attributes"
        /// A table could not be allocated.
        case outOfMemory = "out-of-memory"
        /// The format's hardware does not allow the change asked for (a live leaf's size
        /// changed without break-before-make, see ``PageTableFormat/allowsLeafSizeChangeWithoutBreak``),
        /// or there is nothing to change it into (a smallest page cannot be cut); or a batch
        /// cannot be prepared as asked (``PageTable/prepare(_:)`` of a protect after
        /// operations that may change the shared tables).
        case unsupported = "unsupported"
        /// A collapse found a leaf that does not continue the run before it (another output
        /// or other attributes), so the range cannot become one block.
        case notUniform = "not-uniform"

        /// The stable, hyphenated name, for example `already-mapped`.
        public var name: String { rawValue }
    }

    /// `name: message`.
    public var description: String { "\(kind.name): \(message)" }
}

extension PageTableError {
    @usableFromInline
    static func alreadyMapped(_ address: UInt64) -> Self {
        .init(.alreadyMapped, at: address, "a mapping already exists at \(hex(address))")
    }

    @usableFromInline
    static func notMapped(_ address: UInt64) -> Self {
        .init(.notMapped, at: address, "nothing is mapped at \(hex(address))")
    }

    @usableFromInline
    static func partialLeaf(_ address: UInt64, leafStart: UInt64, leafSize: UInt64) -> Self {
        .init(.partialLeaf, at: address,
              "\(hex(address)) would split the \(hex(leafSize))-byte leaf at \(hex(leafStart))")
    }

    @usableFromInline
    static func outOfMemory(_ address: UInt64, bytes: Int) -> Self {
        .init(.outOfMemory, at: address, "no \(bytes)-byte table could be allocated to map \(hex(address))")
    }
}

/// `0x`-prefixed lower-case hexadecimal.
@usableFromInline
func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

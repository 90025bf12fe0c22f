/// One hardware register value that, loaded into the MMU, makes it walk a table exactly
/// as exported (for example `TTBR0`, `TCR` and `MAIR` for ARM LPAE stage 1).
public struct HardwareRegister: Hashable, Sendable {
    /// The architectural name, for example `TCR`.
    public var name: String
    /// The value to load.
    public var value: UInt64
    /// Which register this is, as a number: code that picks a register (a kernel loading
    /// `TCR`) compares identifiers, never ``name``s -- comparing Strings pulls in the Unicode
    /// tables, tens of kilobytes on bare metal.
    public var id: ID

    /// Creates a register value.
    public init(_ id: ID, name: String, value: UInt64) {
        self.id = id
        self.name = name
        self.value = value
    }

    /// Creates a register value without an identifier (``ID/unidentified``).
    public init(name: String, value: UInt64) {
        self.init(.unidentified, name: name, value: value)
    }

    /// A register's identity. Each format declares its registers' identifiers in an extension
    /// (`HardwareRegister.ID.armTCR`), taking values from its own block: the built-in formats
    /// use `0x0001_0000 ..< 0x8000_0000`, formats in other packages use `0x8000_0000` and up.
    public struct ID: RawRepresentable, Hashable, Sendable {
        public let rawValue: UInt32
        /// Creates an identifier from its number.
        public init(rawValue: UInt32) { self.rawValue = rawValue }
        /// A register its format did not identify.
        public static let unidentified = ID(rawValue: 0)
    }
}

extension Array where Element == HardwareRegister {
    /// The value of the register identified by `id`, or `nil` if there is none.
    public subscript(_ id: HardwareRegister.ID) -> UInt64? {
        for register in self where register.id == id { return register.value }
        return nil
    }
}

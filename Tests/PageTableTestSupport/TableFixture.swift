import PageTable

/// The concrete table type tests use: an arena, the buddy allocator and a recording invalidator.
public typealias TestTable<Format: PageTableFormat> = PageTable<Format, PhysicalArena, BuddyAllocator, RecordingInvalidator>

/// Everything a test needs around one table.
public struct TableFixture {
    /// The table memory.
    public let arena: PhysicalArena
    /// The buddy allocator over ``arena``.
    public let allocator: BuddyAllocator
    /// The invalidator every table of this fixture records its requests in.
    public let invalidator = RecordingInvalidator()

    /// A fixture with an arena at `base` of `size` bytes.
    public init(base: UInt64 = 0x8000_0000, size: Int = 64 << 20) {
        arena = PhysicalArena(base: base, size: size)!
        allocator = BuddyAllocator(arena: arena)
    }

    /// A new empty table of `format` in this fixture's memory.
    public func makeTable<Format: PageTableFormat>(_ format: Format) throws -> TestTable<Format> {
        try PageTable(format: format, memory: arena, allocator: allocator, invalidator: invalidator)
    }
}

import PageTableKit

/// One format the command can build: its name, a one-line summary, its options, and how to
/// build an empty table of it from option values, table memory and an allocator.
///
/// Entries can be declared in any module: a package with a format of its own declares one
/// (ending its builder with ``makeTable(_:memory:allocator:parameters:)``) and adds it to a
/// ``FormatCatalog`` for ``PageTableCommand/main(catalog:arguments:)``.
public struct FormatEntry: Sendable {
    /// How an entry builds its table. Bad option values and configurations the format cannot
    /// express are ``UsageError``s naming the option.
    public typealias Builder = @Sendable (FormatSettings, PhysicalArena, BuddyAllocator) throws(UsageError) -> BuiltTable

    /// The name `--format` selects, for example `arm-lpae-64`.
    public var name: String
    /// One line describing the format.
    public var summary: String
    /// The options this format takes, in the order help lists them.
    public var options: [FormatOption]
    /// Builds an empty table.
    public var build: Builder

    /// Creates a catalogue entry.
    public init(name: String, summary: String, options: [FormatOption], build: @escaping Builder) {
        self.name = name
        self.summary = summary
        self.options = options
        self.build = build
    }

    /// The option named `name` (without dashes), if this format takes it.
    public func option(named name: String) -> FormatOption? { options.first { $0.name == name } }
}

extension FormatEntry {
    /// Creates the offline table of `format` in `memory`, allocating through a fault-injecting
    /// wrapper around `allocator` (for `fail-alloc`), and erases its type: the step every
    /// entry's builder ends with. A table that cannot even allocate its top table is a
    /// ``UsageError`` (the memory given is too small or out of the format's reach). The
    /// result's ``BuiltTable/adoption`` loads images of the same format from `memory`.
    public static func makeTable<Format: PageTableFormat, Allocator: TableAllocator>(
        _ format: Format, memory: PhysicalArena, allocator: Allocator,
        parameters: [String: JSONValue]) throws(UsageError) -> BuiltTable {
        let faulty = FaultInjectingAllocator(allocator)
        do throws(PageTableError) {
            let table = try PageTable(format: format, memory: memory, allocator: faulty,
                                      invalidator: OfflineInvalidator())
            var built = BuiltTable(table: AnyPageTable(table), parameters: parameters,
                                   allocationFaults: AllocationFaults(faulty))
            built.adoption = TableAdoption(
                adopt: { root throws(ImageProblems) in
                    let adopting = FaultInjectingAllocator(allocator)
                    let adopted = try PageTable(adopting: root, format: format, memory: memory, allocator: adopting,
                                                invalidator: OfflineInvalidator())
                    return BuiltTable(table: AnyPageTable(adopted), parameters: parameters,
                                      allocationFaults: AllocationFaults(adopting))
                },
                reading: { format.reading($0) })
            return built
        } catch {
            throw UsageError("cannot create the \(format.name) table in the given memory: \(error)")
        }
    }
}

/// The formats the command knows, in the order `pagetable formats` lists them.
///
/// Adding a format is adding one ``FormatEntry``: option parsing, help, `formats` and the
/// manifest follow from the entry. Built-in formats are entries of ``builtIn``, each in its
/// own `FormatEntry+Name.swift`; a format from another package is added to a catalogue of
/// your own (``adding(_:)``) that your `pagetable` passes to ``PageTableCommand/main(catalog:arguments:)``.
public struct FormatCatalog: Sendable {
    /// The entries, in listing order; names are unique.
    public var entries: [FormatEntry]

    /// A catalogue of `entries`.
    public init(entries: [FormatEntry]) {
        precondition(Set(entries.map(\.name)).count == entries.count, "format names must be unique")
        self.entries = entries
    }

    /// Every built-in format.
    public static let builtIn = FormatCatalog(entries: [.armLPAE64, .armV7Short, .gpuLPAE, .riscv, .x86_64])

    /// This catalogue with `entries` appended (listed after the existing ones). Names must
    /// stay unique.
    public func adding(_ entries: FormatEntry...) -> FormatCatalog {
        FormatCatalog(entries: self.entries + entries)
    }

    /// The entry named `name`.
    public func entry(named name: String) -> FormatEntry? { entries.first { $0.name == name } }

    /// Whether any format takes option `name` (without dashes).
    public func isFormatOption(_ name: String) -> Bool { entries.contains { $0.option(named: name) != nil } }


    /// The formats' names, comma-separated, for diagnostics.
    public var names: String { entries.map(\.name).joined(separator: ", ") }
}

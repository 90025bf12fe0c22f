/// The formats the command knows, in the order `pagetable formats` lists them.
///
/// Adding a format is adding one ``FormatEntry`` (in its own `FormatCatalog+Name.swift`) to
/// ``builtIn``: option parsing, help, `formats` and the manifest follow from the entry.
public struct FormatCatalog: Sendable {
    /// The entries, in listing order; names are unique.
    public var entries: [FormatEntry]

    /// A catalogue of `entries`.
    public init(entries: [FormatEntry]) {
        precondition(Set(entries.map(\.name)).count == entries.count, "format names must be unique")
        self.entries = entries
    }

    /// Every built-in format.
    public static let builtIn = FormatCatalog(entries: [.armLPAE64, .armV7Short, .gpuLPAE])

    /// The entry named `name`.
    public func entry(named name: String) -> FormatEntry? { entries.first { $0.name == name } }

    /// Whether any format takes option `name` (without dashes).
    public func isFormatOption(_ name: String) -> Bool { entries.contains { $0.option(named: name) != nil } }

    /// Whether any format takes option `name` as a switch (without a value).
    public func isFormatSwitch(_ name: String) -> Bool {
        entries.contains { $0.option(named: name)?.takesValue == false }
    }

    /// The formats' names, comma-separated, for diagnostics.
    public var names: String { entries.map(\.name).joined(separator: ", ") }
}

import PageTableCLI
import TeachingMMU

extension FormatEntry {
    /// `teaching-mmu32`: the ``TeachingMMU`` example format, with one option of its own.
    public static let teachingMMU = FormatEntry(
        name: TeachingMMU.formatName,
        summary: "an imaginary 32-bit MMU for learning to add formats: 4K pages, 4M sections",
        options: [
            FormatOption(name: "caches-invalid", valueSyntax: "yes|no", defaultValue: "no",
                         summary: "whether the walker caches empty entries (maps are then invalidated)"),
        ],
        build: { (settings, memory, allocator) throws(UsageError) in
            let cachesInvalid = try settings.choice("caches-invalid", ["yes": true, "no": false])
            guard memory.end <= 1 << 32 else {
                throw UsageError("\(TeachingMMU.formatName) tables hold 32-bit addresses: the memory must end below 4 GiB")
            }
            return try makeTable(TeachingMMU(cachesInvalidEntries: cachesInvalid), memory: memory, allocator: allocator,
                                 parameters: ["caches-invalid": .string(cachesInvalid ? "yes" : "no")])
        })
}

extension FormatCatalog {
    /// The built-in formats and ``FormatEntry/teachingMMU``.
    public static let teaching = FormatCatalog.builtIn.adding(.teachingMMU)
}

import PageTableKit

extension FormatEntry {
    /// `x86-64`: x86-64 4- or 5-level paging (`X86_64`).
    public static let x86_64 = FormatEntry(
        name: X86_64.formatName,
        summary: "x86-64 paging, 4-level (PML4, 48-bit) or 5-level (PML5, LA57, 57-bit)",
        options: [
            FormatOption(name: "levels", valueSyntax: "4|5", defaultValue: "4",
                         summary: "paging levels: 4 (48-bit input) or 5 (57-bit input)"),
            FormatOption(name: "oas", valueSyntax: "N", defaultValue: "52",
                         summary: "output-address size (MAXPHYADDR) in bits"),
            .flag(name: "dirty-tracking", summary: "leaves start with D clear, set by the processor on a write (no shared tables)"),
        ],
        build: { (settings, memory, allocator) throws(UsageError) in
            try settings.refuseDynamicTop(X86_64.formatName, because: "4 -> 5 levels is a CR4.LA57 change, which cannot "
                                          + "be made while paging is on, and the top is sign-extended (see docs/semantics.md)")
            let levels = try settings.choice("levels", ["4": X86_64.Levels.four, "5": .five])
            let outputBits = try settings.integer("oas")
            let format: X86_64
            do throws(X86_64.ConfigurationError) {
                var configuration = X86_64.Configuration(levels: levels, outputAddressBits: outputBits)
                configuration.dirtyTracking = settings.flag("dirty-tracking")
                format = try X86_64(configuration)
            } catch {
                throw UsageError("invalid \(X86_64.formatName) configuration: \(error)")
            }
            var parameters: [String: JSONValue] = ["levels": .integer(Int64(levels.rawValue)), "oas": .integer(Int64(outputBits))]
            if format.tracksDirtyState { parameters["dirtyTracking"] = .string("d-bit") }
            return try makeTable(format, memory: memory, allocator: allocator, parameters: parameters)
        })
}

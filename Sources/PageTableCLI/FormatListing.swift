/// The text of `pagetable formats`: one block per format, blocks separated by a blank line.
///
/// ```
/// arm-lpae-64
///   ARM VMSAv8-64 long-descriptor (LPAE) translation tables, stage 1 or 2
///   --granule 4k|16k|64k  default 4k  translation granule: smallest page and table size
///   ...
/// ```
///
/// The name line is not indented; the summary and one line per option are indented by two
/// spaces; option lines are `--name SYNTAX  default VALUE  summary`.
enum FormatListing {
    /// The listing of every format in `catalog`, ending in a newline.
    static func text(catalog: FormatCatalog) -> String {
        catalog.entries.map { entry in
            ([entry.name, "  " + entry.summary] + optionLines(entry)).joined(separator: "\n") + "\n"
        }.joined(separator: "\n")
    }

    /// One line per option of `entry`, indented by two spaces, columns aligned.
    static func optionLines(_ entry: FormatEntry) -> [String] {
        let syntaxes = entry.options.map { $0.takesValue ? "\($0.flag) \($0.valueSyntax)" : $0.flag }
        let defaults = entry.options.map { "default \($0.defaultValue)" }
        let syntaxWidth = syntaxes.map(\.count).max() ?? 0
        let defaultWidth = defaults.map(\.count).max() ?? 0
        return entry.options.indices.map { index in
            "  " + padded(syntaxes[index], syntaxWidth) + "  " + padded(defaults[index], defaultWidth)
                + "  " + entry.options[index].summary
        }
    }

    private static func padded(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}

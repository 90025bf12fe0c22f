/// How `pagetable bench` prints results: one JSON object per line (`--json`), or an aligned
/// table for people.
///
/// JSON keys, in this order: `case`, `format`, `bytes`, `ops`, `nsPerOp` (median),
/// `minNsPerOp`, `repetitions`, `tables`, `tableBytes`, and `checksum` (a hex string) for cases
/// that compute answers. Programs parse these lines; keys are only ever added.
enum BenchReport {
    /// One result as a single-line JSON object, without a newline.
    static func jsonLine(_ result: BenchResult) -> String {
        var members = [
            ("case", quoted(result.name)),
            ("format", quoted(result.format)),
            ("bytes", String(result.bytes)),
            ("ops", String(result.ops)),
            ("nsPerOp", decimal(result.nanosecondsPerOp)),
            ("minNsPerOp", decimal(result.minimumNanosecondsPerOp)),
            ("repetitions", String(result.repetitions)),
            ("tables", String(result.tables)),
            ("tableBytes", String(result.tableBytes)),
        ]
        if let checksum = result.checksum { members.append(("checksum", quoted(checksum.hexadecimal))) }
        return "{" + members.map { quoted($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    /// The header and rows of the readable table, each line ending in a newline.
    static func table(_ results: [BenchResult]) -> String {
        let header = ["case", "format", "size", "ops", "ns/op", "min ns/op", "tables", "table bytes"]
        let rows = results.map { result in
            [result.name, result.format, ByteCount(result.bytes).description, String(result.ops),
             decimal(result.nanosecondsPerOp), decimal(result.minimumNanosecondsPerOp),
             String(result.tables), String(result.tableBytes)]
        }
        let leftAligned = 2  // Names and formats; numbers are right-aligned.
        var widths = header.map(\.count)
        for row in rows {
            for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            var text = ""
            for (column, cell) in cells.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - cell.count)
                if column > 0 { text += "  " }
                text += column < leftAligned ? cell + padding : padding + cell
            }
            while text.hasSuffix(" ") { text.removeLast() }
            return text + "\n"
        }
        return ([header] + rows).map(line).joined()
    }

    /// `value` with three decimals (`1.482`), as JSON and the table print it.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite, value >= 0 else { return "0.000" }
        let thousandths = UInt64((value * 1000).rounded())
        let fraction = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// A JSON string literal (names here are plain ASCII; quotes and backslashes are escaped).
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for character in text {
            if character == "\"" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result + "\""
    }
}

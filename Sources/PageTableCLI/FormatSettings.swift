/// The values of one format's options for one run: given on the command line, or defaulted.
/// Formats read them in their `build` closure; reading converts and validates a value,
/// naming the option in the ``UsageError`` it throws.
public struct FormatSettings: Hashable, Sendable {
    /// Raw values by option name (without dashes), every option of the format present.
    public private(set) var values: [String: String]
    /// Whether the hardware walker does not snoop CPU caches (`--non-coherent`, every format):
    /// table writes are cleaned, and formats that describe walk cacheability say so.
    public var nonCoherent = false
    /// Whether the table starts small and grows its top as maps need (`--dynamic-top`, every
    /// format's entry reads it): formats whose top cannot grow refuse it (``refuseDynamicTop(_:because:)``).
    public var dynamicTop = false

    /// The settings for `options`, each taking its value from `given` (keyed by option name)
    /// or else its default.
    public init(options: [FormatOption], given: [String: String]) {
        values = Dictionary(uniqueKeysWithValues: options.map { ($0.name, given[$0.name] ?? $0.defaultValue) })
    }

    /// The raw value of option `name` (empty if the format has no such option).
    public func value(_ name: String) -> String { values[name] ?? "" }

    /// The value of option `name` as one of `choices` (matched case-insensitively).
    public func choice<Value>(_ name: String, _ choices: KeyValuePairs<String, Value>) throws(UsageError) -> Value {
        let raw = value(name)
        guard let match = choices.first(where: { $0.key.lowercased() == raw.lowercased() }) else {
            let allowed = choices.map(\.key).joined(separator: ", ")
            throw UsageError("bad value '\(QuotedToken.text(raw))' for --\(name) (expected one of: \(allowed))")
        }
        return match.value
    }

    /// Whether flag `name` (a ``FormatOption/flag(name:summary:)``) was given.
    public func flag(_ name: String) -> Bool { value(name) == "on" }

    /// Throws the `--dynamic-top` refusal of format `name` when the option was given.
    public func refuseDynamicTop(_ name: String, because reason: String) throws(UsageError) {
        guard dynamicTop else { return }
        throw UsageError("--dynamic-top does not apply to format '\(name)': \(reason)")
    }

    /// The value of option `name` as an integer (decimal or `0x` hex).
    public func integer(_ name: String) throws(UsageError) -> Int {
        let raw = value(name)
        guard let number = try? NumberParser.parse(raw), let integer = Int(exactly: number) else {
            throw UsageError("bad value '\(QuotedToken.text(raw))' for --\(name) (expected a number)")
        }
        return integer
    }
}

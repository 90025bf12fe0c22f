/// One option a format takes on the `run` command line, always as `--name VALUE`.
public struct FormatOption: Hashable, Sendable {
    /// The option's name without dashes, for example `granule`.
    public var name: String
    /// The value syntax shown in help, for example `4k|16k|64k` or `N`.
    public var valueSyntax: String
    /// The value used when the option is not given, as it would be written.
    public var defaultValue: String
    /// What the option selects, in a few words.
    public var summary: String

    /// Creates an option description.
    public init(name: String, valueSyntax: String, defaultValue: String, summary: String) {
        self.name = name
        self.valueSyntax = valueSyntax
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// `--name`.
    public var flag: String { "--" + name }
}

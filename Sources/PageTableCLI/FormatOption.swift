/// One option a format takes on the `run` command line: `--name VALUE`, or a switch `--name`
/// that takes no value (``takesValue`` false; its value is `on` when given, `off` otherwise).
public struct FormatOption: Hashable, Sendable {
    /// The option's name without dashes, for example `granule`.
    public var name: String
    /// The value syntax shown in help, for example `4k|16k|64k` or `N`.
    public var valueSyntax: String
    /// The value used when the option is not given, as it would be written.
    public var defaultValue: String
    /// What the option selects, in a few words.
    public var summary: String
    /// Whether the option is followed by a value; a switch is not.
    public var takesValue = true

    /// Creates an option description.
    public init(name: String, valueSyntax: String, defaultValue: String, summary: String) {
        self.name = name
        self.valueSyntax = valueSyntax
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// A switch: `--name` alone turns it `on`; its default is `off`.
    public init(switch name: String, summary: String) {
        self.init(name: name, valueSyntax: "", defaultValue: "off", summary: summary)
        takesValue = false
    }

    /// `--name`.
    public var flag: String { "--" + name }
}

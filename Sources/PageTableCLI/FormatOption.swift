/// One option a format takes on the `run` command line: `--name VALUE`, or a bare `--name`
/// for a flag (``takesValue`` false), whose value is `on` when given and `off` otherwise.
public struct FormatOption: Hashable, Sendable {
    /// The option's name without dashes, for example `granule`.
    public var name: String
    /// The value syntax shown in help, for example `4k|16k|64k` or `N`.
    public var valueSyntax: String
    /// The value used when the option is not given, as it would be written.
    public var defaultValue: String
    /// What the option selects, in a few words.
    public var summary: String
    /// Whether the option is written `--name VALUE` (`true`) or is a bare flag.
    public var takesValue: Bool

    /// Creates an option description.
    public init(name: String, valueSyntax: String, defaultValue: String, summary: String) {
        self.name = name
        self.valueSyntax = valueSyntax
        self.defaultValue = defaultValue
        self.summary = summary
        self.takesValue = true
    }

    /// A bare flag `--name`: `on` when given, `off` by default.
    public static func flag(name: String, summary: String) -> FormatOption {
        var option = FormatOption(name: name, valueSyntax: "", defaultValue: "off", summary: summary)
        option.takesValue = false
        return option
    }

    /// `--name`.
    public var flag: String { "--" + name }

    /// How help shows the option: `--name SYNTAX`, or `--name` for a flag.
    public var synopsis: String { takesValue ? flag + " " + valueSyntax : flag }
}

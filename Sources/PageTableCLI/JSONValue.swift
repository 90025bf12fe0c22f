/// The little JSON the manifest needs: strings, integers and objects, rendered with sorted
/// keys and two-space indentation so that identical tables give identical files.
public enum JSONValue: Hashable, Sendable {
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int64)
    /// An object; keys are rendered in sorted order.
    case object([String: JSONValue])

    /// The pretty-printed text, without a trailing newline.
    public var rendered: String { rendered(indent: "") }

    private func rendered(indent: String) -> String {
        switch self {
        case .string(let text):
            return Self.quoted(text)
        case .integer(let number):
            return String(number)
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            let inner = indent + "  "
            let body = members.sorted { $0.key < $1.key }
                .map { inner + Self.quoted($0.key) + ": " + $0.value.rendered(indent: inner) }
                .joined(separator: ",\n")
            return "{\n" + body + "\n" + indent + "}"
        }
    }

    /// `text` as a JSON string literal.
    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

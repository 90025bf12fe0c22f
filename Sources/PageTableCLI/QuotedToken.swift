/// How diagnostics show what the user typed: printable ASCII as it is, a backslash doubled,
/// every other byte (control bytes, non-ASCII) as `\xNN`, and a token longer than
/// ``limit`` bytes cut there, with its full length: `aaaa... (10485760 bytes)`. A message
/// then stays one short, harmless line whatever the input.
enum QuotedToken {
    /// The most bytes of a token a diagnostic shows.
    static let limit = 40
    /// The most bytes of a file path a diagnostic shows.
    static let pathLimit = 256

    /// The shown form of the UTF-8 bytes `token`, cut after `limit` bytes.
    static func text(_ token: some Collection<UInt8>, limit: Int = limit) -> String {
        var shown = ""
        for byte in token.prefix(limit) {
            switch byte {
            case UInt8(ascii: "\\"): shown += "\\\\"
            case 0x20...0x7E: shown.unicodeScalars.append(Unicode.Scalar(byte))
            default: shown += "\\x" + hexDigits(byte)
            }
        }
        if token.count > limit { shown += "... (\(token.count) bytes)" }
        return shown
    }

    /// The shown form of `token`, cut after `limit` bytes.
    static func text(_ token: String, limit: Int = limit) -> String { text(Array(token.utf8), limit: limit) }

    /// `message` with control characters escaped as `\xNN`: the last line of defence for
    /// messages built from raw input.
    static func escapingControls(_ message: String) -> String {
        guard message.unicodeScalars.contains(where: isControl) else { return message }
        var shown = ""
        for scalar in message.unicodeScalars {
            if isControl(scalar) { shown += "\\x" + hexDigits(UInt8(scalar.value)) } else { shown.unicodeScalars.append(scalar) }
        }
        return shown
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool { scalar.value < 0x20 || scalar.value == 0x7F }

    private static func hexDigits(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef".unicodeScalars)
        return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }
}

/// Parses the numbers of scripts and option values: `0x` hexadecimal or decimal, with an
/// optional binary suffix `K`, `M`, `G` or `T` (2^10 ... 2^40, either case).
///
/// `4096`, `0x1000`, `4K` and `0x4k` are all 4096. Signs, empty digit strings (`0x`, `K`),
/// other characters (`12Q`) and values beyond `UInt64.max` are refused.
enum NumberParser {
    /// Why a token is not a number.
    enum Failure: Error, Hashable {
        /// Not of the number syntax.
        case malformed
        /// Well formed, but larger than `UInt64.max`.
        case tooLarge
    }

    /// The value of `token`.
    static func parse(_ token: some StringProtocol) throws(Failure) -> UInt64 {
        try parse(bytes: Array(token.utf8)[...])
    }

    /// The value of the UTF-8 token `bytes`.
    static func parse(bytes token: ArraySlice<UInt8>) throws(Failure) -> UInt64 {
        var digits = token
        var shift: UInt64 = 0
        if let last = digits.last, let suffixShift = suffixShift(last) {
            shift = suffixShift
            digits = digits.dropLast()
        }
        var radix: UInt64 = 10
        if digits.count >= 2, digits[digits.startIndex] == UInt8(ascii: "0"),
           digits[digits.startIndex + 1] | 0x20 == UInt8(ascii: "x") {
            radix = 16
            digits = digits.dropFirst(2)
        }
        guard !digits.isEmpty else { throw .malformed }
        var value: UInt64 = 0
        for byte in digits {
            guard let digit = digitValue(byte), digit < radix else { throw .malformed }
            let (scaled, scaleOverflow) = value.multipliedReportingOverflow(by: radix)
            let (sum, addOverflow) = scaled.addingReportingOverflow(digit)
            guard !scaleOverflow, !addOverflow else { throw .tooLarge }
            value = sum
        }
        guard value <= UInt64.max >> shift else { throw .tooLarge }
        return value << shift
    }

    /// The value of an ASCII hexadecimal digit.
    private static func digitValue(_ byte: UInt8) -> UInt64? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt64(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt64(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    /// log2 of the multiplier a suffix letter stands for, or `nil` if it is not a suffix.
    private static func suffixShift(_ letter: UInt8) -> UInt64? {
        switch letter | 0x20 {  // ASCII lower case
        case UInt8(ascii: "k"): 10
        case UInt8(ascii: "m"): 20
        case UInt8(ascii: "g"): 30
        case UInt8(ascii: "t"): 40
        default: nil
        }
    }
}

extension NumberParser {
    /// The diagnostic for a token that is not a number: `bad number '12Q'`, with the reason
    /// appended when the token is well formed but too large.
    static func problem(_ token: some StringProtocol, _ failure: Failure) -> String {
        switch failure {
        case .malformed: "bad number '\(token)'"
        case .tooLarge: "bad number '\(token)': too large for 64 bits"
        }
    }
}

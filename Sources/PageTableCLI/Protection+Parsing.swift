extension Protection {
    /// Parses a PROT operand (UTF-8); throws the problem as a phrase for a script diagnostic.
    init(parsing token: ArraySlice<UInt8>) throws(ScriptProblem) {
        self.init()
        guard !token.elementsEqual("-".utf8) else { return }  // `-`: no letters
        for byte in token {
            switch byte {
            case UInt8(ascii: "r"): access.insert(.read)
            case UInt8(ascii: "w"): access.insert(.write)
            case UInt8(ascii: "x"): access.insert(.execute)
            case UInt8(ascii: "c"): cacheable = true
            case UInt8(ascii: "d"): device = true
            case UInt8(ascii: "p"): privileged = true
            default:
                let text = QuotedToken.text(token)
                let letter = QuotedToken.text(token.drop { Self.isLetter($0) }.prefix(1))
                throw ScriptProblem("bad protection '\(text)': unknown letter '\(letter)' (use r w x c d p, or -)")
            }
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool { "rwxcdp".utf8.contains(byte) }
}

import PageTableKit

/// Parses a whole script before anything runs.
///
/// One operation per line; `#` starts a comment anywhere on a line; blank lines are ignored;
/// tokens are separated by spaces and tabs (a carriage return before the newline is ignored).
///
/// ```
/// map IOVA PA SIZE PROT     # e.g. map 0x1000 0x40001000 4K rw
/// unmap IOVA SIZE
/// translate IOVA
/// walk IOVA                 # the walk explained: each level's table, index, descriptor
/// map-all IOVA PA SIZE PROT # all or nothing
/// fail-alloc N | off        # fault injection: the Nth table allocation from here fails
/// reserve IOVA SIZE         # populate and pin the tables of a range
/// release IOVA SIZE
/// estimate IOVA SIZE [PA]   # tables a map would allocate now (without PA: of smallest pages)
/// estimate-reserve IOVA SIZE # tables a reservation would allocate now
/// repeat IOVA PA PAGESIZE SIZE PROT  # every page of the range maps the one page at PA
/// map-list IOVA PROT PA:SIZE PA:SIZE ...  # a page list to consecutive addresses, one call
/// protect IOVA SIZE PROT    # new attributes for the range's leaves, same translation
/// cut IOVA                  # the leaf holding IOVA split into the next smaller leaves
/// dirty IOVA SIZE           # read and clear the range's dirty state
/// hw-write IOVA             # the hardware's dirty update on a write to IOVA
/// collapse IOVA SIZE        # the uniform table under the range made one block again
/// top                       # the current top: levels, input bits, root (--dynamic-top grows it)
/// ```
///
/// The parser works on UTF-8 bytes: scripts are ASCII, and a byte-level scan keeps long
/// generated scripts cheap. Anything else in a token makes it malformed.
enum ScriptParser {
    /// The operations of `text`, in order, or every malformed line.
    static func parse(_ text: String) throws(ScriptErrors) -> [ScriptOperation] {
        try parse(bytes: Array(text.utf8))
    }

    /// The operations of the UTF-8 script `bytes`, in order, or every malformed line.
    static func parse(bytes: [UInt8]) throws(ScriptErrors) -> [ScriptOperation] {
        try parseNumbered(bytes: bytes).map(\.operation)
    }

    /// The operations of the UTF-8 script `bytes` with their 1-based line numbers, in order,
    /// or every malformed line.
    static func parseNumbered(bytes: [UInt8]) throws(ScriptErrors) -> [(line: Int, operation: ScriptOperation)] {
        var operations: [(line: Int, operation: ScriptOperation)] = []
        var errors: [ScriptError] = []
        for (index, line) in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            do throws(ScriptProblem) {
                if let operation = try parse(line: line) { operations.append((index + 1, operation)) }
            } catch {
                errors.append(ScriptError(line: index + 1, problem: error.text))
            }
        }
        guard errors.isEmpty else { throw ScriptErrors(errors: errors) }
        return operations
    }

    /// The operation on one line (without its newline), or `nil` for a blank or comment-only line.
    static func parse(line: ArraySlice<UInt8>) throws(ScriptProblem) -> ScriptOperation? {
        let code = line.prefix { $0 != UInt8(ascii: "#") }
        let tokens = code.split { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }
        guard let name = tokens.first else { return nil }
        let operands = tokens.dropFirst()
        if name.elementsEqual("map".utf8) || name.elementsEqual("map-all".utf8) {
            let all = name.count == "map-all".utf8.count
            try expect(operands, count: 4, for: all ? "map-all" : "map", syntax: "IOVA PA SIZE PROT")
            let values = Array(operands)
            let (iova, physicalAddress, size) = (try number(values[0]), try number(values[1]), try number(values[2]))
            let protection = try Protection(parsing: values[3])
            return all ? .mapAll(iova: iova, physicalAddress: physicalAddress, size: size, protection: protection)
                : .map(iova: iova, physicalAddress: physicalAddress, size: size, protection: protection)
        }
        if name.elementsEqual("repeat".utf8) {
            try expect(operands, count: 5, for: "repeat", syntax: "IOVA PA PAGESIZE SIZE PROT")
            let values = Array(operands)
            let (iova, physicalAddress) = (try number(values[0]), try number(values[1]))
            let (pageSize, size) = (try number(values[2]), try number(values[3]))
            return .mapRepeat(iova: iova, physicalAddress: physicalAddress, pageSize: pageSize, size: size,
                              protection: try Protection(parsing: values[4]))
        }
        if name.elementsEqual("map-list".utf8) {
            guard operands.count >= 3 else {
                throw ScriptProblem("'map-list' takes at least 3 operands (map-list IOVA PROT PA:SIZE ...), got \(operands.count)")
            }
            let values = Array(operands)
            let iova = try number(values[0])
            let protection = try Protection(parsing: values[1])
            var pages: [PageExtent] = []
            for value in values[2...] {
                guard let colon = value.firstIndex(of: UInt8(ascii: ":")) else {
                    throw ScriptProblem("'map-list' extents are PA:SIZE, got '\(text(value))'")
                }
                pages.append(PageExtent(physicalAddress: try number(value[..<colon]),
                                        length: try number(value[(colon + 1)...])))
            }
            return .mapList(iova: iova, protection: protection, pages: pages)
        }
        if name.elementsEqual("protect".utf8) {
            try expect(operands, count: 3, for: "protect", syntax: "IOVA SIZE PROT")
            let values = Array(operands)
            return .protect(iova: try number(values[0]), size: try number(values[1]),
                            protection: try Protection(parsing: values[2]))
        }
        if name.elementsEqual("fail-alloc".utf8) {
            try expect(operands, count: 1, for: "fail-alloc", syntax: "N|off")
            let operand = operands[operands.startIndex]
            if operand.elementsEqual("off".utf8) { return .stopFailingAllocations }
            let n = try number(operand)
            guard n >= 1, n <= UInt64(Int.max) else {
                throw ScriptProblem("'fail-alloc' counts allocations from 1, got '\(text(operand))'")
            }
            return .failAllocations(from: Int(n))
        }
        if name.elementsEqual("estimate".utf8) && operands.count != 2 && operands.count != 3 {
            throw ScriptProblem("'estimate' takes 2 or 3 operands (estimate IOVA SIZE [PA]), got \(operands.count)")
        }
        if name.elementsEqual("estimate".utf8) && operands.count == 3 {
            let values = Array(operands)
            return .estimate(iova: try number(values[0]), size: try number(values[1]),
                             physicalAddress: try number(values[2]))
        }
        for (word, make) in rangeOperations where name.elementsEqual(word.utf8) {
            try expect(operands, count: 2, for: word, syntax: "IOVA SIZE")
            let values = Array(operands)
            return make(try number(values[0]), try number(values[1]))
        }
        if name.elementsEqual("translate".utf8) || name.elementsEqual("walk".utf8) {
            let word = name.count == "walk".utf8.count ? "walk" : "translate"
            try expect(operands, count: 1, for: word, syntax: "IOVA")
            let iova = try number(operands[operands.startIndex])
            return word == "walk" ? .walk(iova: iova) : .translate(iova: iova)
        }
        if name.elementsEqual("cut".utf8) {
            try expect(operands, count: 1, for: "cut", syntax: "IOVA")
            return .cut(iova: try number(operands[operands.startIndex]))
        }
        if name.elementsEqual("hw-write".utf8) {
            try expect(operands, count: 1, for: "hw-write", syntax: "IOVA")
            return .hardwareWrite(iova: try number(operands[operands.startIndex]))
        }
        if name.elementsEqual("top".utf8) {
            try expect(operands, count: 0, for: "top", syntax: "")
            return .top
        }
        throw ScriptProblem("unknown operation '\(text(name))' (use map, map-all, map-list, unmap, protect, cut, collapse, dirty, hw-write, translate, walk, repeat, fail-alloc, reserve, release, estimate, estimate-reserve or top)")
    }

    /// The operations that take `IOVA SIZE`.
    private static let rangeOperations: [(String, @Sendable (UInt64, UInt64) -> ScriptOperation)] = [
        ("unmap", { .unmap(iova: $0, size: $1) }),
        ("dirty", { .dirty(iova: $0, size: $1) }),
        ("reserve", { .reserve(iova: $0, size: $1) }),
        ("release", { .release(iova: $0, size: $1) }),
        ("estimate", { .estimate(iova: $0, size: $1, physicalAddress: nil) }),
        ("estimate-reserve", { .estimateReserve(iova: $0, size: $1) }),
        ("collapse", { .collapse(iova: $0, size: $1) }),
    ]

    private static func expect(_ operands: ArraySlice<ArraySlice<UInt8>>, count: Int, for name: String,
                               syntax: String) throws(ScriptProblem) {
        guard operands.count == count else {
            let noun = count == 1 ? "operand" : "operands"
            throw ScriptProblem("'\(name)' takes \(count) \(noun) (\(name) \(syntax)), got \(operands.count)")
        }
    }

    private static func number(_ token: ArraySlice<UInt8>) throws(ScriptProblem) -> UInt64 {
        do throws(NumberParser.Failure) {
            return try NumberParser.parse(bytes: token)
        } catch {
            throw ScriptProblem(NumberParser.problem(text(token), error))
        }
    }

    /// A token as a diagnostic shows it: escaped and cut (``QuotedToken``).
    private static func text(_ token: ArraySlice<UInt8>) -> String { QuotedToken.text(token) }
}

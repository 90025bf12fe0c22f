import Testing
@testable import PageTableCLI

/// The number syntax, unit by unit.
@Suite struct NumberParserTests {
    @Test func decimalAndHexadecimal() throws {
        #expect(try NumberParser.parse("0") == 0)
        #expect(try NumberParser.parse("4096") == 4096)
        #expect(try NumberParser.parse("0x1000") == 4096)
        #expect(try NumberParser.parse("0XaBcD") == 0xabcd)
        #expect(try NumberParser.parse("007") == 7)
    }

    @Test func suffixesAreBinaryAndCaseInsensitive() throws {
        #expect(try NumberParser.parse("1K") == 1 << 10)
        #expect(try NumberParser.parse("1k") == 1 << 10)
        #expect(try NumberParser.parse("3M") == 3 << 20)
        #expect(try NumberParser.parse("2g") == 2 << 30)
        #expect(try NumberParser.parse("5T") == 5 << 40)
        #expect(try NumberParser.parse("0x10m") == 16 << 20)
    }

    @Test func boundaries() throws {
        #expect(try NumberParser.parse("18446744073709551615") == .max)
        #expect(try NumberParser.parse("0xffffffffffffffff") == .max)
        #expect(try NumberParser.parse("16777215T") == 16_777_215 << 40)
        #expect(throws: NumberParser.Failure.tooLarge) { try NumberParser.parse("18446744073709551616") }
        #expect(throws: NumberParser.Failure.tooLarge) { try NumberParser.parse("0x1ffffffffffffffff") }
        #expect(throws: NumberParser.Failure.tooLarge) { try NumberParser.parse("16777216T") }
        #expect(throws: NumberParser.Failure.tooLarge) { try NumberParser.parse("0x8000000000000000K") }
    }

    @Test(arguments: ["", "0x", "0X", "K", "x10", "-1", "+1", "12Q", "1KB", "1 K", "0x-1", "1_000", "١٢"])
    func garbageIsMalformed(token: String) {
        #expect(throws: NumberParser.Failure.malformed) { try NumberParser.parse(token) }
    }
}

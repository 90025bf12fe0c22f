import Foundation
import Testing

/// Script syntax: comments, blank lines, separators, numbers and PROT; malformed scripts.
@Suite struct ScriptSyntaxTests {
    @Test func commentsAndBlankLinesAreIgnored() {
        let script = """
            # a comment line

               \t
            map 0 0x40000000 4K rw# a comment touching the operand
            translate 0x10 # trailing comment
              # indented comment
            translate 0x20#
            """
        #expect(answers(script) == ["mapped 4096", "0x40000010", "0x40000020"])
    }

    @Test func tokensAreSeparatedBySpacesAndTabs() {
        #expect(answers("map\t0   0x40000000\t \t4K\trw\ntranslate\t\t0x10\r\n") == ["mapped 4096", "0x40000010"])
    }

    @Test func windowsLineEndingsAreAccepted() {
        #expect(answers("map 0 0x40000000 4K rw\r\n\r\ntranslate 0x10\r\nfoo 1\r\n").first == "status 2: script:4: unknown operation 'foo' (use map, map-all, map-list, unmap, protect, cut, collapse, dirty, hw-write, translate, walk, repeat, fail-alloc, reserve, release, estimate, estimate-reserve or top)\n")
        #expect(answers("map 0 0x40000000 4K rw # c\r\n\r\ntranslate 0x10\r\n") == ["mapped 4096", "0x40000010"])
    }

    @Test func anEmptyScriptAnswersNothing() {
        let result = runScript("# nothing\n\n")
        #expect(result.status == 0)
        #expect(result.output.isEmpty)
        #expect(result.error.isEmpty)
    }

    @Test func numbersAreDecimalOrHexWithBinarySuffixes() {
        let script = """
            map 4096 0X40001000 4k rw
            map 0x8K 1073750016 0x1000 rw
            map 12K 0x40003000 4096 rw
            map 1m 0x40100000 1M rw
            map 1G 1g 0x40000000 rw
            map 0x1T 0x1t 2m rw
            translate 0x1000
            translate 0x2000
            translate 0x3000
            translate 0x100000
            translate 1073741824
            translate 0x10000000000
            """
        #expect(answers(script) == ["mapped 4096", "mapped 4096", "mapped 4096", "mapped 1048576",
                                    "mapped 1073741824", "mapped 2097152",
                                    "0x40001000", "0x40002000", "0x40003000", "0x40100000", "0x40000000",
                                    "0x10000000000"])
    }

    @Test func theLargestNumbersAreAccepted() {
        #expect(answers("translate 0xffffffffffffffff\ntranslate 18446744073709551615\ntranslate 16777215T")
                == ["unmapped", "unmapped", "unmapped"])
    }

    @Test(arguments: [
        ("12Q", "bad number '12Q'"),
        ("0x", "bad number '0x'"),
        ("-1", "bad number '-1'"),
        ("+1", "bad number '+1'"),
        ("K", "bad number 'K'"),
        ("0xg", "bad number '0xg'"),
        ("1KK", "bad number '1KK'"),
        ("1.5", "bad number '1.5'"),
        ("0x10000000000000000", "bad number '0x10000000000000000': too large for 64 bits"),
        ("18446744073709551616", "bad number '18446744073709551616': too large for 64 bits"),
        ("16777216T", "bad number '16777216T': too large for 64 bits"),
    ])
    func badNumbersAreScriptErrors(token: String, message: String) {
        let result = runScript("translate 0\n# line 2\ntranslate \(token)\n")
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error == "script:3: \(message)\n")
    }

    @Test func badNumbersInEveryOperandPosition() {
        for line in ["map 1Q 0 4K rw", "map 0 1Q 4K rw", "map 0 0 1Q rw", "unmap 1Q 4K", "unmap 0 1Q", "translate 1Q"] {
            let result = runScript(line)
            #expect(result.status == 2, "\(line)")
            #expect(result.error == "script:1: bad number '1Q'\n", "\(line)")
        }
    }

    @Test func protectionLettersAreFromRWXCDP() {
        #expect(answers("map 0 0 4K rrwwp\nmap 0x1000 0 4K pwr\nmap 0x2000 0 4K rc")
                == ["mapped 4096", "mapped 4096", "mapped 4096"])
        for protection in ["rz", "RW", "r-", "rw!"] {
            let result = runScript("map 0 0 4K \(protection)")
            #expect(result.status == 2, "\(protection)")
            #expect(result.output.isEmpty)
            #expect(result.error.hasPrefix("script:1: bad protection '\(protection)'"), "\(protection)")
        }
    }

    @Test func unknownOperationsAreScriptErrors() {
        let result = runScript("translate 0\nmmap 0 0 4K rw\n")
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error == "script:2: unknown operation 'mmap' (use map, map-all, map-list, unmap, protect, cut, collapse, dirty, hw-write, translate, walk, repeat, fail-alloc, reserve, release, estimate, estimate-reserve or top)\n")
        #expect(runScript("MAP 0 0 4K rw").error.hasPrefix("script:1: unknown operation 'MAP'"))
    }

    @Test(arguments: [
        ("map 0 0 4K", "script:1: 'map' takes 4 operands (map IOVA PA SIZE PROT), got 3"),
        ("map 0 0 4K rw rw", "script:1: 'map' takes 4 operands (map IOVA PA SIZE PROT), got 5"),
        ("unmap 0", "script:1: 'unmap' takes 2 operands (unmap IOVA SIZE), got 1"),
        ("unmap 0 4K 4K", "script:1: 'unmap' takes 2 operands (unmap IOVA SIZE), got 3"),
        ("translate", "script:1: 'translate' takes 1 operand (translate IOVA), got 0"),
        ("translate 0 0 # comment", "script:1: 'translate' takes 1 operand (translate IOVA), got 2"),
    ])
    func wrongOperandCountsAreScriptErrors(line: String, message: String) {
        let result = runScript(line)
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error == message + "\n")
    }

    @Test func everyMalformedLineIsReportedAndNothingRuns() {
        let script = "map 0 0x40000000 4K rw\nfoo\ntranslate 0\nunmap 0 12Q\n"
        let result = runScript(script, ["--stats", "--dump"])
        #expect(result.status == 2)
        #expect(result.output.isEmpty)
        #expect(result.error == "script:2: unknown operation 'foo' (use map, map-all, map-list, unmap, protect, cut, collapse, dirty, hw-write, translate, walk, repeat, fail-alloc, reserve, release, estimate, estimate-reserve or top)\n"
            + "script:4: bad number '12Q'\n")
    }

    @Test func aMalformedScriptExportsNothing() {
        withTemporaryDirectory { directory in
            let target = directory.appendingPathComponent("image")
            let result = runScript("map 0 0 4K rw\nbogus\n", ["--export", target.path])
            #expect(result.status == 2)
            #expect(!FileManager.default.fileExists(atPath: target.path))
        }
    }

    @Test func scriptsAreReadFromFiles() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("script.pt")
            try "map 0 0x40000000 4K rw\ntranslate 0x123\n".write(to: file, atomically: true, encoding: .utf8)
            let result = pagetable(["run", "--format", "arm-lpae-64", file.path], input: "translate 0")
            #expect(result.status == 0)
            #expect(result.lines == ["mapped 4096", "0x40000123"])
        }
    }

    @Test func aDashReadsStandardInput() {
        let result = pagetable(["run", "-", "--format", "arm-lpae-64"], input: "map 0 0x40000000 4K rw\ntranslate 0x1")
        #expect(result.status == 0)
        #expect(result.lines == ["mapped 4096", "0x40000001"])
        #expect(result.error.isEmpty)
    }
}

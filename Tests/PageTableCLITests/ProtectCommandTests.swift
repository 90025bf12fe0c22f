import Testing

/// `protect IOVA SIZE PROT`: new attributes for whole leaves, the same translations; answers
/// `protected <bytes>[ error <name>]`.
@Suite struct ProtectCommandTests {
    @Test func protectKeepsTranslationsAndAnswersTheBytes() {
        let script = """
            map 0x200000 0x40200000 2M rw
            map 0x400000 0x50000000 8K rw
            protect 0x200000 0x202000 r
            translate 0x3fffff
            translate 0x401000
            """
        #expect(answers(script) == ["mapped 2097152", "mapped 8192", "protected 2105344", "0x403fffff", "0x50001000"])
    }

    @Test func aHoleOrAPartialLeafStopsItExactly() {
        let script = """
            map 0 0x40000000 8K rw
            protect 0 16K r
            map 0x200000 0x40200000 2M rw
            protect 0x1000 0x201000 r
            protect 0x200000 4K r
            protect 0x1000 4K -
            protect 0x1800 4K r
            protect 0xfffffffff000 8K r
            """
        #expect(answers(script) == ["mapped 8192", "protected 8192 error not-mapped", "mapped 2097152",
                                    "protected 4096 error not-mapped", "protected 0 error partial-leaf",
                                    "protected 0 error invalid-attributes", "protected 0 error misaligned",
                                    "protected 0 error out-of-range"])
    }

    @Test func theAttributesChange() {
        // Through the dump: the leaf reads back with the new permissions.
        let before = runScript("map 0x1000 0x40001000 4K rw", ["--dump"])
        let after = runScript("map 0x1000 0x40001000 4K rw\nprotect 0x1000 4K rx", ["--dump"])
        #expect(before.lines != after.lines.filter { $0 != "protected 4096" })
        #expect(after.lines.contains("protected 4096"))
    }

    @Test func anotherMemoryTypeNeedsBreakBeforeMakeOnARM() {
        // ARM refuses it at the first leaf that would change type (after the ones that
        // need no break); x86-64 changes the PAT type in place.
        let script = """
            map 0 0x40000000 8K rwd
            map 0x2000 0x40002000 4K rw
            protect 0 12K rd
            protect 0 12K rwc
            translate 0x2000
            """
        #expect(answers(script) == ["mapped 8192", "mapped 4096", "protected 8192 error unsupported",
                                    "protected 0 error unsupported", "0x40002000"])
        #expect(pagetable(["run", "--format", "x86-64", "-"], input: script).lines == ["mapped 8192", "mapped 4096", "protected 12288",
                                                      "protected 12288", "0x40002000"])
    }

    @Test func wrongOperandCountsAreScriptErrors() {
        let result = runScript("protect 0 4K")
        #expect(result.status == 2)
        #expect(result.error == "script:1: 'protect' takes 3 operands (protect IOVA SIZE PROT), got 2\n")
    }
}

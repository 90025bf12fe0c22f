import ARMv7Short
import PageTable
import Testing

@Suite struct GlobalAttributeTests {
    @Test func globalIsRefused() {
        #expect(throws: PageTableError.self) { try ARMv7Short().encode(MapAttributes(access: .read, global: true)) }
        #expect((try? ARMv7Short().encode(MapAttributes(access: .read))) != nil)
    }

    @Test func registersHaveIdentifiers() {
        let registers = ARMv7Short().registers(root: 0x8000_4000)
        #expect(registers.map(\.id) == [.armV7TTBR0, .armV7TTBCR, .armV7DACR, .armV7PRRR, .armV7NMRR, .armV7SCTLR])
        #expect(registers[.armV7DACR] == 1 && registers[.armV7SCTLR] == 0x3000_0001)
    }
}

import PageTable
import Testing

@Suite struct HardwareRegisterTests {
    static let first = HardwareRegister.ID(rawValue: 0x8000_0001)
    static let second = HardwareRegister.ID(rawValue: 0x8000_0002)

    @Test func registersAreFoundByIdentifier() {
        let registers = [HardwareRegister(Self.first, name: "A", value: 1), HardwareRegister(Self.second, name: "B", value: 2)]
        #expect(registers[Self.second] == 2 && registers[Self.first] == 1)
        #expect(registers[HardwareRegister.ID(rawValue: 0x8000_0003)] == nil)
    }

    @Test func theNameOnlyInitializerIsUnidentified() {
        let register = HardwareRegister(name: "ROOT", value: 7)
        #expect(register.id == .unidentified && register.name == "ROOT" && register.value == 7)
    }
}

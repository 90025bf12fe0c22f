import ARMLPAE
import PageTable
import PageTableTestSupport
import Testing

/// Exact descriptor bits, checked against the ARM Architecture Reference Manual's field layout.
@Suite struct DescriptorTests {
    static func attributes(_ letters: String) -> MapAttributes { MapAttributes(letters: letters) }

    static func leaf(_ format: ARMLPAE, _ letters: String, at address: UInt64, level: Int = 0) throws -> UInt64 {
        let encoded = try format.encode(attributes(letters))
        return format.leafDescriptor(template: format.leafTemplate(encoded, level: level, contiguous: false),
                                     outputAddress: address, level: level)
    }

    /// Hand-computed from the manual: (granule, stage, PROT, level, output address, descriptor).
    static let golden: [(ARMLPAE.Granule, ARMLPAE.Stage, String, Int, UInt64, UInt64)] = [
        (.size4K, .stage1, "r", 0, 0x4000_0000, 0x0060_0000_4000_0EC3),
        (.size4K, .stage1, "rw", 0, 0x4000_0000, 0x0060_0000_4000_0E43),
        (.size4K, .stage1, "rwc", 0, 0x4000_0000, 0x0060_0000_4000_0F47),
        (.size4K, .stage1, "rwxd", 0, 0x4000_0000, 0x0000_0000_4000_0E4B),
        (.size4K, .stage1, "rp", 0, 0x4000_0000, 0x0060_0000_4000_0E83),
        (.size4K, .stage1, "rxp", 0, 0x4000_0000, 0x0040_0000_4000_0E83),
        (.size4K, .stage1, "rw", 1, 0x4020_0000, 0x0060_0000_4020_0E41),
        (.size4K, .stage1, "rwx", 2, 0x8000_0000, 0x0000_0000_8000_0E41),
        (.size16K, .stage1, "rw", 0, 0x4000_4000, 0x0060_0000_4000_4E43),
        (.size16K, .stage1, "rwc", 1, 0x4200_0000, 0x0060_0000_4200_0F45),
        (.size64K, .stage1, "rw", 0, 0x4001_0000, 0x0060_0000_4001_0E43),
        (.size64K, .stage1, "rd", 1, 0x6000_0000, 0x0060_0000_6000_0EC9),
        (.size4K, .stage2, "r", 0, 0x4000_0000, 0x0040_0000_4000_0657),
        (.size4K, .stage2, "w", 0, 0x4000_0000, 0x0040_0000_4000_0697),
        (.size4K, .stage2, "rwc", 0, 0x4000_0000, 0x0040_0000_4000_07FF),
        (.size4K, .stage2, "rwxd", 0, 0x4000_0000, 0x0000_0000_4000_06C7),
        (.size4K, .stage2, "rw", 1, 0x4020_0000, 0x0040_0000_4020_06D5),
        (.size16K, .stage2, "rwx", 1, 0x4200_0000, 0x0000_0000_4200_06D5),
        (.size64K, .stage2, "rc", 0, 0x4001_0000, 0x0040_0000_4001_077F),
    ]

    @Test(arguments: 0..<golden.count)
    func goldenDescriptors(_ index: Int) throws {
        let (granule, stage, letters, level, address, expected) = Self.golden[index]
        let format = try ARMLPAE(granule: granule, stage: stage)
        let descriptor = try Self.leaf(format, letters, at: address, level: level)
        #expect(descriptor == expected, "\(granule) s\(stage.rawValue) \(letters) L\(3 - level): 0x\(String(descriptor, radix: 16))")
        #expect(format.decode(descriptor, level: level) == .leaf(outputAddress: address, contiguous: false))
    }

    static let protections = ["r", "rw", "rx", "rwx", "w", "wx", "rc", "rwc", "rwxc", "rd", "rwd", "rwxd",
                              "rp", "rwp", "rwxp", "rwcp", "rwdp", "", "x", "c"]

    /// Every granule x stage x PROT x leaf level: each field follows its rule, and attributes
    /// read back unchanged; inexpressible PROTs are refused.
    @Test(arguments: ARMLPAE.Granule.allCases, ARMLPAE.Stage.allCases)
    func everyCombinationFollowsTheFieldRules(granule: ARMLPAE.Granule, stage: ARMLPAE.Stage) throws {
        let format = try ARMLPAE(granule: granule, stage: stage)
        for letters in Self.protections {
            let attributes = Self.attributes(letters)
            let (r, w, x) = (letters.contains("r"), letters.contains("w"), letters.contains("x"))
            let expressible = (r || w) && (stage == .stage2 ? !letters.contains("p") : r)
            guard expressible else {
                #expect(throws: PageTableError.self, "\(letters) must be refused") { try format.encode(attributes) }
                continue
            }
            for level in 0..<format.geometry.levelCount where format.geometry[level].allowsLeaf {
                let address = UInt64(1) << UInt64(format.geometry[level].itemShift) * 3
                let d = try Self.leaf(format, letters, at: address, level: level)
                func field(_ shift: UInt64, _ width: UInt64) -> UInt64 { (d >> shift) & ((1 << width) - 1) }
                let context = "\(granule) s\(stage.rawValue) \(letters) level \(level)"
                #expect(field(0, 2) == (level == 0 ? 3 : 1), "\(context): type")
                #expect(field(10, 1) == 1, "\(context): AF")
                #expect(d & 0x0000_FFFF_FFFF_F000 & ~((1 << UInt64(granule.shift)) - 1) == address, "\(context): OA")
                #expect(field(8, 2) == (letters.contains("c") ? 3 : 2), "\(context): SH")
                if stage == .stage1 {
                    #expect(field(11, 1) == 1, "\(context): nG")
                    #expect(field(7, 1) == (w ? 0 : 1), "\(context): AP[2] read-only")
                    #expect(field(6, 1) == (letters.contains("p") ? 0 : 1), "\(context): AP[1] EL0")
                    let privileged = letters.contains("p")
                    #expect(field(53, 2) == (!x ? 3 : privileged ? 2 : 0), "\(context): PXN/UXN")
                    #expect(field(2, 3) == (letters.contains("d") ? 2 : letters.contains("c") ? 1 : 0), "\(context): AttrIndx")
                } else {
                    #expect(field(6, 1) == (r ? 1 : 0) && field(7, 1) == (w ? 1 : 0), "\(context): S2AP")
                    #expect(field(53, 2) == (x ? 0 : 2), "\(context): XN")
                    #expect(field(2, 4) == (letters.contains("d") ? 1 : letters.contains("c") ? 0xF : 5), "\(context): MemAttr")
                }
                #expect(format.attributes(ofLeaf: d, level: level) == attributes, "\(context): read back")
            }
        }
    }

    @Test func tableDescriptorsAndInvalidEncodings() throws {
        let format = try ARMLPAE()
        #expect(format.tableDescriptor(address: 0x8000_1000, level: 1) == 0x8000_1003)
        #expect(format.decode(0x8000_1003, level: 1) == .table(0x8000_1000))
        #expect(format.decode(0x8000_1001, level: 0) == .empty, "0b01 at L3 is reserved")
        #expect(format.decode(0x8000_0001, level: 3) == .empty, "no blocks at L0 with 4K")
        #expect(format.decode(0x8000_1002, level: 2) == .empty, "valid bit clear")
    }

    @Test func fiftyTwoBitAddressesPackTheirHighBits() throws {
        let format = try ARMLPAE(granule: .size64K, inputAddressBits: 52, outputAddressBits: 52)
        let address: UInt64 = 0x000F_0000_0001_0000
        let d = try Self.leaf(format, "rw", at: address)
        #expect(d == 0x0060_0000_0001_FE43)
        #expect(format.decode(d, level: 0) == .leaf(outputAddress: address, contiguous: false))
        #expect(format.tableDescriptor(address: address, level: 1) == 0x0000_0000_0001_F003)
        #expect(format.registers(root: 0x000A_0000_0000_2000).first?.value == 0x0000_0000_0000_2028)
    }

    @Test func unknownOrStageIllegalFlagsAreRefused() throws {
        let stage1 = try ARMLPAE(), stage2 = try ARMLPAE(stage: .stage2)
        let nonSecure = MapAttributes(access: .read, formatFlags: .armNonSecure)
        #expect(try stage1.encode(nonSecure).bits & (1 << 5) != 0)
        #expect(throws: PageTableError.self) { try stage2.encode(nonSecure) }
        #expect(throws: PageTableError.self) { try stage1.encode(MapAttributes(access: .read, formatFlags: .init(rawValue: 1 << 9))) }
        let explicit = MapAttributes(access: .read, memoryType: .cacheable, shareability: .outer)
        #expect(stage1.attributes(ofLeaf: try Self.leaf(stage1, "rc", at: 0) | 0, level: 0).shareability == nil)
        let withOuter = stage1.leafDescriptor(template: stage1.leafTemplate(try stage1.encode(explicit), level: 0, contiguous: false),
                                              outputAddress: 0, level: 0)
        #expect(stage1.attributes(ofLeaf: withOuter, level: 0) == explicit)
    }
}

import ARMLPAE
import GPULPAE
import PageTable
import PageTableTestSupport
import Testing

/// `gpu-lpae` is ARM LPAE stage 1 with a 4K granule and no contiguous groups, plus shared
/// tables: the same geometry, descriptors and registers, bit for bit.
@Suite struct FormatTests {
    static func attributes(_ letters: String) -> MapAttributes { MapAttributes(letters: letters) }

    static let protections = ["r", "rw", "rx", "rwx", "rc", "rwc", "rwxc", "rd", "rwd", "rwxd", "rp", "rwp", "rxp", "rwcp"]

    @Test func nameDefaultsAndSharing() throws {
        let format = try GPULPAE()
        #expect(format.name == "gpu-lpae" && GPULPAE.formatName == "gpu-lpae")
        #expect(format.allowsSharedTables)
        #expect(!format.cachesInvalidEntries)
        #expect(format.inputAddressBits == 48 && format.outputAddressBits == 48)
        #expect(format.lpae.configuration == ARMLPAE.Configuration(granule: .size4K, stage: .stage1, contiguousHint: false))
        #expect(try !ARMLPAE().allowsSharedTables, "the plain format keeps private tables")
    }

    @Test(arguments: [(48, 48), (39, 48), (48, 40), (36, 36), (25, 32)])
    func geometryIsARMLPAEStage1FourK(ias: Int, oas: Int) throws {
        let gpu = try GPULPAE(inputAddressBits: ias, outputAddressBits: oas)
        let arm = try ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: ias, outputAddressBits: oas,
                              contiguousHint: false)
        #expect(gpu.geometry == arm.geometry)
        #expect(gpu.geometry.leafSizeShifts == (ias > 30 ? [12, 21, 30] : [12, 21]), "4K pages, 2M and 1G blocks")
        for level in 0..<gpu.geometry.levelCount { #expect(gpu.levelName(level) == arm.levelName(level)) }
        #expect(gpu.registers(root: 0x8000_0000) == arm.registers(root: 0x8000_0000))
    }

    @Test func thirtyNineBitsStartAtL1() throws {
        let format = try GPULPAE(inputAddressBits: 39)
        #expect(format.geometry.levelCount == 3)
        #expect(format.levelName(format.geometry.topLevel) == "L1")
        #expect(format.lpae.startLevel == 1)
    }

    @Test func configurationsTheArchitectureCannotExpressAreRefused() {
        #expect(throws: GPULPAE.ConfigurationError.self) { try GPULPAE(inputAddressBits: 52) }
        #expect(throws: GPULPAE.ConfigurationError.self) { try GPULPAE(inputAddressBits: 24) }
        #expect(throws: GPULPAE.ConfigurationError.self) { try GPULPAE(outputAddressBits: 52) }
        #expect(throws: GPULPAE.ConfigurationError.self) { try GPULPAE(outputAddressBits: 31) }
    }

    /// Every PROT at every leaf level: the descriptor ARM LPAE stage 1 4K builds, read back the
    /// same way; attributes it refuses are refused too.
    @Test func descriptorsAreARMLPAEStage1FourK() throws {
        let gpu = try GPULPAE(), arm = try ARMLPAE()
        for letters in Self.protections + ["w", "wx", "", "x"] {
            let attributes = Self.attributes(letters)
            guard let armEncoded = try? arm.encode(attributes) else {
                #expect(throws: PageTableError.self, "\(letters)") { try gpu.encode(attributes) }
                continue
            }
            let gpuEncoded = try gpu.encode(attributes)
            #expect(gpuEncoded == armEncoded, "\(letters)")
            for level in 0..<3 {
                let output = UInt64(0x0000_8765_4321_F000) & ~((UInt64(1) << UInt64(9 * level + 12)) - 1)
                let template = gpu.leafTemplate(gpuEncoded, level: level, contiguous: false)
                #expect(template == arm.leafTemplate(armEncoded, level: level, contiguous: false))
                let descriptor = gpu.leafDescriptor(template: template, outputAddress: output, level: level)
                #expect(descriptor == arm.leafDescriptor(template: template, outputAddress: output, level: level))
                #expect(gpu.decode(descriptor, level: level) == .leaf(outputAddress: output, contiguous: false))
                #expect(gpu.attributes(ofLeaf: descriptor, level: level) == attributes, "\(letters) level \(level)")
            }
        }
    }

    /// Hand-computed from the ARM ARM: the same goldens as ARM LPAE stage 1 4K.
    @Test func goldenDescriptors() throws {
        let format = try GPULPAE()
        func leaf(_ letters: String, _ address: UInt64, level: Int) throws -> UInt64 {
            format.leafDescriptor(template: format.leafTemplate(try format.encode(Self.attributes(letters)), level: level,
                                                                contiguous: false),
                                  outputAddress: address, level: level)
        }
        #expect(try leaf("rw", 0x6000_0000, level: 0) == 0x0060_0000_6000_0E43)
        #expect(try leaf("rwc", 0x6000_0000, level: 0) == 0x0060_0000_6000_0F47)
        #expect(try leaf("rw", 0x6000_0000, level: 1) == 0x0060_0000_6000_0E41)
        #expect(try leaf("rwx", 0x8000_0000, level: 2) == 0x0000_0000_8000_0E41)
        #expect(format.tableDescriptor(address: 0x8000_1000, level: 1) == 0x8000_1003)
        #expect(format.decode(0x8000_1003, level: 1) == .table(0x8000_1000))
        #expect(format.decode(0x8000_1001, level: 0) == .empty, "0b01 at L3 is reserved")
        #expect(format.decode(0x8000_0001, level: 3) == .empty, "no blocks at L0 with 4K")
    }

    /// Hardware never writes a shared table: every leaf carries the access flag, none DBM.
    @Test func everyLeafHasTheAccessFlagAndNoDirtyBitManagement() throws {
        let format = try GPULPAE()
        for letters in Self.protections {
            let encoded = try format.encode(Self.attributes(letters))
            for level in 0..<3 {
                let descriptor = format.leafDescriptor(template: format.leafTemplate(encoded, level: level, contiguous: false),
                                                       outputAddress: 0x4000_0000, level: level)
                #expect(descriptor & (1 << 10) != 0, "\(letters) level \(level): AF")
                #expect(descriptor & (1 << 51) == 0, "\(letters) level \(level): DBM")
            }
        }
    }

    /// No public source shows Mali's MMU honouring the Contiguous bit, so gpu-lpae never writes
    /// it: not for aligned maps that would be groups on arm-lpae-64, and not for repeats.
    @Test func noLeafEverCarriesTheContiguousBit() throws {
        let fixture = TableFixture()
        var table = try fixture.makeTable(GPULPAE(inputAddressBits: 39))
        let rw = Self.attributes("rw")
        #expect(table.map(iova: 0x4000_0000, to: 0x1000_0000, size: 64 << 10, attributes: rw).isComplete)
        #expect(table.map(iova: 0x10_0000_0000, to: 0x20_0000_0000, size: 32 << 20, attributes: rw).isComplete)
        #expect(table.mapRepeat(iova: 0x20_0000_0000, size: 1 << 30, physicalAddress: 0x3000_0000, pageSize: 4096,
                                attributes: rw).isComplete)
        #expect(table.lookup(0x4000_0000)?.size == 4096 && table.lookup(0x10_0000_0000)?.size == 2 << 20)
        var tables: [UInt64] = []
        table.visit(expandingShared: false) { if case .table(let info) = $0 { tables.append(info.address) } }
        for address in tables {
            for index in 0..<512 {
                let descriptor = fixture.arena.bytes.load(fromByteOffset: Int(address - fixture.arena.base) + 8 * index,
                                                          as: UInt64.self)
                #expect(descriptor & (1 << 52) == 0, "table 0x\(String(address, radix: 16)) item \(index)")
            }
        }
    }

    @Test func registersFollowTheStage1Conventions() throws {
        let values = Dictionary(uniqueKeysWithValues: try GPULPAE().registers(root: 0x8000_0000).map { ($0.name, $0.value) })
        // T0SZ 16, IRGN0/ORGN0 write-back, SH0 inner, TG0 4K, EPD1, IPS 48-bit; MAIR as ARM LPAE.
        #expect(values == ["TTBR0": 0x8000_0000, "TCR": 0x5_0080_3510, "MAIR": 0xF404_FF44])
        let narrow = Dictionary(uniqueKeysWithValues: try GPULPAE(inputAddressBits: 39, coherentWalk: false)
            .registers(root: 0x8000_0000).map { ($0.name, $0.value) })
        #expect(narrow["TCR"] == 0x5_0080_2019, "T0SZ 25, non-cacheable outer-shareable walks")
    }
}

import PageTable
import Testing
import TeachingMMU

/// Golden descriptors from the format's own description: what the kit cannot know.
@Suite struct DescriptorTests {
    let format = TeachingMMU()

    @Test func pagesSectionsAndTablesHaveTheirDocumentedBits() throws {
        let rw = try format.encode(MapAttributes(access: [.read, .write], memoryType: .cacheable))
        let page = format.leafDescriptor(template: format.leafTemplate(rw, level: 0, contiguous: false),
                                         outputAddress: 0x1234_5000, level: 0)
        #expect(page == 0x1234_5000 | 0b0011_0111)  // C U W R V
        let section = format.leafDescriptor(template: format.leafTemplate(rw, level: 1, contiguous: false),
                                            outputAddress: 0x1240_0000, level: 1)
        #expect(format.decode(section | 0x3_F000, level: 1) == .leaf(outputAddress: 0x1240_0000, contiguous: false),
                "a section ignores address bits 21:12")
        #expect(format.tableDescriptor(address: 0x8000_1000, level: 1) == 0x8000_1001)
        #expect(format.decode(0x8000_1001, level: 0) == .empty, "no table pointers in L2")
    }

    @Test func executeOnlyIsALeafAndWriteWithoutReadIsReserved() throws {
        let executeOnly = try format.encode(MapAttributes(access: .execute, privileged: true))
        #expect(executeOnly == TeachingMMU.Bits.execute)
        #expect(format.decode(0x4000_0000 | TeachingMMU.Bits.valid | TeachingMMU.Bits.execute, level: 0)
                == .leaf(outputAddress: 0x4000_0000, contiguous: false))
        #expect(format.decode(0x4000_0000 | TeachingMMU.Bits.valid | TeachingMMU.Bits.write, level: 0) == .empty)
        for refused: MapAttributes.Access in [[], .write, [.write, .execute]] {
            #expect(throws: PageTableError.self) { try format.encode(MapAttributes(access: refused)) }
        }
    }

    @Test func globalAndTheLockedFlagRoundTripAndUnknownFlagsAreRefused() throws {
        let global = MapAttributes(access: .read, global: true)
        let descriptor = format.leafTemplate(try format.encode(global), level: 0, contiguous: false)
        #expect(descriptor & TeachingMMU.Bits.global != 0 && descriptor & TeachingMMU.Bits.locked == 0)
        #expect(format.attributes(ofLeaf: descriptor, level: 0) == global)
        let locked = MapAttributes(access: .read, formatFlags: .teachingLocked)
        let lockedDescriptor = format.leafTemplate(try format.encode(locked), level: 0, contiguous: false)
        #expect(lockedDescriptor & TeachingMMU.Bits.locked != 0 && lockedDescriptor & TeachingMMU.Bits.global == 0)
        #expect(format.attributes(ofLeaf: lockedDescriptor, level: 0) == locked)
        #expect(throws: PageTableError.self) {
            try format.encode(MapAttributes(access: .read, formatFlags: MapAttributes.FormatFlags(rawValue: 1)))
        }
    }
}

import PageTable
import PageTableTestSupport

/// Adoption (``PageTable/init(adopting:format:memory:allocator:invalidator:)``): a tree built
/// here, copied to fresh memory, adopts back identically (leaves, translations, statistics,
/// live-table counts, no invariant violated, nothing allocated); then seeded random bit flips
/// of the copy's tables (and now and then of the root address), thousands across the matrix,
/// never crash: each image is either adopted into a sound table or refused with every problem
/// at an address of the image.
enum AdoptionCheck {
    /// Corrupted images tried per configuration.
    static let corruptions = 100

    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             _ log: FailureLog) throws {
        typealias Adopted = PageTable<Format, PhysicalArena, FaultInjectingAllocator<BuddyAllocator>, OfflineInvalidator>
        log.seed = log.derivedSeed(salt: 0xAD0B7)
        var random = SeededGenerator(seed: log.seed!)
        let geometry = format.geometry
        guard let attributes = ContractCheck.encodableAttributes(format).first?.attributes else {
            return log.record("the format encodes none of the common attribute sets")
        }
        var modelled = try configuration.modelledTable(format, coherent: true)
        build(&modelled.table, attributes: attributes, using: &random)
        let original = modelled.table.root
        let expectedLeaves = RandomOperationCheck.leaves(of: modelled.table)
        var tables: [(address: PhysicalAddress, bytes: Int)] = []
        modelled.table.visit(expandingShared: false) { node in
            if case .table(let info) = node, !info.isRepeat { tables.append((info.address, info.bytes)) }
        }

        guard let image = PhysicalArena(base: configuration.arenaBase, size: configuration.arenaSize) else {
            return log.record("no memory for a copy of the image")
        }
        image.pointer(to: image.base).copyMemory(from: modelled.arena.pointer(to: image.base), byteCount: image.size)
        // Every allocation fails: adopting allocates nothing.
        let allocator = FaultInjectingAllocator(BuddyAllocator(arena: image))
        allocator.failAllocations(from: 1)

        log.at(step: nil, "adopt the copied image")
        let builtProblems = Adopted.problems(adopting: original, format: format, memory: image)
        try log.require(builtProblems.isEmpty, "a built image has problems: \(builtProblems)")
        do {
            let adopted: Adopted
            do throws(ImageProblems) {
                adopted = try Adopted(adopting: original, format: format, memory: image, allocator: allocator,
                                      invalidator: OfflineInvalidator())
            } catch {
                return log.record("a built image was refused: \(error)")
            }
            try log.expect(adopted.tableCount == modelled.table.tableCount && adopted.tableBytes == modelled.table.tableBytes,
                           "adopted \(adopted.tableCount) tables of \(adopted.tableBytes) bytes, built "
                           + "\(modelled.table.tableCount) of \(modelled.table.tableBytes)")
            try log.expect(adopted.statistics == modelled.table.statistics, "the statistics differ")
            try log.expect(RandomOperationCheck.leaves(of: adopted) == expectedLeaves, "the leaves differ")
            try log.expect(adopted.invariantViolations().isEmpty, "\(adopted.invariantViolations())")
            for _ in 0..<64 {
                let probe = UInt64.random(in: 0..<geometry.inputLimit, using: &random)
                try log.expect(adopted.lookup(probe) == modelled.table.lookup(probe), "\(hex(probe)) translates differently")
            }
        }

        for round in 0..<corruptions {
            var flips: [(PhysicalAddress, UInt8)] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let table = tables[Int.random(in: 0..<tables.count, using: &random)]
                flips.append((table.address + UInt64.random(in: 0..<UInt64(table.bytes), using: &random),
                              UInt8(1) << UInt8.random(in: 0..<8, using: &random)))
            }
            var root = original
            if Int.random(in: 0..<16, using: &random) == 0 { root ^= 1 << UInt64.random(in: 0..<64, using: &random) }
            log.at(step: round, "flip \(flips.map { "\(hex($0.0)) ^ \(hex(UInt64($0.1)))" }) root \(hex(root))")
            for (address, bit) in flips { image.pointer(to: address).storeBytes(of: image.pointer(to: address).load(as: UInt8.self) ^ bit, as: UInt8.self) }
            defer {
                for (address, bit) in flips { image.pointer(to: address).storeBytes(of: image.pointer(to: address).load(as: UInt8.self) ^ bit, as: UInt8.self) }
            }
            let problems = Adopted.problems(adopting: root, format: format, memory: image)
            for problem in problems {
                try log.expect(problem.address == root || image.contains(problem.address, bytes: 1),
                               "\(problem) is not at an address of the image")
            }
            let adopted: Adopted
            do throws(ImageProblems) {
                adopted = try Adopted(adopting: root, format: format, memory: image, allocator: allocator,
                                      invalidator: OfflineInvalidator())
            } catch {
                try log.expect(error.problems == problems && !problems.isEmpty, "refused with \(error), the survey found \(problems)")
                continue
            }
            do {
                try log.expect(problems.isEmpty, "adopted although the survey found \(problems)")
                let violations = adopted.invariantViolations()
                try log.expect(violations.isEmpty, "adopted, but the table is unsound: \(violations)")
                _ = adopted.statistics
                for _ in 0..<8 {
                    let probe = UInt64.random(in: 0..<geometry.inputLimit, using: &random)
                    let trace = adopted.trace(probe)
                    if case .translated(let physical, _) = trace.outcome {
                        try log.expect(adopted.translate(probe) == physical, "trace and translate of \(hex(probe)) differ")
                    } else {
                        try log.expect(adopted.translate(probe) == nil, "trace and translate of \(hex(probe)) differ")
                    }
                }
            }
        }
    }

    /// Maps one leaf of every size, a few dozen random pages and, where the format shares
    /// tables, a repeat.
    private static func build<Format, Memory, Allocator, Invalidator>(
        _ table: inout PageTable<Format, Memory, Allocator, Invalidator>, attributes: MapAttributes,
        using random: inout SeededGenerator) {
        let geometry = table.format.geometry
        let sizes = Set(geometry.leafSizeShifts.map { UInt64(1) << UInt64($0) }).sorted()
        let largest = sizes.last ?? geometry.pageSize
        for (index, size) in sizes.enumerated() {
            let (iova, overflow) = UInt64(index).multipliedReportingOverflow(by: largest)
            guard !overflow, size <= geometry.inputLimit, iova <= geometry.inputLimit - size,
                  size <= geometry.outputLimit, iova <= geometry.outputLimit - size else { continue }
            _ = table.map(iova: iova, to: iova, size: size, attributes: attributes)
        }
        let span = min(geometry.inputLimit, geometry.outputLimit, 1 << 32)
        for _ in 0..<48 {
            let iova = UInt64.random(in: 0..<span, using: &random) & ~(geometry.pageSize - 1)
            _ = table.map(iova: iova, to: iova, size: geometry.pageSize, attributes: attributes)
        }
        if table.format.allowsSharedTables, geometry.levelCount > 1 {
            let size = 2 * geometry[1].itemSize
            let iova = geometry.inputLimit / 2 & ~(size - 1)
            _ = table.mapRepeat(iova: iova, size: size, physicalAddress: 0, pageSize: geometry.pageSize,
                                attributes: attributes)
        }
    }
}

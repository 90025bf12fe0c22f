import PageTable
import PageTableTestSupport

/// The TLB model's break-before-make check proves itself on the format under test: a live leaf
/// rewritten in place to another output address, with no invalidation between, must be
/// flagged; the same change made properly (cleared, invalidated, then written) must not. Where
/// the format says some attribute change needs a break (`leafChangeNeedsBreak`), the same
/// for that change in place, and `protect` must refuse it with `unsupported`, unchanged.
enum BreakBeforeMakeCheck {
    static func run<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                             _ log: FailureLog) throws {
        let geometry = format.geometry
        guard let attributes = ContractCheck.encodableAttributes(format).first?.attributes,
              let encoded = try? format.encode(attributes) else {
            return log.record("the format encodes none of the common attribute sets")
        }
        // The largest single leaf, at the bottom of the input range (table address 0), mapping
        // 0; the change moves it to the next leaf's output.
        guard let level = (0..<geometry.levelCount).last(where: { geometry[$0].allowsLeaf }) else {
            return log.record("the format has no leaf level")
        }
        let size = geometry[level].itemSize
        let iova = geometry.inputAddress(ofTable: 0)
        let leafRange = iova..<(iova &+ size)
        guard size <= geometry.outputLimit / 2 else { return }
        let template = format.leafTemplate(encoded, level: level, contiguous: false)
        let moved = format.leafDescriptor(template: template, outputAddress: size, level: level)
        for broken in [true, false] {
            var modelled = try configuration.modelledTable(format, coherent: true)
            let mapped = modelled.table.map(iova: iova, to: 0, size: size, attributes: attributes)
            try log.require(mapped.isComplete, "mapping one \(hex(size))-byte leaf failed: \(mapped)")
            let slot = try slotAddress(of: 0, level: level, in: modelled, log)
            modelled.tlb.translate(iova)  // The hardware caches the leaf.
            modelled.tlb.watchWrites(in: leafRange)
            if !broken {
                store(0, at: slot, in: modelled)
                modelled.tlb.invalidateLeaves(in: leafRange, levels: LevelSet(level: level))
            }
            store(moved, at: slot, in: modelled)
            modelled.tlb.invalidateLeaves(in: leafRange, levels: LevelSet(level: level))
            modelled.tlb.endWatch()
            let violations = modelled.tlb.breakBeforeMakeViolations
            if broken {
                try log.expect(!violations.isEmpty, "a leaf moved to another output in one write was not flagged")
            } else {
                try log.expect(violations.isEmpty, "a leaf moved with break-before-make was flagged: \(violations.prefix(3))")
            }
            store(0, at: slot, in: modelled)  // Gone again, so the table tears down as it was built.
            modelled.tlb.invalidateAll()
        }
        try attributeChange(format, configuration, level: level, log)
    }

    /// The in-place attribute change the format says needs a break, if it has one between two
    /// of the common attribute sets: flagged when written in place, refused by `protect`.
    static func attributeChange<Format: PageTableFormat>(_ format: Format, _ configuration: Conformance.Configuration,
                                                         level: Int, _ log: FailureLog) throws {
        let geometry = format.geometry
        let size = geometry[level].itemSize
        let candidates = ContractCheck.encodableAttributes(format).map { $0.attributes }
        let descriptor = { (attributes: MapAttributes) -> Format.Descriptor? in
            guard let encoded = try? format.encode(attributes) else { return nil }
            return format.leafDescriptor(template: format.leafTemplate(encoded, level: level, contiguous: false),
                                         outputAddress: 0, level: level)
        }
        var pair: (MapAttributes, MapAttributes, Format.Descriptor)? = nil
        search: for old in candidates {
            for new in candidates {
                if let before = descriptor(old), let after = descriptor(new),
                   format.leafChangeNeedsBreak(from: before, to: after, level: level) {
                    pair = (old, new, after)
                    break search
                }
            }
        }
        guard let (old, new, changed) = pair else { return }  // Every attribute change is made in place.
        let iova = geometry.inputAddress(ofTable: 0)
        let leafRange = iova..<(iova &+ size)
        for broken in [true, false] {
            var modelled = try configuration.modelledTable(format, coherent: true)
            let mapped = modelled.table.map(iova: iova, to: 0, size: size, attributes: old)
            try log.require(mapped.isComplete, "mapping one \(hex(size))-byte leaf failed: \(mapped)")
            let slot = try slotAddress(of: 0, level: level, in: modelled, log)
            modelled.tlb.translate(iova)
            modelled.tlb.watchWrites(in: leafRange)
            if !broken {
                store(0, at: slot, in: modelled)
                modelled.tlb.invalidateLeaves(in: leafRange, levels: LevelSet(level: level))
            }
            store(changed, at: slot, in: modelled)
            modelled.tlb.invalidateLeaves(in: leafRange, levels: LevelSet(level: level))
            modelled.tlb.endWatch()
            let violations = modelled.tlb.breakBeforeMakeViolations
            if broken {
                try log.expect(!violations.isEmpty, "\(old) -> \(new) written in place was not flagged")
            } else {
                try log.expect(violations.isEmpty, "\(old) -> \(new) with break-before-make was flagged: \(violations.prefix(3))")
            }
            store(0, at: slot, in: modelled)
            modelled.tlb.invalidateAll()
            // The walker refuses the change, the leaf as it was.
            var fresh = try configuration.modelledTable(format, coherent: true)
            try log.require(fresh.table.map(iova: iova, to: 0, size: size, attributes: old).isComplete, "mapping failed")
            fresh.tlb.watchWrites(in: leafRange)
            let outcome = fresh.table.protect(iova: iova, size: size, attributes: new)
            fresh.tlb.endWatch()
            try log.expect(outcome.bytes == 0 && outcome.error?.kind == .unsupported,
                           "protect \(old) -> \(new) needs break-before-make and must be refused; got \(outcome)")
            try log.expect(fresh.table.lookup(iova)?.attributes == old && fresh.tlb.breakBeforeMakeViolations.isEmpty,
                           "a refused protect changed the leaf")
            try log.expect(fresh.table.attributeChangeNeedsBreak(from: old, to: new, leafSize: size),
                           "attributeChangeNeedsBreak disagrees with the format")
        }
    }

    /// The physical address of the entry at `level` for the table address `iova`, walked as the
    /// hardware does.
    static func slotAddress<Format: PageTableFormat>(of iova: VirtualAddress, level: Int, in modelled: borrowing ModelledTable<Format>,
                                                     _ log: FailureLog) throws -> PhysicalAddress {
        let geometry = modelled.table.format.geometry
        var table = modelled.table.root
        var current = geometry.topLevel
        while current > level {
            let descriptor: Format.Descriptor = modelled.view.load(table + entryOffset(of: iova, level: current, geometry,
                                                                                        Format.Descriptor.self))
            guard case .table(let next) = modelled.table.format.decode(descriptor, level: current) else {
                try log.require(false, "no table above the \(modelled.table.format.levelName(level)) entry of \(hex(iova))")
                return 0
            }
            table = next
            current -= 1
        }
        return table + entryOffset(of: iova, level: level, geometry, Format.Descriptor.self)
    }

    static func store<Format: PageTableFormat>(_ descriptor: Format.Descriptor, at address: PhysicalAddress,
                                               in modelled: borrowing ModelledTable<Format>) {
        modelled.arena.pointer(to: address).storeBytes(of: descriptor.littleEndian, as: Format.Descriptor.self)
    }

    private static func entryOffset<Descriptor>(of iova: VirtualAddress, level: Int, _ geometry: TableGeometry,
                                                _: Descriptor.Type) -> UInt64 {
        UInt64(geometry[level].index(of: iova) * MemoryLayout<Descriptor>.stride)
    }
}

@testable import PageTableCLI
import PageTableKit
import PageTableTestSupport

/// Checks each answer of a run against the reference model and the table's invariants.
struct AnswerChecker {
    let table: AnyPageTable
    let format: String
    /// Active reservations (ranges reserved and not yet released), counted.
    private var reservations: [Range<UInt64>: Int] = [:]
    /// Whether leaves are still compared one by one (not after a huge repeat).
    private var comparesLeaves = true
    private let attributes = MapAttributes(access: .read)

    init(table: AnyPageTable, format: String) {
        self.table = table
        self.format = format
    }

    /// Runs `perform` (which answers `operation`) and checks the answer and the table after it.
    mutating func check(_ operation: ScriptOperation, step: Int, perform: () -> String) {
        let context = "\(format) step \(step): \(operation)"
        let before = comparesLeaves ? leaves() : []
        let answer = perform()
        require(!answer.contains("\n"), "\(context): a multi-line answer")
        let violations = table.invariantViolations()
        require(violations.isEmpty, "\(context): \(violations)")
        switch operation {
        case .map(let iova, let pa, let size, _), .mapAll(let iova, let pa, let size, _):
            let all: Bool = if case .mapAll = operation { true } else { false }
            let (bytes, error) = parse(answer, "mapped", context)
            checkRange(bytes: bytes, size: size, error: error, context)
            if all { require(error == nil || bytes == 0, "\(context): map-all left a prefix") }
            if bytes > 0 {
                for probe in [iova, iova &+ (bytes - 1), iova &+ (bytes / 2 & ~0xFFF)] {  // May end at 2^64.
                    require(table.translate(probe) == pa + (probe - iova), "\(context): 0x\(hex(probe)) translates wrong")
                }
            }
            guard comparesLeaves, !isValidation(error) else { return }
            var model = self.model(before)
            let predicted = model.map(t(iova), pa, size, attributes)
            if reservations.isEmpty {
                compare(predicted, bytes, error, context)
            } else {
                require(bytes <= size, "\(context)")
                return
            }
            var done = self.model(before)
            if all && error != nil { } else { _ = done.map(t(iova), pa, bytes, attributes) }
            compareLeaves(done, context)
        case .mapList(let iova, _, let pages):
            let (bytes, error) = parse(answer, "mapped", context)
            let size = pages.reduce(UInt64(0)) { $0 &+ $1.length }
            checkRange(bytes: bytes, size: size, error: error, context)
            guard comparesLeaves, !isValidation(error), reservations.isEmpty else { return }
            let list = pages.map { (pa: $0.physicalAddress, length: $0.length) }
            var model = self.model(before)
            compare(model.mapList(t(iova), list, attributes), bytes, error, context)
            if error != .outOfMemory { compareLeaves(model, context) }
        case .mapRepeat(let iova, let pa, let pageSize, let size, _):
            let (bytes, error) = parse(answer, "mapped", context)
            checkRange(bytes: bytes, size: size, error: error, context)
            if bytes > 0 {
                require(table.translate(iova) == pa && table.translate(iova &+ (bytes - 1)) == pa + pageSize - 1,
                        "\(context): a repeated page translates wrong")
            }
            guard comparesLeaves, !isValidation(error) else { return }
            if bytes / pageSize > UInt64(FuzzCase.leafLimit) || UInt64(before.count) + size / pageSize > UInt64(FuzzCase.leafLimit) {
                comparesLeaves = false
                return
            }
            var model = self.model(before)
            let predicted = model.repeatPage(t(iova), size, pa, pageSize: pageSize, attributes)
            guard reservations.isEmpty else { return }
            compare(predicted, bytes, error, context)
            var done = self.model(before)
            _ = done.repeatPage(t(iova), bytes, pa, pageSize: pageSize, attributes)
            compareLeaves(done, context)
        case .unmap(let iova, let size):
            let (bytes, error) = parse(answer, "unmapped", context)
            checkRange(bytes: bytes, size: size, error: error, context)
            if bytes > 0 { require(table.translate(iova) == nil, "\(context): still mapped") }
            guard comparesLeaves, !isValidation(error), reservations.isEmpty else { return }
            var model = self.model(before)
            compare(model.unmap(t(iova), size), bytes, error, context)
            var done = self.model(before)
            _ = done.unmap(t(iova), bytes)
            compareLeaves(done, context)
        case .protect(let iova, let size, let protection):
            let (bytes, error) = parse(answer, "protected", context)
            checkRange(bytes: bytes, size: size, error: error, context)
            guard comparesLeaves, !isValidation(error) else { return }
            var model = self.model(before)
            // The model's leaves carry one placeholder attribute set; a break is judged from the
            // table's own leaves and the protection asked for.
            let new = try? protection.attributes(for: iova)
            let needsBreak = { (leaf: ReferenceModel.Leaf, _: MapAttributes) -> Bool in
                guard let new, let old = before.first(where: { self.t($0.virtualAddress) == leaf.start }) else { return false }
                return self.table.attributeChangeNeedsBreak(from: old.attributes, to: new, leafSize: leaf.size)
            }
            compare(model.protect(t(iova), size, attributes, needsBreak: needsBreak), bytes, error, context)
            compareLeaves(self.model(before), context)  // Translations never change.
        case .cut(let iova):
            // Whatever the outcome, the translations stay as they were.
            let (bytes, error) = parse(answer, "cut", context)
            require(error == nil ? bytes > 0 : bytes == 0, "\(context): \(answer)")
            guard comparesLeaves else { return }
            require(table.translate(iova) == model(before).translate(iova), "\(context): the cut changed a translation")
        case .dirty:
            // Dirty state never changes a translation; the answer has the contract's shape.
            let (_, error) = parse(answer, "dirty", context)
            require(error == nil || answer.hasPrefix("dirty 0 error "), "\(context): \(answer)")
            if comparesLeaves { compareLeaves(model(before), context) }
        case .hardwareWrite(let iova):
            let writable = table.lookup(iova)?.attributes.access.contains(.write) == true
            require(answer == (writable ? "ok" : "fault"), "\(context): hw-write answered \(answer)")
            if comparesLeaves { compareLeaves(model(before), context) }
        case .collapse(let iova, let size):
            // Whatever the outcome, the translations stay as they were.
            let (bytes, error) = parse(answer, "collapsed", context)
            require(error == nil ? bytes == size : bytes == 0, "\(context): \(answer)")
            guard comparesLeaves else { return }
            require(table.translate(iova) == model(before).translate(iova), "\(context): the collapse changed a translation")
        case .top:
            let geometry = table.geometry
            require(answer == "top \(geometry.levelCount) \(geometry.inputAddressBits) 0x\(hex(table.root))",
                    "\(context): answered \(answer)")
        case .translate(let iova):
            guard comparesLeaves else { return }
            let expected = model(before).translate(t(iova))
            require(answer == (expected.map { "0x" + hex($0) } ?? "unmapped"), "\(context): answered \(answer)")
        case .walk(let iova):
            // The walk ends where translate does.
            if let pa = table.translate(iova) {
                require(answer.contains("; -> 0x" + hex(pa) + " "), "\(context): walk answered \(answer)")
            } else {
                require(answer.contains("-> translation fault at ") || answer.hasSuffix("-> beyond the input-address space"),
                        "\(context): walk answered \(answer)")
            }
        case .reserve(let iova, let size):
            let (bytes, error) = parse(answer, "reserved", context)
            require(error == nil ? bytes == size : bytes == 0, "\(context): \(answer)")
            if error == nil { reservations[t(iova)..<(t(iova) + size), default: 0] += 1 }
            if comparesLeaves { compareLeaves(model(before), context) }
        case .release(let iova, let size):
            let (bytes, error) = parse(answer, "released", context)
            let inside = table.geometry.contains(inputAddress: iova, size: size)
            let range = inside ? t(iova)..<(t(iova) + size) : 0..<0
            let known = inside && reservations[range] != nil
            require(known ? (error == nil && bytes == size) : (error == .notMapped && bytes == 0),
                    "\(context): \(answer)")
            if known {
                reservations[range]! -= 1
                if reservations[range] == 0 { reservations[range] = nil }
            }
            if comparesLeaves { compareLeaves(model(before), context) }
        case .estimate, .estimateReserve:
            require(answer.hasPrefix("tables "), "\(context): \(answer)")
            if comparesLeaves { compareLeaves(model(before), context) }
        case .failAllocations, .stopFailingAllocations:
            require(answer == "ok", "\(context): \(answer)")
        }
    }

    /// The table address of an input address, which the reference model works with (upper
    /// and sign-extended ranges: the low input bits); outside the range, past the model's.
    private func t(_ address: UInt64) -> UInt64 {
        let geometry = table.geometry
        guard geometry.inputRange != .lower else { return address }
        return geometry.contains(inputAddress: address) ? geometry.tableAddress(of: address) : geometry.inputLimit
    }

    /// The table's leaves in address order (contiguous groups as one leaf), at table addresses.
    private func leaves() -> [Mapping] {
        var leaves: [Mapping] = []
        table.visit { if case .leaf(var mapping) = $0 {
            mapping.virtualAddress = table.geometry.tableAddress(of: mapping.virtualAddress)
            leaves.append(mapping)
        } }
        return leaves
    }

    /// A model holding exactly `leaves`.
    private func model(_ leaves: [Mapping]) -> ReferenceModel {
        var model = ReferenceModel(geometry: table.geometry)
        for leaf in leaves {
            let placed = model.map(leaf.virtualAddress, leaf.physicalAddress, leaf.size, attributes)
            require(placed == (leaf.size, nil), "\(format): the table's leaf \(leaf) is not one model leaf")
        }
        return model
    }

    /// The table's leaves are exactly the model's.
    private func compareLeaves(_ model: ReferenceModel, _ context: String) {
        let actual = leaves().map { [$0.virtualAddress, $0.size, $0.physicalAddress] }
        let expected = model.leaves.map { [$0.start, $0.size, $0.physicalAddress] }
        require(actual == expected, "\(context): the table's leaves differ from the model's")
    }

    private func compare(_ predicted: (bytes: UInt64, error: PageTableError.Kind?), _ bytes: UInt64,
                         _ error: PageTableError.Kind?, _ context: String) {
        if error == .outOfMemory {
            require(bytes <= predicted.bytes, "\(context): out of memory after more than the model maps")
        } else {
            require(predicted.bytes == bytes && predicted.error == error,
                    "\(context): answered \(bytes) \(String(describing: error)), the model says \(predicted)")
        }
    }

    /// The three outcome shapes; validation errors come with 0 bytes.
    private func checkRange(bytes: UInt64, size: UInt64, error: PageTableError.Kind?, _ context: String) {
        require(error == nil ? bytes == size : bytes < size || size == 0, "\(context): \(bytes) with \(String(describing: error))")
        if isValidation(error) { require(bytes == 0, "\(context): a validation error after \(bytes) bytes") }
    }

    private func isValidation(_ error: PageTableError.Kind?) -> Bool {
        error == .misaligned || error == .outOfRange || error == .invalidAttributes
    }

    /// `<word> <bytes>` or `<word> <bytes> error <name>`.
    private func parse(_ answer: String, _ word: String, _ context: String) -> (UInt64, PageTableError.Kind?) {
        let parts = answer.split(separator: " ")
        require(parts.count == 2 || parts.count == 4, "\(context): malformed answer '\(answer)'")
        require(parts[0] == word, "\(context): answer '\(answer)' should start with \(word)")
        guard let bytes = UInt64(parts[1]) else { fatalError("fuzz check failed: \(context): bytes in '\(answer)'") }
        guard parts.count == 4 else { return (bytes, nil) }
        require(parts[2] == "error", "\(context): malformed answer '\(answer)'")
        guard let kind = PageTableError.Kind(rawValue: String(parts[3])) else {
            fatalError("fuzz check failed: \(context): unknown error name in '\(answer)'")
        }
        return (bytes, kind)
    }

    private func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}

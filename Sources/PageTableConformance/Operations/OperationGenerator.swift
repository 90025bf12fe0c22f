import PageTable
import PageTableTestSupport

/// Draws operations that collide often: addresses cluster in a window a few top-level leaves
/// wide, half of them next to existing leaves, with sizes spread over every leaf size.
///
/// Addresses are table addresses (the low input bits, ``TableGeometry/tableAddress(of:)``);
/// the window starts at `origin`.
struct OperationGenerator {
    let geometry: TableGeometry
    let leafShifts: [Int]
    /// The single-leaf sizes above the smallest level, smallest first: what a collapse makes.
    let blockSizes: [UInt64]
    let window: UInt64
    let origin: UInt64
    /// Maps are kept under this many smallest pages unless both addresses allow large leaves.
    let pageBudget: UInt64 = 2048
    /// Whether cuts and collapses are drawn (only the random-operation check runs them).
    var cuts = false
    /// The leaf the last drawn cut aimed at: often collapsed back next.
    var lastCut: Range<UInt64>? = nil

    /// A generator whose window starts at table address 0, or with `atTop` ends at the top
    /// of the table's range: for upper-range and sign-extended tables the top of the 64-bit
    /// space (`0xffff...`), in one half of a sign-extended range.
    init(geometry: TableGeometry, atTop: Bool = false) {
        self.geometry = geometry
        leafShifts = geometry.leafSizeShifts
        blockSizes = (1..<geometry.levelCount).filter { geometry[$0].allowsLeaf }.map { geometry[$0].itemSize }
        let span = geometry.inputRange == .signExtended ? geometry.inputLimit >> 1 : geometry.inputLimit
        window = min(span, (1 << UInt64(leafShifts.last!)) * 8)
        origin = atTop ? geometry.inputLimit - window : 0
    }

    mutating func next(model: ReferenceModel, using random: inout SeededGenerator) -> Operation {
        if let cut = lastCut {
            lastCut = nil
            // The block the cut leaf lies in, back into one leaf (the leaf itself where it is a block).
            if Bool.random(using: &random), let size = blockSizes.first(where: { $0 >= UInt64(cut.count) }) {
                return .collapse(iova: cut.lowerBound & ~(size - 1), size: size)
            }
        }
        let shift = leafShifts.randomElement(using: &random)!
        let unit: UInt64 = 1 << UInt64(shift)
        let units = UInt64.random(in: 1...3, using: &random)
        var size = unit * units
        // Each size lands in a window 16 units wide from 0: small operations crowd together,
        // large ones still find room, and aiming at existing leaves mixes the sizes.
        var iova = origin + alignedAddress(below: min(window, unit << 4), unit: unit, using: &random)
        if let leaf = model.leaves.randomElement(using: &random), Bool.random(using: &random) {
            iova = leaf.start  // Aim at an existing leaf: overlaps, partial leaves, runs.
            if Int.random(in: 0..<4, using: &random) == 0 { iova += geometry.pageSize * UInt64.random(in: 0...3, using: &random) }
        }
        if iova >= geometry.inputLimit { iova = geometry.inputLimit - unit }
        if iova + size > geometry.inputLimit { size = geometry.inputLimit - iova }
        if Int.random(in: 0..<5, using: &random) < 2 {
            // Now and then cut into a leaf larger than a page: unmaps must refuse to split it.
            // A few draws find one even when most leaves are pages, so every seed sees it.
            if Int.random(in: 0..<4, using: &random) == 0, let leaf = largeLeaf(in: model, using: &random) {
                return .unmap(iova: leaf.start + geometry.pageSize, size: geometry.pageSize)
            }
            if cuts, Int.random(in: 0..<6, using: &random) == 0, let leaf = model.leaves.randomElement(using: &random) {
                // Cut a leaf, anywhere inside it (a page is refused: nothing smaller).
                lastCut = leaf.start..<leaf.end
                return .cut(iova: leaf.start + UInt64.random(in: 0..<leaf.size, using: &random), leaf: leaf.start..<leaf.end)
            }
            if cuts, Int.random(in: 0..<6, using: &random) == 0, let leaf = model.leaves.randomElement(using: &random),
               let size = blockSizes.filter({ $0 > leaf.size }).randomElement(using: &random) {
                // Collapse the block around a leaf: mostly holes and mixed runs, refused.
                return .collapse(iova: leaf.start & ~(size - 1), size: size)
            }
            return .unmap(iova: iova, size: size)
        }
        if Int.random(in: 0..<6, using: &random) == 0 { return repeatPage(near: iova, model: model, using: &random) }
        let outputLimit = geometry.outputLimit
        guard size < outputLimit / 2 else { return .unmap(iova: iova, size: size) }
        var pa = alignedAddress(below: outputLimit - size, unit: unit, using: &random)
        // Offset the physical address by a page now and then, which forces smaller leaves --
        // within a budget, so one operation never writes millions of items.
        if size / geometry.pageSize <= pageBudget && Bool.random(using: &random) {
            pa = alignedAddress(below: outputLimit - size, unit: geometry.pageSize, using: &random)
        }
        if size / geometry.pageSize > pageBudget {  // Large: let the physical side allow the largest leaves.
            let largest: UInt64 = 1 << UInt64(leafShifts.last!)
            pa = (pa & ~(largest - 1)) | (iova & (largest - 1))
            if pa + size > outputLimit { pa -= largest }  // The low bits must not push it out of range.
        }
        return .map(iova: iova, pa: pa, size: size, attributes: randomAttributes(using: &random))
    }

    /// `size` bytes from `pa` cut into a page list of one to four extents, some moved
    /// elsewhere: kept pieces continue each other (large leaves may span the cut), moved ones
    /// start a new physical run. Large lists cut and move only in whole units of their
    /// alignment, so no piece forces millions of pages.
    func pageList(pa: UInt64, size: UInt64, using random: inout SeededGenerator) -> [PageExtent] {
        let small = size / geometry.pageSize <= pageBudget
        let largest: UInt64 = 1 << UInt64(leafShifts.last!)
        let unit = small ? geometry.pageSize : min(UInt64(1) << UInt64(size.trailingZeroBitCount), largest)
        let units = size / unit
        var cuts = Set((0..<Int.random(in: 0...3, using: &random)).map { _ in UInt64.random(in: 0..<units, using: &random) * unit })
        cuts.insert(0)
        let starts = cuts.sorted()
        var pages: [PageExtent] = []
        for (index, start) in starts.enumerated() {
            let length = (index + 1 < starts.count ? starts[index + 1] : size) - start
            var output = pa + start
            if index > 0 && Bool.random(using: &random) {
                // Moved: anywhere page-aligned if small, else keeping the low bits that decide leaves.
                let limit = geometry.outputLimit - length
                let moved = alignedAddress(below: limit, unit: small ? geometry.pageSize : largest, using: &random)
                let candidate = small ? moved : moved | (output & (largest - 1))
                if candidate <= limit { output = candidate }
            }
            pages.append(PageExtent(physicalAddress: output, length: length))
        }
        return pages
    }

    /// A repeat of one page of a single-item leaf size, over up to 2048 pages from `near`.
    private func repeatPage(near iova: UInt64, model: ReferenceModel, using random: inout SeededGenerator) -> Operation {
        let shifts = (0..<geometry.levelCount).filter { geometry[$0].allowsLeaf }.map { geometry[$0].itemShift }
        let pageSize: UInt64 = 1 << UInt64(shifts.randomElement(using: &random)!)
        let start = min(iova & ~(pageSize - 1), geometry.inputLimit - pageSize)
        let room = (geometry.inputLimit - start) / pageSize
        let pages = UInt64.random(in: 1...max(1, min(2048, room, window / pageSize)), using: &random)
        let pa = alignedAddress(below: geometry.outputLimit - pageSize, unit: pageSize, using: &random)
        return .repeatPage(iova: start, pa: pa, pageSize: pageSize, size: pages * pageSize,
                           attributes: randomAttributes(using: &random))
    }

    /// Addresses worth translating after `operation`: its ends and a few random ones.
    func probes(around operation: Operation, model: ReferenceModel, using random: inout SeededGenerator) -> [UInt64] {
        let (start, size): (UInt64, UInt64)
        (start, size) = (operation.range.lowerBound, operation.range.upperBound - operation.range.lowerBound)
        var probes = [start, start + size - 1, start + UInt64.random(in: 0..<size, using: &random)]
        probes.append(origin + UInt64.random(in: 0..<window, using: &random))
        if let leaf = model.leaves.randomElement(using: &random) {
            probes.append(leaf.start + UInt64.random(in: 0..<leaf.size, using: &random))
        }
        return probes.filter { $0 < geometry.inputLimit }
    }

    private func alignedAddress(below limit: UInt64, unit: UInt64, using random: inout SeededGenerator) -> UInt64 {
        guard limit >= unit else { return 0 }
        return UInt64.random(in: 0..<(limit / unit), using: &random) * unit
    }

    /// A leaf larger than a page, if one of a few random draws finds one.
    private func largeLeaf(in model: ReferenceModel, using random: inout SeededGenerator) -> ReferenceModel.Leaf? {
        for _ in 0..<8 {
            if let leaf = model.leaves.randomElement(using: &random), leaf.size > geometry.pageSize { return leaf }
        }
        return nil
    }

    /// Random attributes, weighted as maps draw them.
    func attributes(using random: inout SeededGenerator) -> MapAttributes { randomAttributes(using: &random) }

    private func randomAttributes(using random: inout SeededGenerator) -> MapAttributes {
        let accessChoices: [MapAttributes.Access] = [.read, [.read, .write], [.read, .execute], [.read, .write, .execute],
                                                     .write, [], .execute]
        let weights = [6, 8, 3, 3, 1, 1, 1]
        var pick = Int.random(in: 0..<weights.reduce(0, +), using: &random)
        var access: MapAttributes.Access = .read
        for (choice, weight) in zip(accessChoices, weights) {
            if pick < weight { access = choice; break }
            pick -= weight
        }
        let memoryType = [MapAttributes.MemoryType.normal, .cacheable, .device].randomElement(using: &random)!
        return MapAttributes(access: access, privileged: Int.random(in: 0..<4, using: &random) == 0, memoryType: memoryType,
                             global: Int.random(in: 0..<8, using: &random) == 0)
    }
}

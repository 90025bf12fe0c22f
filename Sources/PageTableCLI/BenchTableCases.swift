import PageTableKit

/// The operations a driver calls most, as cases every format gets: one 4 KiB page mapped or
/// unmapped on a populated table, the pair on one slot, a teardown, and one-call maps on fresh
/// tables.
///
/// Each case names its format's concrete table type (``BenchTarget``) and runs the generic
/// ``TableOperations`` code with it, so what is measured is that format's specialised walker.
struct TableOperationCase: BenchCase {
    let name: String
    /// What one operation is.
    let operation: TableOperation
    /// The format and table type it runs on.
    let target: BenchTarget

    var format: String { target.formatName }

    func bytes(at scale: BenchScale) -> UInt64 {
        if case .mapFresh(let bytes, _) = operation { return bytes }
        return target.populatedBytes(at: scale)
    }

    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample {
        let populated = target.populatedBytes(at: scale)
        switch target {
        case .armLPAE:
            return TableOperations.measure(operation, on: LPAEBench.makeTable(in: memory), populatedBytes: populated)
        case .armV7Short:
            return TableOperations.measure(operation, on: V7SMapCase.makeTable(in: memory), populatedBytes: populated)
        case .gpuLPAE:
            return TableOperations.measure(operation, on: GPURepeatCase.makeTable(in: memory),
                                           populatedBytes: populated)
        }
    }

    /// The cases of `target`, names prefixed with `prefix` (`""`, `"v7s-"`, `"gpu-"`); the
    /// largest fresh map is `blockBytes` (a 2 MiB block, or a 1 MiB section) named `blockName`.
    static func cases(for target: BenchTarget, prefix: String, teardownName: String, blockBytes: UInt64,
                      blockName: String) -> [TableOperationCase] {
        [
            TableOperationCase(name: prefix + "map-one-4k", operation: .mapOne, target: target),
            TableOperationCase(name: prefix + "unmap-one-4k", operation: .unmapOne, target: target),
            TableOperationCase(name: prefix + "map-unmap-one-4k", operation: .mapUnmapOne, target: target),
            TableOperationCase(name: prefix + teardownName, operation: .teardown, target: target),
            TableOperationCase(name: prefix + "map-4k-fresh", operation: .mapFresh(bytes: 4 << 10, physicalOffset: 4096),
                               target: target),
            TableOperationCase(name: prefix + "map-64k-fresh",
                               operation: .mapFresh(bytes: 64 << 10, physicalOffset: 64 << 10), target: target),
            TableOperationCase(name: prefix + "map-\(blockName)-fresh",
                               operation: .mapFresh(bytes: blockBytes, physicalOffset: blockBytes), target: target),
        ]
    }
}

/// What a ``TableOperationCase`` times.
enum TableOperation: Sendable {
    /// Map one 4 KiB page at strided addresses inside the populated range (whose pages there
    /// were unmapped first); per call.
    case mapOne
    /// Unmap one 4 KiB page at strided addresses inside the populated range; per call.
    case unmapOne
    /// Map and unmap the same slot (holes made first, as for ``mapOne``); per pair.
    case mapUnmapOne
    /// Drop a table holding the populated range; per teardown.
    case teardown
    /// One call mapping `bytes` at `memory base + physicalOffset` on a fresh table; per call.
    case mapFresh(bytes: UInt64, physicalOffset: UInt64)
}

/// The formats table-operation cases run on, each with its concrete table type.
enum BenchTarget: Sendable {
    /// `arm-lpae-64`, 4K granule, ias 39 (``LPAEBench/Table``).
    case armLPAE
    /// `arm-v7s` (``V7SMapCase/Table``).
    case armV7Short
    /// `gpu-lpae`, ias 48 (``GPURepeatCase/Table``).
    case gpuLPAE

    var formatName: String {
        switch self {
        case .armLPAE: ARMLPAE.formatName
        case .armV7Short: ARMv7Short.formatName
        case .gpuLPAE: GPULPAE.formatName
        }
    }

    /// The populated range: what `map-4k` maps (what `v7s-map-4k` maps for arm-v7s).
    func populatedBytes(at scale: BenchScale) -> UInt64 {
        self == .armV7Short ? scale.shortDescriptorBytes : scale.mappingBytes
    }
}

/// The generic bodies of the table-operation cases, specialised for each concrete table type
/// they are called with.
enum TableOperations {
    /// Single-page operations per repetition: a quarter of the populated pages, at most 4096.
    static func singlePageCount(populatedBytes: UInt64) -> Int {
        Int(min(4096, (populatedBytes >> 12) / 4))
    }

    /// One-call maps on fresh ranges timed together per repetition.
    static let freshBatch = 64

    /// Runs `operation` once on `table` (fresh and empty) and returns what was timed.
    static func measure<Format, Allocator>(
        _ operation: TableOperation, on table: consuming PageTable<Format, PhysicalArena, Allocator, OfflineInvalidator>,
        populatedBytes: UInt64
    ) -> BenchSample {
        let first = LPAEBench.firstIOVA
        let physical = BenchMemory.base &+ 4096
        if case .mapFresh(let bytes, let offset) = operation {
            // Range k starts an empty top-level item (or more, for large maps): each call
            // allocates its tables as on a fresh table.
            let top = table.format.geometry[table.format.geometry.topLevel]
            let stride = max(top.itemSize, bytes)
            let empty = (tables: table.tableCount, bytes: table.tableBytes)
            let nanoseconds = timedFreshMaps(&table, count: freshBatch, bytes: bytes, stride: stride,
                                             physical: BenchMemory.base &+ offset)
            return BenchSample(nanoseconds: nanoseconds, ops: freshBatch,
                               tables: empty.tables + (table.tableCount - empty.tables) / freshBatch,
                               tableBytes: empty.bytes + (table.tableBytes - empty.bytes) / freshBatch)
        }
        let populate = table.map(iova: first, to: physical, size: populatedBytes, attributes: LPAEBench.attributes)
        precondition(populate.isComplete, "bench: populating the table failed")
        let count = singlePageCount(populatedBytes: populatedBytes)
        let stride = populatedBytes / UInt64(count)
        let nanoseconds: UInt64
        switch operation {
        case .mapOne:
            makeHoles(&table, count: count, stride: stride)
            nanoseconds = timedSinglePages(&table, count: count, stride: stride, physical: physical, map: true,
                                           unmap: false)
        case .unmapOne:
            nanoseconds = timedSinglePages(&table, count: count, stride: stride, physical: physical, map: false,
                                           unmap: true)
        case .mapUnmapOne:
            makeHoles(&table, count: count, stride: stride)
            nanoseconds = timedSinglePages(&table, count: count, stride: stride, physical: physical, map: true,
                                           unmap: true)
        case .teardown:
            let live = (tables: table.tableCount, bytes: table.tableBytes)
            let start = BenchClock.now()
            drop(table)
            return BenchSample(nanoseconds: BenchClock.now() &- start, ops: 1, tables: live.tables,
                               tableBytes: live.bytes)
        case .mapFresh:
            preconditionFailure("handled above")
        }
        return BenchSample(nanoseconds: nanoseconds, ops: count, tables: table.tableCount,
                           tableBytes: table.tableBytes)
    }

    /// Ends `table`'s life here, so its teardown runs inside the caller's timed region.
    @inline(never)
    static func drop<Format, Allocator>(_ table: consuming PageTable<Format, PhysicalArena, Allocator,
                                                                      OfflineInvalidator>) {}

    /// Unmaps (untimed) the pages the single-page maps will fill.
    static func makeHoles<Format, Allocator>(
        _ table: inout PageTable<Format, PhysicalArena, Allocator, OfflineInvalidator>, count: Int, stride: UInt64
    ) {
        for k in 0..<count {
            let outcome = table.unmap(iova: LPAEBench.firstIOVA &+ UInt64(k) &* stride, size: 4096)
            precondition(outcome.isComplete, "bench: making a hole failed")
        }
    }

    /// `count` one-page calls at `first + k * stride` (to `physical + k * stride`): a map, an
    /// unmap, or both, timed together. Out of line, so profilers see it as one function.
    @inline(never)
    static func timedSinglePages<Format, Allocator>(
        _ table: inout PageTable<Format, PhysicalArena, Allocator, OfflineInvalidator>, count: Int, stride: UInt64,
        physical: PhysicalAddress, map: Bool, unmap: Bool
    ) -> UInt64 {
        let attributes = LPAEBench.attributes
        let first = LPAEBench.firstIOVA
        var failures = 0
        let start = BenchClock.now()
        for k in 0..<count {
            let offset = UInt64(truncatingIfNeeded: k) &* stride
            if map {
                let outcome = table.map(iova: first &+ offset, to: physical &+ offset, size: 4096, attributes: attributes)
                if outcome.error != nil || outcome.bytes != 4096 { failures &+= 1 }
            }
            if unmap {
                let outcome = table.unmap(iova: first &+ offset, size: 4096)
                if outcome.error != nil || outcome.bytes != 4096 { failures &+= 1 }
            }
        }
        let elapsed = BenchClock.now() &- start
        precondition(failures == 0, "bench: a single-page operation failed")
        return elapsed
    }

    /// `count` maps of `bytes`, range k at `first + k * stride`, timed together.
    @inline(never)
    static func timedFreshMaps<Format, Allocator>(
        _ table: inout PageTable<Format, PhysicalArena, Allocator, OfflineInvalidator>, count: Int, bytes: UInt64,
        stride: UInt64, physical: PhysicalAddress
    ) -> UInt64 {
        let attributes = LPAEBench.attributes
        var failures = 0
        let start = BenchClock.now()
        for k in 0..<count {
            let iova = LPAEBench.firstIOVA &+ UInt64(truncatingIfNeeded: k) &* stride
            let outcome = table.map(iova: iova, to: physical, size: bytes, attributes: attributes)
            if outcome.error != nil || outcome.bytes != bytes { failures &+= 1 }
        }
        let elapsed = BenchClock.now() &- start
        precondition(failures == 0, "bench: a fresh map failed")
        return elapsed
    }
}

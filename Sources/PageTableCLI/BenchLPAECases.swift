import PageTableKit

/// What the ARM LPAE cases share: `arm-lpae-64`, 4 KiB granule, stage 1, 39-bit input
/// addresses (three levels, a 4 KiB top table), the concrete table type, and the ranges.
///
/// Ranges start at IOVA 1 GiB. A run that times several small operations together (the
/// scaling run) puts operation `k` at IOVA `(1 + k)` GiB, so each one starts from empty
/// tables exactly as a single operation on a fresh table would.
enum LPAEBench {
    /// The table type measured: fully concrete, so the walker is specialised for ARMLPAE.
    typealias Table = PageTable<ARMLPAE, PhysicalArena, BuddyAllocator, OfflineInvalidator>

    /// The first input address of every range.
    static let firstIOVA: VirtualAddress = 1 << 30
    /// Distance between the ranges of one batch: one top-level item.
    static let batchStride: UInt64 = 1 << 30
    /// Read-write cacheable, as a DMA mapping would be.
    static let attributes = MapAttributes(access: [.read, .write], memoryType: .cacheable)

    /// A fresh, empty table in `memory`.
    static func makeTable(in memory: BenchMemory) -> Table {
        let format: ARMLPAE
        do throws(ARMLPAE.ConfigurationError) {
            format = try ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: 39)
        } catch {
            fatalError("bench: \(error)")
        }
        do throws(PageTableError) {
            return try Table(format: format, memory: memory.arena, allocator: memory.allocator,
                             invalidator: OfflineInvalidator())
        } catch {
            fatalError("bench: \(error)")
        }
    }

    /// How many operations of `bytes` one sample times together: enough that a sample lasts
    /// well above the clock's resolution, at most 64 and at least 1 (16 MiB and larger).
    static func batchCount(bytes: UInt64) -> Int {
        Int(max(1, min(64, (16 << 20) / bytes)))
    }

    /// Maps `count` ranges of `bytes` (range `k` at `firstIOVA + k * batchStride`) to
    /// `physical`, timing the whole loop.
    static func timedMaps(_ table: inout Table, count: Int, bytes: UInt64, physical: PhysicalAddress) -> UInt64 {
        let attributes = Self.attributes
        var failures = 0
        let start = BenchClock.now()
        for k in 0..<count {
            let iova = firstIOVA &+ UInt64(truncatingIfNeeded: k) &* batchStride
            let outcome = table.map(iova: iova, to: physical, size: bytes, attributes: attributes)
            if outcome.error != nil || outcome.bytes != bytes { failures &+= 1 }
        }
        let elapsed = BenchClock.now() &- start
        precondition(failures == 0, "bench: a map failed")
        return elapsed
    }

    /// Unmaps the ranges ``timedMaps(_:count:bytes:physical:)`` mapped, timing the whole loop.
    static func timedUnmaps(_ table: inout Table, count: Int, bytes: UInt64) -> UInt64 {
        var failures = 0
        let start = BenchClock.now()
        for k in 0..<count {
            let iova = firstIOVA &+ UInt64(truncatingIfNeeded: k) &* batchStride
            let outcome = table.unmap(iova: iova, size: bytes)
            if outcome.error != nil || outcome.bytes != bytes { failures &+= 1 }
        }
        let elapsed = BenchClock.now() &- start
        precondition(failures == 0, "bench: an unmap failed")
        return elapsed
    }

    /// `count` random translations in `start ..< start + size` (`size` a power of two), timed;
    /// returns the time and the wrapping sum of the answers.
    @inline(never)
    static func timedTranslations(_ table: borrowing Table, count: Int, start: VirtualAddress,
                                  size: UInt64, seed: UInt64) -> (nanoseconds: UInt64, sum: UInt64) {
        var random = BenchRandom(seed: seed)
        let mask = size &- 1
        var sum: UInt64 = 0
        let begin = BenchClock.now()
        for _ in 0..<count {
            let iova = start &+ (random.next() & mask)
            sum &+= table.translate(iova) ?? 0
        }
        let elapsed = BenchClock.now() &- begin
        return (elapsed, sum)
    }

    /// Live tables one of `count` equal operations leaves: what the empty table had (the
    /// shared top table) plus one operation's share of the rest.
    static func tablesPerOperation(_ table: borrowing Table, count: Int, empty: (tables: Int, bytes: Int))
        -> (tables: Int, bytes: Int) {
        (empty.tables + (table.tableCount - empty.tables) / count,
         empty.bytes + (table.tableBytes - empty.bytes) / count)
    }
}

/// `map-4k` (the PA offset by 4 KiB forces 4 KiB pages; per page) and `map-2m` (2 MiB-aligned
/// PA, 2 MiB blocks; per block): maps the range in one call on a fresh table.
struct LPAEMapCase: BenchCase {
    let name: String
    var format: String { ARMLPAE.formatName }
    /// Offset of the output range from the memory base: chooses the leaf size.
    let physicalOffset: UInt64
    /// log2 of the leaf size the offset leads to: operations are leaves.
    let leafShift: Int
    /// The mapping size, if not the scale's (the scaling run).
    var fixedBytes: UInt64? = nil
    /// Whether to time several operations together (the scaling run's small sizes).
    var batched = false

    static let map4K = LPAEMapCase(name: "map-4k", physicalOffset: 4096, leafShift: 12)
    static let map2M = LPAEMapCase(name: "map-2m", physicalOffset: 2 << 20, leafShift: 21)

    func bytes(at scale: BenchScale) -> UInt64 { fixedBytes ?? scale.mappingBytes }

    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample {
        let bytes = bytes(at: scale)
        let count = batched ? LPAEBench.batchCount(bytes: bytes) : 1
        var table = LPAEBench.makeTable(in: memory)
        let empty = (tables: table.tableCount, bytes: table.tableBytes)
        let nanoseconds = LPAEBench.timedMaps(&table, count: count, bytes: bytes,
                                              physical: BenchMemory.base &+ physicalOffset)
        let live = LPAEBench.tablesPerOperation(table, count: count, empty: empty)
        return BenchSample(nanoseconds: nanoseconds, ops: count * Int(bytes >> UInt64(leafShift)),
                           tables: live.tables, tableBytes: live.bytes)
    }
}

/// `unmap-4k`: unmaps the `map-4k` range in one call, including the deferred freeing of its
/// tables; per page.
struct LPAEUnmapCase: BenchCase {
    let name: String
    var format: String { ARMLPAE.formatName }
    /// The mapping size, if not the scale's (the scaling run).
    var fixedBytes: UInt64? = nil
    /// Whether to time several operations together (the scaling run's small sizes).
    var batched = false

    static let unmap4K = LPAEUnmapCase(name: "unmap-4k")

    func bytes(at scale: BenchScale) -> UInt64 { fixedBytes ?? scale.mappingBytes }

    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample {
        let bytes = bytes(at: scale)
        let count = batched ? LPAEBench.batchCount(bytes: bytes) : 1
        var table = LPAEBench.makeTable(in: memory)
        _ = LPAEBench.timedMaps(&table, count: count, bytes: bytes, physical: BenchMemory.base &+ 4096)
        let nanoseconds = LPAEBench.timedUnmaps(&table, count: count, bytes: bytes)
        return BenchSample(nanoseconds: nanoseconds, ops: count * Int(bytes >> 12),
                           tables: table.tableCount, tableBytes: table.tableBytes)
    }
}

/// `translate`: random translations (any byte offset) inside the `map-4k` range; per lookup.
struct LPAETranslateCase: BenchCase {
    let name: String
    var format: String { ARMLPAE.formatName }
    /// The generator's seed, shared with the C baseline.
    static let seed: UInt64 = 0x0123_4567_89AB_CDEF

    static let translate = LPAETranslateCase(name: "translate")

    func bytes(at scale: BenchScale) -> UInt64 { scale.mappingBytes }

    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample {
        let bytes = scale.mappingBytes
        var table = LPAEBench.makeTable(in: memory)
        _ = LPAEBench.timedMaps(&table, count: 1, bytes: bytes, physical: BenchMemory.base &+ 4096)
        let timed = LPAEBench.timedTranslations(table, count: scale.lookups, start: LPAEBench.firstIOVA,
                                                size: bytes, seed: Self.seed)
        BenchSink.consume(timed.sum)
        return BenchSample(nanoseconds: timed.nanoseconds, ops: scale.lookups, tables: table.tableCount,
                           tableBytes: table.tableBytes, checksum: timed.sum)
    }
}

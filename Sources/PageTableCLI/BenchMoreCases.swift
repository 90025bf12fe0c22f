import PageTableKit

/// `v7s-map-4k`: `arm-v7s` (ARMv7 short descriptors), 16 MiB of 4 KiB pages mapped in one call
/// (the output address is offset by 4 KiB, so neither 64 KiB large pages nor sections fit);
/// per page. Tables come from the allocator the `run` command gives this format: 1 KiB L2
/// tables from a slab in a low zone of the memory, the 16 KiB L1 table from the rest.
struct V7SMapCase: BenchCase {
    var name: String { "v7s-map-4k" }
    var format: String { ARMv7Short.formatName }

    /// The table type measured, fully concrete.
    typealias Table = PageTable<ARMv7Short, PhysicalArena, ZonedAllocator<BuddyAllocator, BuddyAllocator>,
                                OfflineInvalidator>

    func bytes(at scale: BenchScale) -> UInt64 { scale.shortDescriptorBytes }

    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample {
        let bytes = bytes(at: scale)
        var table = Self.makeTable(in: memory)
        let nanoseconds = Self.timedMap(&table, bytes: bytes)
        return BenchSample(nanoseconds: nanoseconds, ops: Int(bytes >> 12), tables: table.tableCount,
                           tableBytes: table.tableBytes)
    }

    /// A fresh, empty table in `memory`, with the allocator the `run` command gives this format.
    static func makeTable(in memory: BenchMemory) -> Table {
        // The zone of 1 KiB tables, as the `run` command's default (1M), within small memories.
        let zoneBytes = min(1 << 20, memory.arena.size / 4)
        let allocator = FormatEntry.armV7ShortAllocator(memory: memory.arena, zoneBytes: zoneBytes)
        do throws(PageTableError) {
            return try Table(format: ARMv7Short(), memory: memory.arena, allocator: allocator,
                             invalidator: OfflineInvalidator())
        } catch {
            fatalError("bench: \(error)")
        }
    }

    static func timedMap(_ table: inout Table, bytes: UInt64) -> UInt64 {
        let start = BenchClock.now()
        let outcome = table.map(iova: LPAEBench.firstIOVA, to: BenchMemory.base &+ 4096, size: bytes,
                                attributes: LPAEBench.attributes)
        let elapsed = BenchClock.now() &- start
        precondition(outcome.error == nil && outcome.bytes == bytes, "bench: the v7s map failed")
        return elapsed
    }
}

/// `gpu-repeat-1t`: `gpu-lpae` (48-bit input), one 4 KiB page repeated over 1 TiB with
/// `mapRepeat`, which shares fully covered tables; `nsPerOp` is the whole operation and `tables`
/// what it used (the goal: under 1 ms and at most 8 tables).
struct GPURepeatCase: BenchCase {
    var name: String { "gpu-repeat-1t" }
    var format: String { GPULPAE.formatName }

    /// The table type measured, fully concrete.
    typealias Table = PageTable<GPULPAE, PhysicalArena, BuddyAllocator, OfflineInvalidator>

    /// Where the repeated range starts: 1 TiB.
    static let iova: VirtualAddress = 1 << 40

    func bytes(at scale: BenchScale) -> UInt64 { scale.repeatBytes }

    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample {
        let bytes = bytes(at: scale)
        var table = Self.makeTable(in: memory)
        let nanoseconds = Self.timedRepeat(&table, bytes: bytes)
        return BenchSample(nanoseconds: nanoseconds, ops: 1, tables: table.tableCount, tableBytes: table.tableBytes)
    }

    /// A fresh, empty table in `memory`.
    static func makeTable(in memory: BenchMemory) -> Table {
        do {
            return try Table(format: try GPULPAE(), memory: memory.arena, allocator: memory.allocator,
                             invalidator: OfflineInvalidator())
        } catch {
            fatalError("bench: \(error)")
        }
    }

    static func timedRepeat(_ table: inout Table, bytes: UInt64) -> UInt64 {
        let start = BenchClock.now()
        let outcome = table.mapRepeat(iova: iova, size: bytes, physicalAddress: BenchMemory.base, pageSize: 4096,
                                      attributes: LPAEBench.attributes)
        let elapsed = BenchClock.now() &- start
        precondition(outcome.error == nil && outcome.bytes == bytes, "bench: the repeat map failed")
        return elapsed
    }
}

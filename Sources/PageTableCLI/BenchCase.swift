import PageTableKit

/// One standard benchmark case of `pagetable bench`: a fixed name, the format it runs on, and
/// how one repetition is measured.
///
/// Adding a case is one small type conforming to this protocol plus one entry in
/// ``BenchCatalog/standard`` (see `BenchMoreCases.swift` for two).
/// A case must name concrete table types (`PageTable<ARMLPAE, PhysicalArena, BuddyAllocator,
/// OfflineInvalidator>`, never `AnyPageTable`) so the walker specialised for its format is what
/// gets measured, and must keep its measured loop inside a function working on locals.
protocol BenchCase: Sendable {
    /// The fixed case name other programs key on, for example `map-4k`.
    var name: String { get }
    /// The format's catalogue name, for example `arm-lpae-64`.
    var format: String { get }
    /// Bytes of input address space the case works on at `scale`.
    func bytes(at scale: BenchScale) -> UInt64
    /// Runs one repetition on a fresh table in `memory` and returns what was timed.
    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample
}

/// How large the standard cases are: the sizes the performance issue fixes, or tiny ones so
/// tests can run every case in milliseconds.
struct BenchScale: Sendable {
    /// Bytes the ARM LPAE cases map, unmap and translate in (1 GiB).
    var mappingBytes: UInt64
    /// Random translations per repetition of `translate`.
    var lookups: Int
    /// Bytes of simulated physical memory tables are allocated from.
    var memorySize: Int
    /// Bytes `v7s-map-4k` maps (16 MiB).
    var shortDescriptorBytes: UInt64
    /// Bytes `gpu-repeat-1t` covers with one repeated page (1 TiB).
    var repeatBytes: UInt64

    /// The sizes `pagetable bench` runs: 1 GiB, one million lookups, 64 MiB of table memory,
    /// 16 MiB of short-descriptor pages, a 1 TiB repeat.
    static let standard = BenchScale(mappingBytes: 1 << 30, lookups: 1_000_000, memorySize: 64 << 20,
                                     shortDescriptorBytes: 16 << 20, repeatBytes: 1 << 40)
    /// 4 MiB, a thousand lookups, 1 MiB of short-descriptor pages, a 1 GiB repeat: the same
    /// code paths, for tests.
    static let tiny = BenchScale(mappingBytes: 4 << 20, lookups: 1_000, memorySize: 1 << 20,
                                 shortDescriptorBytes: 1 << 20, repeatBytes: 1 << 30)
}

/// The simulated physical memory and the allocator a case's tables come from. One is made per
/// case and reused by every repetition (each repetition's table is dropped, returning its
/// tables), so repetitions after the warm-up run on memory that is already faulted in.
final class BenchMemory {
    /// The physical address memory starts at, as the `run` command's default.
    static let base: PhysicalAddress = 0x8000_0000

    /// The table memory.
    let arena: PhysicalArena
    /// Its allocator.
    let allocator: BuddyAllocator

    /// `size` bytes at ``base``.
    init(size: Int) {
        guard let arena = PhysicalArena(base: Self.base, size: size) else {
            fatalError("bench: cannot allocate \(size) bytes of table memory")
        }
        self.arena = arena
        self.allocator = BuddyAllocator(arena: arena)
    }
}

/// What one repetition measured.
struct BenchSample: Sendable {
    /// Time of the measured region.
    var nanoseconds: UInt64
    /// Operations in it (pages, blocks, lookups, or 1 for a whole operation).
    var ops: Int
    /// Live tables after the operation (for batched runs, what one operation leaves).
    var tables: Int
    /// Their bytes.
    var tableBytes: Int
    /// A digest of the answers, where the case computes answers (translate): the C baseline
    /// computes the same digest, so equal digests show both did the same work.
    var checksum: UInt64? = nil

    /// Nanoseconds per operation.
    var nanosecondsPerOp: Double { Double(nanoseconds) / Double(max(ops, 1)) }
}

/// One case's figures over all repetitions.
struct BenchResult: Sendable, Equatable {
    /// The case name.
    var name: String
    /// The format name.
    var format: String
    /// Bytes of input address space worked on.
    var bytes: UInt64
    /// Operations per repetition.
    var ops: Int
    /// Median nanoseconds per operation over the repetitions.
    var nanosecondsPerOp: Double
    /// Fastest repetition's nanoseconds per operation.
    var minimumNanosecondsPerOp: Double
    /// Repetitions measured (after one unmeasured warm-up).
    var repetitions: Int
    /// Live tables after the operation.
    var tables: Int
    /// Their bytes.
    var tableBytes: Int
    /// The answers' digest, if the case computes answers.
    var checksum: UInt64?
}

/// Runs cases: one warm-up repetition, then the measured ones, reporting the median.
enum BenchRunner {
    /// Runs `benchCase` `repetitions` times (after a warm-up) at `scale`.
    static func run(_ benchCase: some BenchCase, scale: BenchScale, repetitions: Int) -> BenchResult {
        precondition(repetitions >= 1, "at least one repetition")
        let memory = BenchMemory(size: scale.memorySize)
        _ = benchCase.measure(at: scale, in: memory)
        var samples: [BenchSample] = []
        samples.reserveCapacity(repetitions)
        for _ in 0..<repetitions {
            samples.append(benchCase.measure(at: scale, in: memory))
        }
        let perOp = samples.map(\.nanosecondsPerOp).sorted()
        let middle = perOp.count / 2
        let median = perOp.count % 2 == 1 ? perOp[middle] : (perOp[middle - 1] + perOp[middle]) / 2
        let last = samples[samples.count - 1]
        return BenchResult(name: benchCase.name, format: benchCase.format, bytes: benchCase.bytes(at: scale),
                           ops: last.ops, nanosecondsPerOp: median, minimumNanosecondsPerOp: perOp[0],
                           repetitions: repetitions, tables: last.tables, tableBytes: last.tableBytes,
                           checksum: last.checksum)
    }
}

/// The cases `pagetable bench` knows.
enum BenchCatalog {
    /// The standard cases, in report order. A case is listed once its format exists.
    static let standard: [any BenchCase] = [
        LPAEMapCase.map4K,
        LPAEUnmapCase.unmap4K,
        LPAETranslateCase.translate,
        LPAEMapCase.map2M,
        V7SMapCase(),
        GPURepeatCase(),
    ] + TableOperationCase.cases(for: .armLPAE, prefix: "", teardownName: "teardown-1g", blockBytes: 2 << 20,
                                 blockName: "2m")
      + TableOperationCase.cases(for: .armV7Short, prefix: "v7s-", teardownName: "teardown-16m",
                                 blockBytes: 1 << 20, blockName: "1m")
      + TableOperationCase.cases(for: .gpuLPAE, prefix: "gpu-", teardownName: "teardown-1g", blockBytes: 2 << 20,
                                 blockName: "2m")
      + ConcurrentMapUnmapCase.cases

    /// Mapping sizes of the scaling run: 4 KiB to 4 GiB in powers of four.
    static let scalingSizes: [UInt64] = (0...10).map { UInt64(4096) << (2 * UInt64($0)) }

    /// The scaling run: `map-4k` and `unmap-4k` at every size of ``scalingSizes``.
    static var scaling: [any BenchCase] {
        scalingSizes.flatMap { bytes -> [any BenchCase] in
            [LPAEMapCase(name: "map-4k", physicalOffset: 4096, leafShift: 12, fixedBytes: bytes, batched: true),
             LPAEUnmapCase(name: "unmap-4k", fixedBytes: bytes, batched: true)]
        }
    }
}

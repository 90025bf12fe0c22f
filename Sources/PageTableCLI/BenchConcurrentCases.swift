import Foundation
import PageTableConcurrent
import PageTableKit
import Synchronization

/// `concurrent-4k-1t`, `concurrent-4k-2t`, `concurrent-4k-all`: a ``ConcurrentPageTable`` of
/// `arm-lpae-64` (4 KiB granule), the `map-4k` range (1 GiB) mapped and then unmapped as 4 KiB
/// pages by 1 thread, 2 threads, and one thread per core, on disjoint ranges under one shared
/// top table: the range is cut into 2 MiB chunks (one page table each), dealt round-robin to the
/// threads, each chunk mapped in one call and later unmapped in one call (which unlinks and
/// frees its page table after a grace period). Tables come from the bench memory's buddy
/// allocator behind a ``LockedAllocator``.
///
/// `nsPerOp` is wall time per page (its map and its unmap), from the moment every thread is
/// ready to the moment the last finishes, whatever `--clock` says: the scaling from 1 to N threads is the 1-thread
/// figure divided by the N-thread one (see `docs/concurrency.md`).
struct ConcurrentMapUnmapCase: BenchCase {
    let name: String
    /// Threads to run; 0 means one per active processor.
    let threads: Int
    var format: String { ARMLPAE.formatName }

    /// The table type measured, fully concrete.
    typealias Table = ConcurrentPageTable<ARMLPAE, PhysicalArena, LockedAllocator<BuddyAllocator>, OfflineInvalidator>

    /// Bytes each call maps or unmaps: one page table's span.
    static let chunkBytes: UInt64 = 2 << 20

    static let cases: [any BenchCase] = [
        ConcurrentMapUnmapCase(name: "concurrent-4k-1t", threads: 1),
        ConcurrentMapUnmapCase(name: "concurrent-4k-2t", threads: 2),
        ConcurrentMapUnmapCase(name: "concurrent-4k-all", threads: 0),
    ]

    func bytes(at scale: BenchScale) -> UInt64 { scale.mappingBytes }

    func measure(at scale: BenchScale, in memory: BenchMemory) -> BenchSample {
        let bytes = bytes(at: scale)
        let table: Table
        do throws(PageTableError) {
            table = try Table(format: try! ARMLPAE(granule: .size4K, stage: .stage1, inputAddressBits: 48,
                                                   outputAddressBits: 48),
                              memory: memory.arena, allocator: LockedAllocator(memory.allocator),
                              invalidator: OfflineInvalidator())
        } catch {
            fatalError("bench: \(error)")
        }
        let count = threads > 0 ? threads : max(ProcessInfo.processInfo.activeProcessorCount, 1)
        let nanoseconds = Self.timedMapUnmap(table, bytes: bytes, threads: count)
        return BenchSample(nanoseconds: nanoseconds, ops: Int(bytes >> 12), tables: table.tableCount,
                           tableBytes: table.tableBytes)
    }

    /// Starts `threads - 1` threads and works as the last one itself; times from when all are
    /// ready to when the last is done.
    static func timedMapUnmap(_ table: Table, bytes: UInt64, threads: Int) -> UInt64 {
        let ready = Atomic<Int>(0)
        let go = Atomic<Bool>(false)
        let done = Atomic<Int>(0)
        let chunks = Int(max(bytes / chunkBytes, 1))
        let size = min(bytes, chunkBytes)
        for thread in 1..<max(threads, 1) {
            let worker = Thread {
                ready.add(1, ordering: .releasing)
                while !go.load(ordering: .acquiring) { sched_yield() }
                work(table, thread: thread, threads: threads, chunks: chunks, size: size)
                done.add(1, ordering: .releasing)
            }
            worker.start()
        }
        while ready.load(ordering: .acquiring) < threads - 1 { sched_yield() }
        let start = BenchClock.wallNow()
        go.store(true, ordering: .releasing)
        work(table, thread: 0, threads: threads, chunks: chunks, size: size)
        while done.load(ordering: .acquiring) < threads - 1 { sched_yield() }
        return BenchClock.wallNow() &- start
    }

    /// One thread's share: map its chunks, then unmap them.
    static func work(_ table: Table, thread: Int, threads: Int, chunks: Int, size: UInt64) {
        var chunk = thread
        while chunk < chunks {
            let iova = LPAEBench.firstIOVA &+ UInt64(chunk) &* chunkBytes
            let outcome = table.map(iova: iova, to: BenchMemory.base &+ 4096 &+ UInt64(chunk) &* chunkBytes, size: size,
                                    attributes: LPAEBench.attributes)
            precondition(outcome.error == nil, "bench: a concurrent map failed: \(outcome)")
            chunk &+= threads
        }
        chunk = thread
        while chunk < chunks {
            let outcome = table.unmap(iova: LPAEBench.firstIOVA &+ UInt64(chunk) &* chunkBytes, size: size)
            precondition(outcome.error == nil, "bench: a concurrent unmap failed: \(outcome)")
            chunk &+= threads
        }
    }
}

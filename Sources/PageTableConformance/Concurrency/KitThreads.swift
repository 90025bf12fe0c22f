import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `body(index)` on `count` new POSIX threads at once and returns when all have finished
/// (joined: everything they wrote is visible afterwards).
///
/// Plain pthreads, so the kit needs no Foundation and ThreadSanitizer sees every ordering.
func runThreads(_ count: Int, _ body: @Sendable (Int) -> Void) {
    withoutActuallyEscaping(body) { body in
        var threads: [pthread_t] = []
        for index in 0..<count {
            let start = Unmanaged.passRetained(ThreadStart(index: index, body: body)).toOpaque()
            #if canImport(Darwin)
            var thread: pthread_t?
            #else
            var thread = pthread_t()
            #endif
            let created = pthread_create(&thread, nil, { context in
                let start = Unmanaged<ThreadStart>.fromOpaque(context!).takeRetainedValue()
                start.body(start.index)
                return nil
            }, start)
            precondition(created == 0, "pthread_create failed (\(created))")
            #if canImport(Darwin)
            threads.append(thread!)
            #else
            threads.append(thread)
            #endif
        }
        for thread in threads { pthread_join(thread, nil) }
    }
}

/// What a new thread runs.
private final class ThreadStart: @unchecked Sendable {
    let index: Int
    let body: @Sendable (Int) -> Void
    init(index: Int, body: @escaping @Sendable (Int) -> Void) {
        self.index = index
        self.body = body
    }
}

/// A reusable barrier: every one of `parties` threads waits in ``wait()`` until all arrive.
final class Barrier: Sendable {
    private let parties: Int
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    init(parties: Int) { self.parties = parties }

    func wait() {
        let current = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            return
        }
        while generation.load(ordering: .acquiring) == current { sched_yield() }
    }
}

/// One slot per thread, each written only by its own thread and read after the join.
final class PerThread<Value>: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<Value>
    let count: Int

    init(count: Int, initial: Value) {
        self.count = count
        slots = .allocate(capacity: count)
        slots.initialize(repeating: initial, count: count)
    }

    deinit {
        slots.deinitialize(count: count)
        slots.deallocate()
    }

    subscript(thread: Int) -> Value {
        get { slots[thread] }
        set { slots[thread] = newValue }
    }
}

/// Simulated physical memory: one zero-filled block of host memory that stands for the
/// physical range `base ..< base + size`.
///
/// This is the default table memory. Its bytes are exactly what a hardware walker would read,
/// so ``bytes`` can be written out as a table image. The arena owns its memory and releases it
/// when the last reference goes away; tables built in it must not outlive it.
public final class PhysicalArena: TableMemory, @unchecked Sendable {
    /// The physical address of the first byte.
    public let base: PhysicalAddress
    /// Size in bytes.
    public let size: Int
    @usableFromInline let host: UnsafeMutableRawPointer
    /// `host - base`, so a physical address becomes a host address with one add.
    @usableFromInline let bias: UInt
    /// Called with each range the walker cleans, when the arena stands for memory that the
    /// hardware walker reads without snooping CPU caches.
    private let cacheMaintenance: (@Sendable (PhysicalAddress, Int) -> Void)?

    /// Creates a zero-filled arena for the physical range `base ..< base + size`.
    ///
    /// With `cacheMaintenance`, the arena stands for non-coherent memory: the walker calls it
    /// with every table range it must clean before the hardware may read it (simulators and
    /// tests use it to model what the hardware sees, or to count cleans).
    ///
    /// Returns `nil` if the range is empty, wraps around, or host memory is exhausted, or if
    /// `base` is not a multiple of ``baseAlignment``: the host memory is aligned to that, so
    /// a table aligned by physical address is aligned in host memory too.
    public init?(base: PhysicalAddress, size: Int,
                 cacheMaintenance: (@Sendable (PhysicalAddress, Int) -> Void)? = nil) {
        guard size > 0, base % Self.baseAlignment == 0, base.addingReportingOverflow(UInt64(size)).overflow == false,
              let host = calloc(1, size) else { return nil }
        self.base = base
        self.size = size
        self.host = host
        self.bias = UInt(bitPattern: host) &- UInt(truncatingIfNeeded: base)
        self.cacheMaintenance = cacheMaintenance
    }

    deinit { free(host) }

    /// The alignment an arena's base must have (the host allocator's guaranteed alignment,
    /// at least that of any descriptor).
    public static let baseAlignment: UInt64 = 16

    /// The physical address one past the last byte.
    public var end: PhysicalAddress { base + UInt64(size) }

    @inlinable
    public func pointer(to address: PhysicalAddress) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(truncatingIfNeeded: address) &+ bias).unsafelyUnwrapped
    }

    @inlinable
    public func contains(_ address: PhysicalAddress, bytes: Int) -> Bool {
        address >= base && bytes >= 0 && bytes <= size && address - base <= UInt64(size - bytes)
    }

    /// Whether a cache-maintenance hook was given (non-coherent memory).
    public var requiresCacheMaintenance: Bool { cacheMaintenance != nil }

    /// Passes the range to the cache-maintenance hook, if any.
    public func makeVisible(_ address: PhysicalAddress, bytes: Int) { cacheMaintenance?(address, bytes) }

    /// The whole arena's bytes, as the CPU wrote them.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: host, count: size) }
}

#if hasFeature(Embedded)
// Embedded Swift has no C library module: the standard library's allocator stands in.
private func calloc(_ count: Int, _ size: Int) -> UnsafeMutableRawPointer? {
    let (bytes, overflow) = count.multipliedReportingOverflow(by: size)
    guard !overflow, bytes > 0 else { return nil }
    let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 16)
    memory.initializeMemory(as: UInt8.self, repeating: 0, count: bytes)
    return memory
}

private func free(_ memory: UnsafeMutableRawPointer) { memory.deallocate() }
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

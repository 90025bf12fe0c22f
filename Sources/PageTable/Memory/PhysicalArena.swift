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

    /// Creates a zero-filled arena for the physical range `base ..< base + size`.
    ///
    /// Returns `nil` if the range is empty, wraps around, or host memory is exhausted.
    public init?(base: PhysicalAddress, size: Int) {
        guard size > 0, base.addingReportingOverflow(UInt64(size)).overflow == false,
              let host = calloc(1, size) else { return nil }
        self.base = base
        self.size = size
        self.host = host
    }

    deinit { free(host) }

    /// The physical address one past the last byte.
    public var end: PhysicalAddress { base + UInt64(size) }

    @inlinable
    public func pointer(to address: PhysicalAddress) -> UnsafeMutableRawPointer {
        host + Int(truncatingIfNeeded: address &- base)
    }

    public func contains(_ address: PhysicalAddress, bytes: Int) -> Bool {
        address >= base && bytes >= 0 && bytes <= size && address - base <= UInt64(size - bytes)
    }

    /// The whole arena's bytes, as hardware would read them.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: host, count: size) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

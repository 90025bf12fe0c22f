import CPageTableAtomics
import PageTable

/// The items of one table, read and written one whole descriptor word at a time with atomic
/// instructions: a concurrent reader sees each word before or after a change, never torn.
///
/// The shared walker's `TableItems` uses plain loads and stores, which is right for a table one
/// thread owns; this is the same view with the concurrent discipline (acquire loads, release
/// stores, compare-and-swap). Descriptors are little-endian in memory, as in `TableItems`.
@frozen @usableFromInline
struct AtomicItems<Descriptor: FixedWidthInteger & UnsignedInteger> {
    @usableFromInline let base: UnsafeMutableRawPointer

    @inlinable @inline(__always)
    init(_ base: UnsafeMutableRawPointer) { self.base = base }

    /// Whether descriptors of this width can be accessed atomically (32 and 64 bits).
    @inlinable static var isSupported: Bool {
        MemoryLayout<Descriptor>.size == 8 || MemoryLayout<Descriptor>.size == 4
    }

    @inlinable @inline(__always)
    func word(_ index: Int) -> UnsafeMutableRawPointer { base + index &* MemoryLayout<Descriptor>.stride }

    /// The descriptor at `index` (acquire: a table it points at is seen as its installer left it).
    @inlinable @inline(__always)
    func load(_ index: Int) -> Descriptor {
        if MemoryLayout<Descriptor>.size == 8 {
            return Descriptor(littleEndian: Descriptor(truncatingIfNeeded: pt_load_acquire64(word(index))))
        }
        return Descriptor(littleEndian: Descriptor(truncatingIfNeeded: pt_load_acquire32(word(index))))
    }

    /// Stores `value` at `index` (release: what was written before is visible to its readers).
    @inlinable @inline(__always)
    func store(_ index: Int, _ value: Descriptor) {
        if MemoryLayout<Descriptor>.size == 8 {
            pt_store_release64(word(index), UInt64(truncatingIfNeeded: value.littleEndian))
        } else {
            pt_store_release32(word(index), UInt32(truncatingIfNeeded: value.littleEndian))
        }
    }

    /// Replaces the descriptor at `index` with `desired` if it is still `expected`; otherwise
    /// sets `expected` to what is there. Returns whether it replaced.
    @inlinable @inline(__always)
    func compareExchange(_ index: Int, expected: inout Descriptor, desired: Descriptor) -> Bool {
        if MemoryLayout<Descriptor>.size == 8 {
            var old = UInt64(truncatingIfNeeded: expected.littleEndian)
            let done = pt_compare_exchange64(word(index), &old, UInt64(truncatingIfNeeded: desired.littleEndian))
            expected = Descriptor(littleEndian: Descriptor(truncatingIfNeeded: old))
            return done
        }
        var old = UInt32(truncatingIfNeeded: expected.littleEndian)
        let done = pt_compare_exchange32(word(index), &old, UInt32(truncatingIfNeeded: desired.littleEndian))
        expected = Descriptor(littleEndian: Descriptor(truncatingIfNeeded: old))
        return done
    }
}

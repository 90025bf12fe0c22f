/// The items of one table, reached by pointer arithmetic on table memory.
///
/// Descriptors are stored little-endian, as the supported MMUs read them; on little-endian
/// hosts the conversion compiles to nothing. No bounds checks: indices come from the table's
/// own geometry.
@frozen @usableFromInline
struct TableItems<Descriptor: FixedWidthInteger> {
    @usableFromInline let base: UnsafeMutableRawPointer

    @inlinable @inline(__always)
    init(_ base: UnsafeMutableRawPointer) { self.base = base }

    @inlinable
    subscript(index: Int) -> Descriptor {
        @inline(__always) get {
            Descriptor(littleEndian: base.load(fromByteOffset: index &* MemoryLayout<Descriptor>.stride,
                                               as: Descriptor.self))
        }
        @inline(__always) nonmutating set {
            base.storeBytes(of: newValue.littleEndian, toByteOffset: index &* MemoryLayout<Descriptor>.stride,
                            as: Descriptor.self)
        }
    }
}

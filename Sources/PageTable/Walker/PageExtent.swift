/// One physically contiguous piece of a page list: `length` bytes from `physicalAddress`.
///
/// A list of extents is what a driver holds for a buffer (a scatter-gather list, a GPU
/// driver's page array); ``PageTable/map(iova:pages:attributes:)`` maps one to consecutive
/// input addresses.
@frozen
public struct PageExtent: Hashable, Sendable {
    /// Where the extent starts; a multiple of the format's smallest page.
    public var physicalAddress: PhysicalAddress
    /// Its length in bytes; a positive multiple of the format's smallest page.
    public var length: UInt64

    /// Creates an extent of `length` bytes at `physicalAddress`.
    @inlinable
    public init(physicalAddress: PhysicalAddress, length: UInt64) {
        self.physicalAddress = physicalAddress
        self.length = length
    }
}

/// One operation of a batch prepared ahead of time (see ``PageTable/prepare(_:)``).
public enum BatchOperation: Hashable, Sendable {
    /// ``PageTable/map(iova:to:size:attributes:)``.
    case map(iova: VirtualAddress, physicalAddress: PhysicalAddress, size: UInt64, attributes: MapAttributes)
    /// ``PageTable/map(iova:pages:attributes:)``: a page list to consecutive input addresses.
    case mapList(iova: VirtualAddress, pages: [PageExtent], attributes: MapAttributes)
    /// ``PageTable/unmap(iova:size:)``.
    case unmap(iova: VirtualAddress, size: UInt64)
    /// ``PageTable/protect(iova:size:attributes:)``.
    case protect(iova: VirtualAddress, size: UInt64, attributes: MapAttributes)
    /// ``PageTable/mapRepeat(iova:size:physicalAddress:pageSize:attributes:)``.
    case `repeat`(iova: VirtualAddress, size: UInt64, physicalAddress: PhysicalAddress, pageSize: UInt64,
                  attributes: MapAttributes)
}

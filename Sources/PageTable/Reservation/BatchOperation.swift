/// One operation of a batch prepared ahead of time (see ``PageTable/prepare(_:)``).
public enum BatchOperation: Hashable, Sendable {
    /// ``PageTable/map(iova:to:size:attributes:)``.
    case map(iova: VirtualAddress, physicalAddress: PhysicalAddress, size: UInt64, attributes: MapAttributes)
    /// ``PageTable/unmap(iova:size:)``.
    case unmap(iova: VirtualAddress, size: UInt64)
    /// ``PageTable/mapRepeat(iova:size:physicalAddress:pageSize:attributes:)``.
    case `repeat`(iova: VirtualAddress, size: UInt64, physicalAddress: PhysicalAddress, pageSize: UInt64,
                  attributes: MapAttributes)
}

/// One parsed script line.
enum ScriptOperation: Hashable, Sendable {
    /// `map IOVA PA SIZE PROT`: answers `mapped <bytes>[ error <name>]`.
    case map(iova: UInt64, physicalAddress: UInt64, size: UInt64, protection: Protection)
    /// `unmap IOVA SIZE`: answers `unmapped <bytes>[ error <name>]`.
    case unmap(iova: UInt64, size: UInt64)
    /// `translate IOVA`: answers `0x<pa>` or `unmapped`.
    case translate(iova: UInt64)
}

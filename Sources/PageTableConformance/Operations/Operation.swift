import PageTable
import PageTableTestSupport

/// A random map or unmap request.
enum Operation: CustomStringConvertible {
    case map(iova: UInt64, pa: UInt64, size: UInt64, attributes: MapAttributes)
    case unmap(iova: UInt64, size: UInt64)
    case repeatPage(iova: UInt64, pa: UInt64, pageSize: UInt64, size: UInt64, attributes: MapAttributes)
    /// A cut of the leaf `leaf` (the model's) at `iova` inside it.
    case cut(iova: UInt64, leaf: Range<UInt64>)
    /// A collapse of `iova ..< iova + size` into one block.
    case collapse(iova: UInt64, size: UInt64)

    /// The input range the operation names.
    var range: Range<UInt64> {
        switch self {
        case .map(let iova, _, let size, _): iova..<iova + size
        case .unmap(let iova, let size): iova..<iova + size
        case .repeatPage(let iova, _, _, let size, _): iova..<iova + size
        case .cut(_, let leaf): leaf
        case .collapse(let iova, let size): iova..<iova + size
        }
    }

    var description: String {
        switch self {
        case .map(let iova, let pa, let size, let attributes): "map \(hex(iova)) \(hex(pa)) \(hex(size)) \(attributes)"
        case .unmap(let iova, let size): "unmap \(hex(iova)) \(hex(size))"
        case .repeatPage(let iova, let pa, let pageSize, let size, let attributes):
            "repeat \(hex(iova)) \(hex(pa)) \(hex(pageSize)) \(hex(size)) \(attributes)"
        case .cut(let iova, _): "cut \(hex(iova))"
        case .collapse(let iova, let size): "collapse \(hex(iova)) \(hex(size))"
        }
    }
}

import Foundation
import PageTableKit

/// Writes a table image for `--export DIR`: `DIR/memory.bin` (the whole arena, byte-exact,
/// as a hardware walker would read it, or with `--export-compact` only the page-aligned range
/// from the lowest table to the end of the highest) and `DIR/manifest.json` (see
/// ``ImageManifest``; `imageBase` and `imageSize` say which range `memory.bin` holds).
/// `DIR` and its parents are created if missing.
struct ImageExporter {
    /// The directory written to.
    let directory: String
    /// Whether to write only the range holding the tables (`--export-compact`).
    var compact = false

    /// Writes the image of `built`, configured by `settings` (of `format`), whose tables live
    /// in `memory`.
    func export(_ built: BuiltTable, format: FormatEntry, settings: FormatSettings,
                memory: PhysicalArena) throws(ExportError) {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ExportError("cannot create export directory '\(directory)': \(error.localizedDescription)")
        }
        let range = compact ? Self.tableRange(built.table, memory: memory) : 0..<memory.size
        let bytes = memory.bytes
        let image = bytes.baseAddress.map {
            Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0 + range.lowerBound), count: range.count,
                 deallocator: .none)
        } ?? Data()
        try write(image, to: folder.appendingPathComponent("memory.bin"))
        let defaults = FormatSettings(options: format.options, given: [:])
        let manifest = ImageManifest(built, settings: settings, defaults: defaults, memory: memory,
                                     image: range).json.rendered + "\n"
        try write(Data(manifest.utf8), to: folder.appendingPathComponent("manifest.json"))
    }

    /// The byte offsets into `memory` of the 4K-aligned range from the lowest table of `table`
    /// to the end of the highest one.
    static func tableRange(_ table: AnyPageTable, memory: PhysicalArena) -> Range<Int> {
        var low = UInt64.max
        var high: UInt64 = 0
        table.visit(expandingShared: false) { node in
            guard case .table(let info) = node else { return }
            low = min(low, info.address)
            high = max(high, info.address &+ UInt64(info.bytes))
        }
        guard low < high, low >= memory.base, high &- memory.base <= UInt64(memory.size) else { return 0..<memory.size }
        let page: UInt64 = 4096
        let start = (low - memory.base) / page * page
        let end = min(UInt64(memory.size), (high - memory.base + page - 1) / page * page)
        return Int(start)..<Int(end)
    }

    private func write(_ data: Data, to file: URL) throws(ExportError) {
        do {
            try data.write(to: file)
        } catch {
            throw ExportError("cannot write '\(file.path)': \(error.localizedDescription)")
        }
    }
}

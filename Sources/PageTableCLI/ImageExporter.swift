import Foundation
import PageTableKit

/// Writes a table image for `--export DIR`: `DIR/memory.bin` (the whole arena, byte-exact,
/// as a hardware walker would read it) and `DIR/manifest.json` (see ``ImageManifest``).
/// `DIR` and its parents are created if missing.
struct ImageExporter {
    /// The directory written to.
    let directory: String

    /// Writes the image of `built`, whose tables live in `memory`.
    func export(_ built: BuiltTable, memory: PhysicalArena) throws(ExportError) {
        let folder = URL(fileURLWithPath: directory, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw ExportError("cannot create export directory '\(directory)': \(error.localizedDescription)")
        }
        let bytes = memory.bytes
        let image = bytes.baseAddress.map {
            Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: $0), count: bytes.count, deallocator: .none)
        } ?? Data()
        try write(image, to: folder.appendingPathComponent("memory.bin"))
        let manifest = ImageManifest(built, memory: memory).json.rendered + "\n"
        try write(Data(manifest.utf8), to: folder.appendingPathComponent("manifest.json"))
    }

    private func write(_ data: Data, to file: URL) throws(ExportError) {
        do {
            try data.write(to: file)
        } catch {
            throw ExportError("cannot write '\(file.path)': \(error.localizedDescription)")
        }
    }
}

import Foundation
import PageTableKit

/// Loads a table found in memory (`run --image`, `run --memory`, `check`).
///
/// The memory is laid out as the image says: the arena starts at the memory base (the
/// manifest's `memoryBase`, or `--memory-base`) and holds the image's bytes (`memory.bin` at
/// `imageBase`, or the raw dump at the base) at their addresses, followed by `--memory-size`
/// bytes (default 64M) of free memory from the next 4K boundary. Tables that later edits need
/// come only from that free memory; the adopted tables and every other byte of the image stay
/// where they are (only edits of the adopted tables' descriptors change them). Every table the
/// root reaches lies in the image: the top table is checked to, a table anywhere else would
/// be all zeros, which adoption refuses (`empty-table`), and one that starts in the image but
/// runs into the free memory (a dump cut short) is a usage error.
enum ImageLoader {
    /// A loaded table with what exporting it again needs.
    struct Loaded {
        /// The adopted table.
        var built: BuiltTable
        /// The arena it lives in.
        var memory: PhysicalArena
        /// Its format.
        var format: FormatEntry
        /// The format's configuration.
        var settings: FormatSettings
    }

    /// What loading found.
    enum Outcome {
        /// The table, adopted.
        case loaded(Loaded)
        /// The image's problems (see `ImageProblem`), at least one: nothing was adopted.
        case problems([ImageProblem])
    }

    /// The image's bytes and how to read them, before the format is known to accept them.
    private struct Image {
        var format: FormatEntry
        var settings: FormatSettings
        var memoryBase: UInt64
        var imageBase: UInt64
        var bytes: [UInt8]
        var root: RootSource
    }

    /// Loads `source` as `options` say (free memory size, cache maintenance); an unreadable
    /// or inconsistent image, or a root that cannot be, is a ``UsageError``.
    static func load(_ source: ImageSource, options: CommandLineOptions, catalog: FormatCatalog,
                     cacheMaintenance: (@Sendable (UInt64, Int) -> Void)?) throws(UsageError) -> Outcome {
        let image = try read(source, options: options, catalog: catalog)
        let count = UInt64(image.bytes.count)
        let (imageEnd, wraps) = image.imageBase.addingReportingOverflow(count)
        guard !wraps, image.imageBase >= image.memoryBase, image.memoryBase % CommandLineOptions.memoryBaseAlignment == 0 else {
            throw UsageError("the image's memory (\(count) bytes at \(image.imageBase.hexadecimal), memory base "
                + "\(image.memoryBase.hexadecimal)) is not a 4K-aligned range that fits in 64 bits")
        }
        let page = CommandLineOptions.memoryBaseAlignment
        let imageBytes = (imageEnd - image.memoryBase + page - 1) / page * page
        guard let imageSize = Int(exactly: imageBytes),
              case (let arenaSize, false) = imageSize.addingReportingOverflow(options.memorySize),
              let memory = PhysicalArena(base: image.memoryBase, size: arenaSize,
                                         cacheMaintenance: image.settings.nonCoherent ? cacheMaintenance : nil) else {
            throw UsageError("cannot provide the image's memory and \(options.memorySize) free bytes after it at "
                + "\(image.memoryBase.hexadecimal) (the range wraps or host memory is short)")
        }
        image.bytes.withUnsafeBytes { bytes in
            guard let source = bytes.baseAddress else { return }
            memory.pointer(to: image.imageBase).copyMemory(from: source, byteCount: bytes.count)
        }
        let free = BuddyAllocator(base: image.memoryBase + imageBytes, size: options.memorySize)!  // Inside the arena.
        // An empty table of the format, in the free memory: it brings the format's adoption.
        let empty = try image.format.build(image.settings, memory, free)
        guard let adoption = empty.adoption else {
            throw UsageError("format '\(image.format.name)' cannot load images (its entry does not end in makeTable)")
        }
        let root = try rootAddress(image.root, table: empty.table, adoption: adoption)
        let top = empty.table.geometry[empty.table.geometry.topLevel]
        guard root >= image.imageBase, root < imageEnd, imageEnd - root >= UInt64(top.tableBytes) else {
            throw UsageError("root \(root.hexadecimal) is outside the image's memory (\(image.imageBase.hexadecimal)"
                + "-\(imageEnd.hexadecimal)): its \(top.tableBytes)-byte top table must lie in it")
        }
        guard root % UInt64(top.tableAlignment) == 0 else {
            throw UsageError("root \(root.hexadecimal) is not aligned to \(top.tableAlignment) bytes as the top table must be")
        }
        let built: BuiltTable
        do throws(ImageProblems) {
            built = try adoption.adopt(root)
        } catch {
            return .problems(error.problems)
        }
        try checkBeforeFreeMemory(built.table, free: free.base)
        return .loaded(Loaded(built: built, memory: memory, format: image.format, settings: image.settings))
    }

    /// Refuses a table that starts in the image but runs into the free memory (a dump cut
    /// short inside a table larger than 4K): new tables could be handed out over it.
    private static func checkBeforeFreeMemory(_ table: AnyPageTable, free: UInt64) throws(UsageError) {
        var overrun: (address: UInt64, bytes: Int)?
        table.visit(expandingShared: false) { node in
            guard overrun == nil, case .table(let info) = node, info.address &+ UInt64(info.bytes) > free else { return }
            overrun = (info.address, info.bytes)
        }
        if let overrun {
            throw UsageError("the \(overrun.bytes)-byte table at \(overrun.address.hexadecimal) runs past the end of the "
                + "image (free memory starts at \(free.hexadecimal)): the memory file is cut short")
        }
    }

    /// Reads the files `source` names.
    private static func read(_ source: ImageSource, options: CommandLineOptions,
                             catalog: FormatCatalog) throws(UsageError) -> Image {
        switch source {
        case .exported(let directory):
            let folder = URL(fileURLWithPath: directory, isDirectory: true)
            let manifest = try ImageManifest.read(folder.appendingPathComponent("manifest.json").path, catalog: catalog)
            let file = folder.appendingPathComponent("memory.bin").path
            let bytes = try contents(of: file)
            if let size = manifest.imageSize, size != bytes.count {
                throw UsageError("'\(file)' holds \(bytes.count) bytes, not the manifest's imageSize \(size)")
            }
            return Image(format: manifest.format, settings: manifest.settings, memoryBase: manifest.memoryBase,
                         imageBase: manifest.imageBase, bytes: bytes, root: .address(manifest.root))
        case .raw(let file, let root):
            guard let format = options.format else { preconditionFailure("a raw image always has --format") }
            return Image(format: format, settings: options.formatSettings, memoryBase: options.memoryBase,
                         imageBase: options.memoryBase, bytes: try contents(of: file), root: root)
        }
    }

    private static func contents(of file: String) throws(UsageError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw UsageError("cannot read image memory '\(file)'")
        }
        return [UInt8](data)
    }

    /// The root `source` gives: the address, or what the registers say, each register checked
    /// against the format's configuration.
    private static func rootAddress(_ source: RootSource, table: AnyPageTable,
                                    adoption: TableAdoption) throws(UsageError) -> UInt64 {
        let registers: [NamedValue]
        switch source {
        case .address(let address): return address
        case .registers(let given): registers = given
        }
        let known = table.registers
        var root: UInt64?
        for register in registers {
            guard let match = known.first(where: { $0.name.lowercased() == register.name.lowercased() }) else {
                throw UsageError("unknown register '\(QuotedToken.text(register.name))' for \(table.formatName) as "
                    + "configured (its registers: \(known.map(\.name).joined(separator: ", ")))")
            }
            switch adoption.reading(HardwareRegister(match.id, name: match.name, value: register.value)) {
            case .root(let address):
                if let root, root != address {
                    throw UsageError("--register \(match.name) gives root \(address.hexadecimal), another register "
                        + "gave \(root.hexadecimal)")
                }
                root = address
            case .consistent:
                break
            case .contradicts(let reason):
                throw UsageError("--register \(match.name)=\(register.value.hexadecimal) contradicts the format "
                    + "options: \(reason)")
            case .unknown:
                throw UsageError("\(table.formatName) cannot read register \(match.name) (give the root with --root)")
            }
        }
        guard let root else {
            throw UsageError("no register given holds the root table's address (registers: "
                + "\(known.map(\.name).joined(separator: ", ")))")
        }
        return root
    }
}

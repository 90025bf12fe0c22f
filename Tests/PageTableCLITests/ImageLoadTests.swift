import Foundation
import Testing

/// `run --image DIR`: a table exported by one run is loaded, inspected and edited by another.
@Suite struct ImageLoadTests {
    /// A script mapping 4K pages, a contiguous 64K group, a 2M block and a 1G block.
    static let mappings = """
        map 0x1000 0x40000000 0x3000 rw
        map 0x400000 0x10000000 64K rwx
        map 0x600000 0x20000000 2M r
        map 0x40000000 0x80000000 1G rwc
        """
    /// Addresses the translations are compared at: mapped, unmapped, edges.
    static let probes: [UInt64] = [0, 0x1000, 0x2fff, 0x3abc, 0x4000, 0x40fff0, 0x600000, 0x7fffff, 0x800000, 0x40000000,
                                   0x7fffffff, 0x80000000]

    private func translations(_ probes: [UInt64] = probes) -> String {
        probes.map { "translate 0x\(String($0, radix: 16))\nwalk 0x\(String($0, radix: 16))" }.joined(separator: "\n")
    }

    @Test(arguments: [[], ["--export-compact"]])
    func anExportedTableLoadsWithTheSameDumpAndTranslations(_ compact: [String]) throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image").path
            let script = Self.mappings + "\n" + translations()
            let exported = runScript(script, ["--memory-size", "1M", "--dump=full", "--export", image] + compact)
            #expect(exported.status == 0, "\(exported.error)")
            let loaded = pagetable(["run", "--image", image, "--dump=full", "-"], input: translations())
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(loaded.error.isEmpty)
            // The same answers, then the same tree at the same addresses.
            #expect(loaded.lines == Array(exported.lines.dropFirst(4)))
            #expect(loaded.lines.contains { $0.contains("L3 leaf va 0x400000-0x40ffff pa 0x10000000 size 64K") })
        }
    }

    /// A table exported with dirty tracking loads with it on (its manifest names the mechanism,
    /// `"dirtyTracking": "hafdbs"`), so pages written before the export are still found dirty.
    @Test(arguments: ["arm-lpae-64", "x86-64", "riscv"])
    func dirtyTrackingSurvivesTheImage(_ format: String) throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image").path
            let script = "map 0x1000 0x40000000 0x4000 rw\nhw-write 0x2000\nhw-write 0x3000"
            let exported = pagetable(["run", "--format", format, "--dirty-tracking", "--memory-size", "1M",
                                      "--export", image, "-"], input: script)
            #expect(exported.lines == ["mapped 16384", "ok", "ok"], "\(exported.error)")
            let loaded = pagetable(["run", "--image", image, "-"], input: "dirty 0 0x10000\ndirty 0 0x10000")
            #expect(loaded.lines == ["dirty 8192", "dirty 0"], "\(format): \(loaded.error)")
        }
    }

    @Test func statisticsCountTheAdoptedTables() throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image").path
            let exported = runScript(Self.mappings, ["--memory-size", "1M", "--stats", "--export", image])
            let loaded = pagetable(["run", "--image", image, "--stats", "-"], input: "")
            #expect(loaded.status == 0, "\(loaded.error)")
            let counts = { (lines: [String]) in lines.filter { !$0.hasPrefix("syncs") && !$0.hasPrefix("mapped ") } }
            #expect(counts(loaded.lines) == counts(exported.lines))
            #expect(loaded.lines.contains("tables 5"))
        }
    }

    @Test func anEditedImageExportsAndLoadsAgain() throws {
        try withTemporaryDirectory { directory in
            let first = directory.appendingPathComponent("first").path
            let second = directory.appendingPathComponent("second").path
            #expect(runScript(Self.mappings, ["--memory-size", "1M", "--export", first]).status == 0)
            let edit = """
                unmap 0x1000 4K
                map 0x80000000 0x90000000 8K rw
                map 0x5000000000 0x1000 4K r
                protect 0x600000 2M rw
                """
            let edited = pagetable(["run", "--image", first, "--memory-size", "256K", "--dump", "--export", second,
                                    "--export-compact", "-"], input: edit)
            #expect(edited.status == 0, "\(edited.error)")
            #expect(Array(edited.lines.prefix(4)) == ["unmapped 4096", "mapped 8192", "mapped 4096", "protected 2097152"])
            let probes = translations(Self.probes + [0x80001000, 0x5000000000])
            let reloaded = pagetable(["run", "--image", second, "--dump", "-"], input: probes)
            #expect(reloaded.status == 0, "\(reloaded.error)")
            let dump = Array(edited.lines.dropFirst(4))
            #expect(Array(reloaded.lines.suffix(dump.count)) == dump)
            let answers = reloaded.lines.filter { $0.hasPrefix("0x") || $0 == "unmapped" }
            #expect(answers == ["unmapped", "unmapped", "0x40001fff", "0x40002abc", "unmapped", "0x1000fff0", "0x20000000",
                                "0x201fffff", "unmapped", "0x80000000", "0xbfffffff", "0x90000000", "0x90001000", "0x1000"])
            // New tables came from the free memory after the first image, which stays untouched.
            let original = try Data(contentsOf: URL(fileURLWithPath: first).appendingPathComponent("memory.bin"))
            let manifest = try String(contentsOf: URL(fileURLWithPath: second).appendingPathComponent("manifest.json"),
                                      encoding: .utf8)
            #expect(manifest.contains("\"memorySize\": \((1 << 20) + (256 << 10))"))
            #expect(dump.contains { $0.contains("table 0x80100000") })
            #expect(original.count == 1 << 20)
        }
    }

    @Test func anUpperRangeImageLoads() throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image").path
            let options = ["run", "--format", "arm-lpae-64", "--va-range", "upper", "--memory-size", "1M"]
            let script = "map 0xffff000000001000 0x40000000 8K rw\ntranslate 0xffff000000002000"
            let exported = pagetable(options + ["--dump", "--export", image, "-"], input: script)
            #expect(exported.status == 0, "\(exported.error)")
            let loaded = pagetable(["run", "--image", image, "--dump", "-"], input: "translate 0xffff000000002000")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(loaded.lines == Array(exported.lines.dropFirst()))
            #expect(loaded.lines.first == "0x40001000")
        }
    }

    /// Options not at their default are recorded and rebuilt: RISC-V Svnapot leaves decode
    /// as 64K leaves only with `--svnapot`.
    @Test func formatFlagsSurviveTheRoundTrip() throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image").path
            let options = ["run", "--format", "riscv", "--svnapot", "--mode", "sv39", "--memory-size", "1M"]
            let exported = pagetable(options + ["--dump", "--export", image, "-"], input: "map 0x10000 0x40000000 64K rw")
            #expect(exported.status == 0, "\(exported.error)")
            let manifest = try String(contentsOf: URL(fileURLWithPath: image).appendingPathComponent("manifest.json"),
                                      encoding: .utf8)
            #expect(manifest.contains("\"svnapot\": \"on\""))
            let loaded = pagetable(["run", "--image", image, "--dump", "-"], input: "")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(loaded.lines == Array(exported.lines.dropFirst()))
            #expect(loaded.lines.contains { $0.contains("size 64K") })
        }
    }

    /// ARMv7 short tables: the zone for new L2 tables is carved from the free memory.
    @Test func anARMv7ShortImageLoadsAndEdits() throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image").path
            let options = ["run", "--format", "arm-v7s", "--memory-size", "2M"]
            let exported = pagetable(options + ["--export", image, "-"], input: "map 0x1000 0x40000000 4K rw")
            #expect(exported.status == 0, "\(exported.error)")
            let loaded = pagetable(["run", "--image", image, "--dump", "-"],
                                   input: "translate 0x1000\nmap 0x100000 0x50000000 4K rw\ntranslate 0x100000")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(Array(loaded.lines.prefix(3)) == ["0x40000000", "mapped 4096", "0x50000000"])
        }
    }

    /// A manifest from before compact exports (no `imageBase`, `imageSize`) still loads.
    @Test func aManifestWithoutTheImageRangeLoads() throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image")
            #expect(runScript("map 0 0x40000000 4K rw", ["--memory-size", "1M", "--export", image.path]).status == 0)
            let file = image.appendingPathComponent("manifest.json")
            let text = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
                .filter { !$0.contains("imageBase") && !$0.contains("imageSize") }.joined(separator: "\n")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let loaded = pagetable(["run", "--image", image.path, "-"], input: "translate 0")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(loaded.lines == ["0x40000000"])
        }
    }

    @Test func aBrokenImageIsAUsageError() throws {
        try withTemporaryDirectory { directory in
            let image = directory.appendingPathComponent("image")
            let missing = pagetable(["run", "--image", image.path, "-"], input: "")
            #expect(missing.status == 2)
            #expect(missing.error.contains("cannot read image manifest"))
            #expect(runScript("map 0 0x40000000 4K rw", ["--memory-size", "1M", "--export", image.path]).status == 0)
            let file = image.appendingPathComponent("manifest.json")
            let good = try Data(contentsOf: file)
            let cases: [(Data, String)] = [
                (good.prefix(good.count / 2), "is not a JSON object"),
                (Data("[1, 2]".utf8), "is not a JSON object"),
                (Data([0xff, 0x00, 0x7b, 0x22]), "is not a JSON object"),
                (Data("{\"format\": \"nope\"}".utf8), "unknown format 'nope'"),
                (Data("{\"format\": \"arm-lpae-64\", \"memoryBase\": 12}".utf8), "member 'memoryBase'"),
                (Data("{\"format\": \"arm-lpae-64\", \"memoryBase\": \"0x80000000\"}".utf8), "member 'root'"),
                (Data("{\"format\": \"arm-lpae-64\", \"memoryBase\": \"0x80000000\", \"root\": \"0x80000000\", \"granule\": \"3k\"}".utf8),
                 "bad value '3k' for --granule"),
            ]
            for (bytes, message) in cases {
                try bytes.write(to: file)
                let result = pagetable(["run", "--image", image.path, "-"], input: "translate 0")
                #expect(result.status == 2, "\(message)")
                #expect(result.output.isEmpty)
                #expect(result.error.contains(message), "\(result.error)")
            }
            try good.write(to: file)
            try Data(count: 4096).write(to: image.appendingPathComponent("memory.bin"))
            let short = pagetable(["run", "--image", image.path, "-"], input: "")
            #expect(short.status == 2)
            #expect(short.error.contains("holds 4096 bytes, not the manifest's imageSize 1048576"))
        }
    }

    @Test func optionsThatDoNotApplyToAnImageAreRefused() {
        let cases: [([String], String)] = [
            (["--format", "arm-lpae-64"], "drop '--format'"),
            (["--root", "0x80000000"], "'--root' does not apply with '--image'"),
            (["--memory", "file"], "'--memory' does not apply with '--image'"),
            (["--memory-base", "0x80000000"], "'--memory-base' does not apply with '--image'"),
            (["--granule", "16k"], "'--granule' does not apply with '--image'"),
            (["--non-coherent"], "'--non-coherent' does not apply with '--image'"),
        ]
        for (options, message) in cases {
            let result = pagetable(["run", "--image", "somewhere"] + options + ["-"], input: "")
            #expect(result.status == 2, "\(options)")
            #expect(result.error.contains(message), "\(result.error)")
        }
    }
}

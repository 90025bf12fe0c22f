import Foundation
import Testing

/// `--export DIR`: `memory.bin` (the whole arena) and `manifest.json`.
@Suite struct ExportTests {
    /// Runs `script` exporting into a fresh directory; returns the run, the image and the manifest.
    private func export(_ script: String, _ options: [String] = [], subdirectory: String = "image")
        throws -> (Invocation, Data, [String: Any], String) {
        try withTemporaryDirectory { directory in
            let target = directory.appendingPathComponent(subdirectory)
            let result = runScript(script, options + ["--export", target.path])
            let image = try Data(contentsOf: target.appendingPathComponent("memory.bin"))
            let text = try String(contentsOf: target.appendingPathComponent("manifest.json"), encoding: .utf8)
            let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            return (result, image, manifest, text)
        }
    }

    private func hexValue(_ value: Any?) -> UInt64? {
        guard let text = value as? String, text.hasPrefix("0x"), text.dropFirst(2).allSatisfy({ "0123456789abcdef".contains($0) }),
              text.count > 2 else { return nil }
        return UInt64(text.dropFirst(2), radix: 16)
    }

    @Test func exportsTheWholeArenaAndAManifest() throws {
        let (result, image, manifest, _) = try export("map 0 0x40000000 4K rw", ["--memory-size", "1M"])
        #expect(result.status == 0)
        #expect(result.lines == ["mapped 4096"])
        #expect(image.count == 1 << 20)
        #expect(manifest["format"] as? String == "arm-lpae-64")
        #expect(manifest["memoryBase"] as? String == "0x80000000")
        #expect(manifest["memorySize"] as? Int == 1 << 20)
        #expect(manifest["granule"] as? String == "4k")
        #expect(manifest["stage"] as? Int == 1)
        #expect(manifest["ias"] as? Int == 48)
        #expect(manifest["oas"] as? Int == 48)
        let root = try #require(hexValue(manifest["root"]))
        #expect(root >= 0x8000_0000 && root < 0x8000_0000 + (1 << 20))
        let registers = try #require(manifest["registers"] as? [String: Any])
        #expect(Set(registers.keys) == ["TTBR0", "TCR", "MAIR"])
        for (name, value) in registers { #expect(hexValue(value) != nil, "\(name)") }
        #expect(hexValue(registers["TTBR0"]) == root)
    }

    @Test func theImageIsWhatTheHardwareWalks() throws {
        let (_, image, manifest, _) = try export("map 0 0x40000000 4K rw", ["--memory-size", "1M"])
        let root = try #require(hexValue(manifest["root"]))
        let offset = Int(root - 0x8000_0000)
        let descriptor = image[offset..<offset + 8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(descriptor & 3 == 3, "the first L0 item is a table descriptor")
        let next = descriptor & 0x0000_ffff_ffff_f000
        #expect(next >= 0x8000_0000 && next < 0x8000_0000 + (1 << 20))
        // Four 4K tables are live; everything after them is zero.
        #expect(image[(4 << 12)...].allSatisfy { $0 == 0 })
    }

    @Test func theDefaultArenaIsExportedWhole() throws {
        let (_, image, manifest, _) = try export("")
        #expect(image.count == 64 << 20)
        #expect(manifest["memorySize"] as? Int == 64 << 20)
    }

    @Test func stageTwoExportsVTTBRAndVTCR() throws {
        let (result, _, manifest, _) = try export("map 0 0 4K rw", ["--stage", "2", "--ias", "40", "--memory-size", "64K",
                                                                     "--memory-base", "0x1000000"])
        #expect(result.status == 0)
        #expect(manifest["stage"] as? Int == 2)
        #expect(manifest["memoryBase"] as? String == "0x1000000")
        let registers = try #require(manifest["registers"] as? [String: Any])
        #expect(Set(registers.keys) == ["VTTBR", "VTCR"])
        #expect(hexValue(registers["VTTBR"]) == hexValue(manifest["root"]))
    }

    @Test func theManifestIsPrettyWithSortedKeys() throws {
        let (_, _, _, text) = try export("", ["--memory-size", "4K"])
        let keys = text.split(separator: "\n").filter { $0.hasPrefix("  \"") }
            .map { $0.dropFirst(3).prefix { $0 != "\"" } }
        #expect(keys == keys.sorted())
        #expect(keys.count == 11)
        #expect(text.hasPrefix("{\n  \"format\": \"arm-lpae-64\",\n"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test func exportsAreReproducible() throws {
        let script = "map 0 0x40000000 2M rw\nmap 0x7f0000000 0 16K rwx\nunmap 0 2M"
        let first = try export(script, ["--memory-size", "1M"])
        let second = try export(script, ["--memory-size", "1M"])
        #expect(first.1 == second.1)
        #expect(first.3 == second.3)
    }

    @Test func missingDirectoriesAreCreated() throws {
        let (result, image, _, _) = try export("", ["--memory-size", "4K"], subdirectory: "a/b/c")
        #expect(result.status == 0)
        #expect(image.count == 4096)
    }

    @Test func anUnwritableDirectoryFailsWithStatusOneAfterTheAnswers() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("occupied")
            try Data().write(to: file)
            let result = runScript("translate 0", ["--export", file.path])
            #expect(result.status == 1)
            #expect(result.lines == ["unmapped"])
            #expect(result.error.hasPrefix("pagetable: cannot create export directory '\(file.path)'"))
        }
    }
}

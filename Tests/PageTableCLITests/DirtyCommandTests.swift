import Foundation
import Testing

/// `dirty IOVA SIZE` answers `dirty <bytes>` (the dirty bytes found, now clean) or
/// `dirty 0 error <name>`; `hw-write IOVA` answers `ok` or `fault`; `--dirty-tracking`
/// enables tracking on `arm-lpae-64`, `x86-64` and `riscv`.
@Suite struct DirtyCommandTests {
    static let cycle = """
        map 0x200000 0x40200000 2M rw
        map 0x400000 0x40400000 8K r
        dirty 0 8M
        hw-write 0x201000
        hw-write 0x400000
        hw-write 0x800000
        dirty 0 8M
        dirty 0 8M
        hw-write 0x3fffff
        dirty 0x200000 2M
        """
    static let answered = ["mapped 2097152", "mapped 8192", "dirty 0", "ok", "fault", "fault", "dirty 2097152", "dirty 0",
                           "ok", "dirty 2097152"]

    @Test(arguments: [["--format", "arm-lpae-64"], ["--format", "arm-lpae-64", "--stage", "2"], ["--format", "x86-64"],
                      ["--format", "riscv"]])
    func theWholeCycle(_ format: [String]) {
        let result = pagetable(["run"] + format + ["--dirty-tracking", "-"], input: Self.cycle)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.lines == Self.answered)
    }

    @Test func errorsFollowTheAnswerConvention() {
        let script = """
            map 0x200000 0x40200000 2M rw
            dirty 0x201000 4K
            dirty 0x1000 0x800
            dirty 0x1000000000000 4K
            translate 0x200000
            """
        #expect(answers(script, ["--dirty-tracking"]) == ["mapped 2097152", "dirty 0 error partial-leaf",
                                                          "dirty 0 error misaligned", "dirty 0 error out-of-range",
                                                          "0x40200000"])
        // Without tracking, reading dirty state is unsupported; writes go through or fault as without it.
        #expect(answers("map 0 0x40000000 4K rw\nmap 0x1000 0x40001000 4K r\ndirty 0 8K\nhw-write 0\nhw-write 0x1000\n")
                == ["mapped 4096", "mapped 4096", "dirty 0 error unsupported", "ok", "fault"])
        let v7s = pagetable(["run", "--format", "arm-v7s", "-"], input: "map 0 0x40000000 4K rw\ndirty 0 4K\n")
        #expect(v7s.lines == ["mapped 4096", "dirty 0 error unsupported"])
        #expect(pagetable(["run", "--format", "arm-v7s", "--dirty-tracking", "-"], input: "").status == 2)
    }

    @Test func gpuLPAERefusesTrackingWithItsSharedTables() {
        let result = pagetable(["run", "--format", "gpu-lpae", "--dirty-tracking", "-"], input: "map 0 0 4K rw\n")
        #expect(result.status == 2)
        #expect(result.error.contains("--dirty-tracking is refused") && result.error.contains("share tables"))
    }

    @Test func malformedOperationsAreUsageErrors() {
        #expect(runScript("dirty 0").status == 2)
        #expect(runScript("hw-write").status == 2)
        #expect(runScript("hw-write 1 2").status == 2)
    }

    @Test func theManifestRecordsTracking() throws {
        try withTemporaryDirectory { directory in
            for (format, value) in [("arm-lpae-64", "hafdbs"), ("x86-64", "d-bit"), ("riscv", "svadu")] {
                let target = directory.appendingPathComponent(format)
                let result = pagetable(["run", "--format", format, "--dirty-tracking", "--export", target.path, "-"],
                                       input: "map 0 0x40000000 4K rw\n")
                #expect(result.status == 0, "\(result.error)")
                let text = try String(contentsOf: target.appendingPathComponent("manifest.json"), encoding: .utf8)
                let manifest = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
                #expect(manifest["dirtyTracking"] as? String == value, "\(format)")
            }
        }
    }
}

import Foundation
import Testing

/// `run --format F --memory FILE --memory-base ADDR (--root ADDR | --register NAME=VALUE)`:
/// a raw dump of physical memory, its root given or read from register values.
@Suite struct RawMemoryLoadTests {
    /// An exported image of `script` on `format` with `options`: its directory's memory.bin,
    /// the manifest's registers by name, and the run's dump.
    private struct Exported {
        var memoryFile: String
        var root: String
        var registers: [String: String]
        var dump: [String]
    }

    private func export(_ format: String, _ options: [String], _ script: String, in directory: URL) throws -> Exported {
        let image = directory.appendingPathComponent("image")
        let run = pagetable(["run", "--format", format, "--memory-size", "1M", "--dump", "--export", image.path]
            + options + ["-"], input: script)
        #expect(run.status == 0, "\(run.error)")
        let data = try Data(contentsOf: image.appendingPathComponent("manifest.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let registers = try #require(manifest["registers"] as? [String: String])
        let root = try #require(manifest["root"] as? String)
        let answers = script.split(separator: "\n").count
        return Exported(memoryFile: image.appendingPathComponent("memory.bin").path, root: root, registers: registers,
                        dump: Array(run.lines.dropFirst(answers)))
    }

    private func load(_ format: String, _ options: [String], _ exported: Exported, _ root: [String],
                      script: String = "") -> Invocation {
        pagetable(["run", "--format", format] + options + ["--memory", exported.memoryFile, "--memory-base", "0x80000000"]
            + root + ["--dump", "-"], input: script)
    }

    @Test func aRawDumpLoadsFromItsRootAddress() throws {
        try withTemporaryDirectory { directory in
            let exported = try export("arm-lpae-64", [], "map 0x1000 0x40000000 8K rw\nmap 0x40000000 0 1G r", in: directory)
            let loaded = load("arm-lpae-64", [], exported, ["--root", exported.root], script: "translate 0x2000")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(loaded.lines == ["0x40001000"] + exported.dump)
        }
    }

    /// Every register the manifest lists, given back, loads the same table (ARM stage 1 and 2,
    /// the upper range, RISC-V stage 1 and the G-stage, x86-64 4 and 5 levels).
    @Test(arguments: [
        ("arm-lpae-64", [String]()), ("arm-lpae-64", ["--stage", "2"]), ("arm-lpae-64", ["--va-range", "upper"]),
        ("arm-lpae-64", ["--granule", "64k", "--oas", "52"]), ("riscv", ["--mode", "sv39"]), ("riscv", ["--stage", "2"]),
        ("x86-64", []), ("x86-64", ["--levels", "5"]), ("gpu-lpae", []),
    ])
    func theRegistersGiveTheRoot(_ format: String, _ options: [String]) throws {
        try withTemporaryDirectory { directory in
            let iova = options.contains("upper") ? "0xffff000000010000" : "0x10000"
            let exported = try export(format, options, "map \(iova) 0x40000000 64K rw", in: directory)
            let registers = exported.registers.sorted { $0.key < $1.key }.flatMap { ["--register", "\($0.key)=\($0.value)"] }
            let loaded = load(format, options, exported, registers, script: "translate \(iova)")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(loaded.lines == ["0x40000000"] + exported.dump)
        }
    }

    @Test func registerNamesAreMatchedWhateverTheirCase() throws {
        try withTemporaryDirectory { directory in
            let exported = try export("riscv", [], "map 0 0x40000000 4K rw", in: directory)
            let satp = try #require(exported.registers["SATP"])
            let loaded = load("riscv", [], exported, ["--register", "satp=\(satp)"], script: "translate 0")
            #expect(loaded.status == 0, "\(loaded.error)")
            #expect(loaded.lines.first == "0x40000000")
        }
    }

    /// A register whose mode or size fields say another configuration is a usage error.
    @Test func aRegisterContradictingTheOptionsIsRefused() throws {
        try withTemporaryDirectory { directory in
            let arm = try export("arm-lpae-64", [], "map 0 0x40000000 4K rw", in: directory.appendingPathComponent("arm"))
            let ttbr = ["--register", "TTBR0=\(arm.root)"]
            let tcr = try #require(arm.registers["TCR"])
            let cases: [(String, [String], Exported, [String], String)] = [
                ("arm-lpae-64", ["--ias", "39"], arm, ttbr + ["--register", "TCR=\(tcr)"],
                 "TCR.T0SZ 16 means a 48-bit input range, not --ias 39"),
                ("arm-lpae-64", ["--granule", "16k"], arm, ttbr + ["--register", "TCR=\(tcr)"], "TCR.TG0 0 is not the 16k granule"),
            ]
            let riscv = try export("riscv", [], "map 0 0x40000000 4K rw", in: directory.appendingPathComponent("riscv"))
            let x86 = try export("x86-64", [], "map 0 0x40000000 4K rw", in: directory.appendingPathComponent("x86"))
            let satp = try #require(riscv.registers["SATP"])
            let cr4 = try #require(x86.registers["CR4"])
            let more: [(String, [String], Exported, [String], String)] = [
                ("riscv", ["--mode", "sv39"], riscv, ["--register", "SATP=\(satp)"], "SATP.MODE 9 is not sv39 (MODE 8)"),
                ("x86-64", ["--levels", "5"], x86, ["--register", "CR3=\(x86.root)", "--register", "CR4=\(cr4)"],
                 "CR4.LA57 is 0: 4-level paging, not --levels 5"),
                ("x86-64", ["--oas", "36"], x86, ["--register", "CR3=0x8000080000000"],
                 "CR3 0x8000080000000 has address bits above the 36-bit output size (--oas)"),
            ]
            for (format, options, exported, registers, message) in cases + more {
                let result = load(format, options, exported, registers)
                #expect(result.status == 2, "\(message)")
                #expect(result.output.isEmpty)
                #expect(result.error.contains("contradicts the format options: \(message)"), "\(result.error)")
            }
        }
    }

    @Test func badRootsAndRegistersAreUsageErrors() throws {
        try withTemporaryDirectory { directory in
            let exported = try export("arm-lpae-64", [], "map 0 0x40000000 4K rw", in: directory)
            let cases: [([String], String)] = [
                (["--register", "TTBR1=0x80000000"], "unknown register 'TTBR1' for arm-lpae-64 as configured (its registers: TTBR0, TCR, MAIR)"),
                (["--register", "FOO=1"], "unknown register 'FOO'"),
                (["--register", "MAIR=0"], "no register given holds the root table's address"),
                (["--root", "0x80000800"], "root 0x80000800 is not aligned to 4096 bytes"),
                (["--root", "0x90000000"], "root 0x90000000 is outside the image's memory (0x80000000-0x80100000)"),
                (["--root", "0x800ff800"], "is outside the image's memory"),
                (["--root", "0x1000"], "is outside the image's memory"),
            ]
            for (root, message) in cases {
                let result = load("arm-lpae-64", [], exported, root)
                #expect(result.status == 2, "\(root)")
                #expect(result.error.contains(message), "\(result.error)")
            }
            let v7 = pagetable(["run", "--format", "arm-v7s", "--memory", exported.memoryFile, "--memory-base", "0x80000000",
                                "--register", "TTBR0=0x80000000", "-"], input: "")
            #expect(v7.status == 2)
            #expect(v7.error.contains("arm-v7s cannot read register TTBR0 (give the root with --root)"), "\(v7.error)")
            let unreadable = pagetable(["run", "--format", "arm-lpae-64", "--memory", directory.appendingPathComponent("none").path,
                                        "--memory-base", "0x80000000", "--root", "0x80000000", "-"], input: "")
            #expect(unreadable.status == 2)
            #expect(unreadable.error.contains("cannot read image memory"))
        }
    }

    /// A dump cut short inside a 64K table: the table is not adopted over the free memory.
    @Test func aTableRunningPastTheDumpIsRefused() throws {
        try withTemporaryDirectory { directory in
            let exported = try export("arm-lpae-64", ["--granule", "64k"], "map 0 0x40000000 512M rw", in: directory)
            #expect(exported.dump.contains { $0.contains("L2 table 0x80010000") }, "\(exported.dump)")
            let cut = directory.appendingPathComponent("cut.bin")
            try Data(contentsOf: URL(fileURLWithPath: exported.memoryFile)).prefix(0x11000).write(to: cut)
            let result = pagetable(["run", "--format", "arm-lpae-64", "--granule", "64k", "--memory", cut.path,
                                    "--memory-base", "0x80000000", "--root", exported.root, "-"], input: "translate 0")
            #expect(result.status == 2)
            #expect(result.output.isEmpty)
            #expect(result.error.contains("the 65536-byte table at 0x80010000 runs past the end of the image "
                + "(free memory starts at 0x80011000)"), "\(result.error)")
        }
    }

    @Test func badOptionCombinationsAreUsageErrors() {
        let cases: [([String], String)] = [
            (["--memory", "m.bin", "--root", "0x80000000"], "option '--memory FILE' needs '--memory-base ADDR'"),
            (["--memory", "m.bin", "--memory-base", "0x80000000"], "needs '--root ADDR' or '--register NAME=VALUE'"),
            (["--memory", "m.bin", "--memory-base", "0x80000000", "--root", "0x80000000", "--register", "TTBR0=0x80000000"],
             "give the root either with '--root' or with '--register', not both"),
            (["--root", "0x80000000"], "option '--root' needs '--memory FILE'"),
            (["--register", "TTBR0=0x80000000"], "option '--register' needs '--memory FILE'"),
            (["--memory", "m.bin", "--memory-base", "0x80000000", "--register", "TTBR0"], "bad value 'TTBR0' for --register"),
            (["--memory", "m.bin", "--memory-base", "0x80000000", "--register", "=5"], "bad value '=5' for --register"),
            (["--memory", "m.bin", "--memory-base", "0x80000000", "--root", "zero"], "bad value 'zero' for --root"),
            (["--memory", "m.bin", "--memory-base", "0x80000000", "--register", "--stats"], "option '--register' needs a value"),
        ]
        for (options, message) in cases {
            let result = pagetable(["run", "--format", "arm-lpae-64"] + options + ["-"], input: "")
            #expect(result.status == 2, "\(options)")
            #expect(result.error.contains(message), "\(result.error)")
        }
    }
}

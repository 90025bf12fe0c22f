import Foundation
import Testing

/// The robustness issue's reproducers through the command: documented answers, never a trap;
/// diagnostics escaped and cut; scripts from any readable stream.
@Suite struct RobustnessCommandTests {
    func run(_ format: String, _ script: String) -> [String] {
        let result = pagetable(["run", "--format", format, "-"], input: script)
        return result.status == 0 ? result.lines : ["status \(result.status): \(result.error)"]
    }

    @Test func failingFromAHugeCountNeverFails() {
        #expect(run("arm-lpae-64", "fail-alloc 9223372036854775807\nmap 0 0 4K rw\n") == ["ok", "mapped 4096"])
        #expect(run("arm-lpae-64", "map 0 0 4K rw\nfail-alloc 9223372036854775807\nmap 0x40000000 0 4K rw\n")
                == ["mapped 4096", "ok", "mapped 4096"])
    }

    @Test func aSupersectionOverAnEmptyReservedTableIsMapped() {
        let script = "reserve 0x100000 4K\nestimate 0 16M 0\nestimate 0 16M\nfail-alloc 1\nmap 0 0 16M rw\ntranslate 0x123456\n"
        #expect(run("arm-v7s", script) == ["reserved 4096", "tables 0", "tables 15", "ok", "mapped 16777216", "0x123456"])
    }

    @Test func aBlockRepeatOverAnEmptyReservedTableIsMapped() {
        let script = "reserve 0 4K\nrepeat 0 0x40000000 2M 2M rw\ntranslate 0x1000\ntranslate 0x201000\n"
        #expect(run("gpu-lpae", script) == ["reserved 4096", "mapped 2097152", "0x40001000", "unmapped"])
    }

    @Test func aRepeatInsideAReservationTakesItsSpare() {
        let script = "map 0x200000 0x40200000 2M rw\nreserve 0x0 4M\nunmap 0x200000 2M\nfail-alloc 1\n"
            + "repeat 0x200000 0x60000000 4K 2M rw\n"
        #expect(run("gpu-lpae", script) == ["mapped 2097152", "reserved 4194304", "unmapped 2097152", "ok",
                                            "mapped 2097152"])
    }

    @Test func reserveEstimatesAnswerWhatTheReservationAllocates() {
        // ARM LPAE 4K, ias 48: a 1G reservation on an empty table needs an L1, an L2 and 512 L3 tables.
        #expect(run("arm-lpae-64", "estimate-reserve 0x40000000 1G\nreserve 0x40000000 1G\nestimate-reserve 0x40000000 1G\n")
                == ["tables 514", "reserved 1073741824", "tables 0"])
        // A 2M block: its spare counts.
        #expect(run("arm-lpae-64", "map 0x200000 0x200000 2M rw\nestimate-reserve 0 4M\n") == ["mapped 2097152", "tables 2"])
        #expect(run("arm-lpae-64", "estimate-reserve 0xfff 1\nreserve 0xfff 1\n")
                == ["tables 0 error misaligned", "reserved 0 error misaligned"])
        #expect(run("arm-lpae-64", "estimate-reserve 0xfffffffff000 4K\nreserve 0xfffffffff000 4K\n")
                == ["tables 3", "reserved 4096"], "the top page of the input range")
        #expect(run("arm-lpae-64", "estimate-reserve 0 0x1000000000000000\n") == ["tables 0 error out-of-range"])
        let malformed = pagetable(["run", "--format", "arm-lpae-64", "-"], input: "estimate-reserve 0\n")
        #expect(malformed.status == 2 && malformed.error.contains("'estimate-reserve' takes 2 operands"))
    }

    /// docs/semantics.md, "Edges": zero-length operations and the top of the address space.
    @Test func edgesAnswerAsDocumented() {
        let script = "map 0 0 0 rw\nunmap 0 0\nreserve 0 0\nrelease 0 0\nestimate-reserve 0 0\nrepeat 0 0 4K 0 rw\n"
            + "map 0xfffffffff000 0 4K rw\nmap 0xffffffffe000 0 8K rw\nmap 0xfffffffff000 0 8K rw\n"
            + "translate 0xfffffffff123\ntranslate 0xffffffffffffffff\nmap 0x1000 0xfffffffff000 4K rw\n"
            + "unmap 0xfffffffffffff000 0x1000\n"
        #expect(run("arm-lpae-64", script) == [
            "mapped 0 error misaligned", "unmapped 0 error misaligned", "reserved 0 error misaligned",
            "released 0 error not-mapped", "tables 0 error misaligned", "mapped 0 error misaligned",
            "mapped 4096", "mapped 4096 error already-mapped", "mapped 0 error out-of-range",
            "0x123", "unmapped", "mapped 4096", "unmapped 0 error out-of-range",
        ])
    }

    @Test func diagnosticsEscapeControlBytes() {
        let result = pagetable(["run", "--format", "arm-lpae-64", "-"], input: "map 0 0 4K r\u{1}w\nfo\u{1b}[31mo 1\n")
        #expect(result.status == 2 && result.output.isEmpty)
        #expect(result.error.contains("bad protection 'r\\x01w': unknown letter '\\x01'"), "\(result.error)")
        #expect(result.error.contains("unknown operation 'fo\\x1b[31mo'"), "\(result.error)")
        #expect(!result.error.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        let option = pagetable(["run", "--format", "gpu\u{7}", "-"], input: "")
        #expect(option.error.contains("unknown format 'gpu\\x07'"), "\(option.error)")
    }

    @Test func hugeTokensAreCut() {
        let token = String(repeating: "9", count: 1 << 20)
        let result = pagetable(["run", "--format", "arm-lpae-64", "-"], input: "translate \(token)\nmap 0 0 4K \(token)q\n")
        #expect(result.status == 2)
        #expect(result.error.utf8.count < 400, "\(result.error.utf8.count) bytes of diagnostics")
        #expect(result.error.contains("bad number '" + String(repeating: "9", count: 40) + "... (1048576 bytes)'"),
                "\(result.error.prefix(300))")
        let option = pagetable(["run", "--format", "arm-lpae-64", "--memory-size", token, "-"], input: "")
        #expect(option.status == 2 && option.error.utf8.count < 200)
    }

    @Test func scriptsComeFromAnyReadableStream() throws {
        let empty = pagetable(["run", "--format", "arm-lpae-64", "--stats", "/dev/null"])
        #expect(empty.status == 0 && empty.lines.first == "tables 1", "\(empty.error)")
        try withTemporaryDirectory { directory in
            let fifo = directory.appendingPathComponent("script.fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            let writer = Thread {
                let handle = FileHandle(forWritingAtPath: fifo)
                handle?.write(Data("map 0 0x40000000 4K rw\ntranslate 0x123\n".utf8))
                try? handle?.close()
            }
            writer.start()
            let result = pagetable(["run", "--format", "arm-lpae-64", fifo])
            #expect(result.status == 0 && result.lines == ["mapped 4096", "0x40000123"], "\(result.error)")
            let missing = pagetable(["run", "--format", "arm-lpae-64", directory.appendingPathComponent("none").path])
            #expect(missing.status == 2 && missing.error.contains("no such file"))
            let folder = pagetable(["run", "--format", "arm-lpae-64", directory.path])
            #expect(folder.status == 2 && folder.error.contains("directory"))
        }
    }
}

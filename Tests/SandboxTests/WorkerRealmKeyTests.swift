import Foundation
import Testing
@testable import Sandbox

/// The worker speaking its framed protocol directly, with realm keys the pool never sends:
/// the pool's keys are 64-character digests, but the worker must not depend on that.
@Suite("Worker realm keys")
struct WorkerRealmKeyTests {
    @Test func shortRealmKeysComingAndGoingNeverCrashTheWorker() throws {
        // given: requests for more realms than a worker keeps, named by keys short enough
        // for JavaScriptCore's JSON parser to atomize (a worker that held those strings
        // from the request crashed within a few hundred such calls)
        var state: UInt64 = 1
        func next(_ bound: UInt64) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % bound)
        }
        let calls = 1500
        var input = Data()
        var expected: [Int] = []
        for call in 0..<calls {
            let value = next(5)
            expected.append(value)
            let request = #"{"type":"run","call":\#(call),"implementation":"return \#(value)","arguments":{},"secrets":{},"realm":"k\#(next(40))","limits":{"cpuMilliseconds":1000}}"#
            let bytes = Array(request.utf8)
            input.append(contentsOf: withUnsafeBytes(of: UInt32(bytes.count).bigEndian, Array.init))
            input.append(contentsOf: bytes)
        }
        let requests = FileManager.default.temporaryDirectory.appendingPathComponent("worker-keys-\(UUID().uuidString).bin")
        try input.write(to: requests)
        defer { try? FileManager.default.removeItem(at: requests) }

        // when
        let worker = Process()
        worker.executableURL = URL(fileURLWithPath: SandboxPool.defaultWorkerExecutable())
        worker.environment = SandboxPool.workerEnvironment
        worker.standardInput = try FileHandle(forReadingFrom: requests)
        let output = Pipe()
        worker.standardOutput = output
        try worker.run()
        let answers = output.fileHandleForReading.readDataToEndOfFile()
        worker.waitUntilExit()

        // then: every call answered with its own value, and the worker ended at end of input
        let values = try frames(in: answers).map { answer -> Int? in
            let object = try #require(JSONSerialization.jsonObject(with: answer) as? [String: Any])
            return (object["ok"] as? Bool) == true ? object["value"] as? Int : nil
        }
        #expect(worker.terminationReason == .exit && worker.terminationStatus == 0)
        #expect(values.count == calls)
        let wrong = zip(values, expected).filter { $0.0 != $0.1 }.count
        #expect(wrong == 0, "\(wrong) calls answered with another value or a failure")
    }

    private func frames(in data: Data) throws -> [Data] {
        var frames: [Data] = []
        var offset = data.startIndex
        while offset + 4 <= data.endIndex {
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            let start = offset + 4
            try #require(start + length <= data.endIndex, "a truncated answer frame")
            frames.append(data[start..<start + length])
            offset = start + length
        }
        return frames
    }
}

import CSandboxContainment
import Core
import Foundation
import Glibc
import Testing
@testable import Sandbox

/// The operating system's walls around real worker processes, inspected from the parent
/// (which is root in CI and may read any /proc entry) and, through `__bmmTestHooks`,
/// from inside a tool.
@Suite("Containment")
struct ContainmentTests {
    static let isRoot = geteuid() == 0

    @Test(.enabled(if: isRoot, "switching the workers' uid needs the tests to run as root, as CI does"))
    func workersRunAsAnotherUnprivilegedUser() async throws {
        try await withPool { pool in
            // when
            let worker = try await servingWorker(pool)

            // then
            let uids = try #require(statusField("Uid", of: worker)).split(separator: "\t").compactMap { uid_t($0) }
            let gids = try #require(statusField("Gid", of: worker)).split(separator: "\t").compactMap { gid_t($0) }
            #expect(uids.count == 4 && Set(uids).count == 1, "real, effective, saved and filesystem uid are one: \(uids)")
            #expect(uids.first != getuid() && uids.first != 0)
            #expect(!gids.contains(0))
            #expect(statusField("Groups", of: worker) == "")
            #expect(pool.containment.mechanisms.first { $0.name == "separate user" }?.isActive == true)
        }
    }

    @Test func workersHaveNoNewPrivilegesAndASeccompFilter() async throws {
        try await withPool { pool in
            // when
            let worker = try await servingWorker(pool)

            // then
            #expect(statusField("NoNewPrivs", of: worker) == "1")
            #expect(statusField("Seccomp", of: worker) == "2")
        }
    }

    @Test func aForbiddenSystemCallKillsTheWorkerAndTheNextCallWorks() async throws {
        try await withPool(testHooks: true) { pool in
            // given
            let first = try await servingWorker(pool)

            // when
            let attempt = await pool.run("return __bmmTestHooks.forbiddenSystemCall()")
            let next = await pool.run("return 6 * 7")

            // then
            #expect(attempt.failure == .forbiddenSystemCall)
            #expect(attempt.failure?.message.contains("forbids") == true)
            #expect(next.value == 42)
            #expect(await pool.workerProcessIDs() != [first])
        }
    }

    @Test func datesAndIntlWorkBehindTheFilterInUTC() async throws {
        try await withPool { pool in
            // given a worker behind the filter
            let first = try await servingWorker(pool)

            // when tools format dates in time zones and locales (ICU loads zone data on first use)
            let calls: [(String, JSONValue)] = [
                ("return new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Berlin', timeStyle: 'short' }).format(new Date(0))", "1:00 AM"),
                ("return new Intl.DateTimeFormat('en-US', { timeZone: 'Pacific/Chatham', timeZoneName: 'long' }).format(new Date(0))",
                 "1/1/1970, Chatham Standard Time"),
                ("return new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(1234.5)", "1.234,50\u{00A0}€"),
                ("return new Date(2024, 0, 1).getTimezoneOffset()", 0),
                ("return new Date(0).toString()", "Thu Jan 01 1970 00:00:00 GMT+0000 (Coordinated Universal Time)"),
                ("return new Date(0).toLocaleString('en-US')", "1/1/1970, 12:00:00 AM"),
                ("return Intl.DateTimeFormat().resolvedOptions().timeZone", "UTC"),
                ("return new Intl.DateTimeFormat('he', { calendar: 'hebrew', dateStyle: 'long', timeZone: 'UTC' }).format(new Date(0))", "23 בטבת 5730"),
            ]
            for (code, expected) in calls {
                let outcome = await pool.run(code)
                #expect(outcome.value == expected, "\(code): \(String(describing: outcome.failure))")
            }

            // then the same worker answered them all
            #expect(await pool.workerProcessIDs() == [first])
        }
    }

    @Test func aThreadSuspendedTheWayTheCollectorDoesItSurvivesTheFilter() async throws {
        try await withPool(testHooks: true) { pool in
            // given a worker behind the filter
            let first = try await servingWorker(pool)

            // when a thread waits in rt_sigsuspend until another thread signals it, as JavaScriptCore's
            // collector makes threads do under load
            let outcome = await pool.run("return __bmmTestHooks.suspendUntilSignalled()")

            // then the worker is still the same process and answered
            #expect(outcome.value == "resumed", "\(String(describing: outcome.failure))")
            #expect(await pool.workerProcessIDs() == [first])
        }
    }

    @Test func theAppsEnvironmentIsUnreadableFromAWorker() async throws {
        try await withPool(testHooks: true) { pool in
            // when: measured inside the worker after its privileges dropped, before seccomp
            let outcome = await pool.run("return __bmmTestHooks.parentEnviron()")

            // then
            #expect(outcome.value == "EACCES")
            #expect(bmm_get_dumpable() == 0)
        }
    }

    @Test(.enabled(if: isRoot, "a network namespace needs root here (unprivileged user namespaces vary by kernel)"))
    func workersHaveNoNetworkInterfaceButLoopback() async throws {
        try await withPool { pool in
            // when
            let worker = try await servingWorker(pool)

            // then
            let devices = try String(contentsOfFile: "/proc/\(worker)/net/dev", encoding: .utf8)
                .split(separator: "\n").dropFirst(2)
                .compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) }
            #expect(devices == ["lo"])
            let own = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/ns/net")
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker)/ns/net") != own)
        }
    }

    @Test func workersKeepNoDescriptorOrDirectoryOfTheApps() async throws {
        try await withPool { pool in
            // when
            let worker = try await servingWorker(pool)

            // then: the channel on 0 and 1, stderr, and only what the engine opened itself
            let descriptors = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(worker)/fd").compactMap(Int.init).sorted()
            let targets = try descriptors.map { try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker)/fd/\($0)") }
            #expect(Array(descriptors.prefix(3)) == [0, 1, 2])
            #expect(targets[0].hasPrefix("socket:") && targets[0] == targets[1])
            let engineOwn: Set<String> = ["anon_inode:[eventfd]", "/dev/urandom", "/proc/\(worker)/statm"]
            #expect(Set(targets.dropFirst(3)).isSubset(of: engineOwn), "\(targets)")
            let directory = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker)/cwd")
            #expect(directory.contains("bmm-sandbox-"))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: directory)[.posixPermissions] as? Int)
            #expect(mode == 0o111)
            #expect(try coreLimit(of: worker) == "0")
        }
    }

    @Test func theJITIsOffUnlessAskedFor() async throws {
        // given: a loop hot enough for every JIT tier
        let hot = "let s = 0; for (let i = 0; i < 3e6; i++) { s = (s + i * 7) % 1000003 } return s"
        let off = try await withPool { pool in
            _ = await pool.run(hot)
            return try executableAnonymousMappings(of: try await servingWorker(pool))
        }
        let on = try await withPool(jit: true) { pool in
            _ = await pool.run(hot)
            return try executableAnonymousMappings(of: try await servingWorker(pool))
        }

        // then
        #expect(off == 0)
        #expect(on > 0)
    }

    @Test func workspaceIsolationNeverSharesAWorkerAcrossWorkspaces() async throws {
        let sequence = ["a", "b", "a", "b", "a"]
        let isolated = try await withPool(workers: 2, isolation: .workspace, testHooks: true) { pool in
            try await processIDs(pool, sequence)
        }
        let shared = try await withPool(workers: 2, testHooks: true) { pool in
            try await processIDs(pool, sequence)
        }
        let lone = try await withPool(workers: 1, isolation: .workspace, testHooks: true) { pool in
            try await processIDs(pool, ["a", "b", "a"])
        }

        // then: each workspace keeps its own worker; shared, one worker serves both
        #expect(Set(isolated.filter { $0.0 == "a" }.map(\.1)).count == 1)
        #expect(Set(isolated.filter { $0.0 == "b" }.map(\.1)).count == 1)
        #expect(Set(isolated.filter { $0.0 == "a" }.map(\.1)).isDisjoint(with: isolated.filter { $0.0 == "b" }.map(\.1)))
        #expect(Set(shared.map(\.1)).count == 1)
        // with one slot, the least recently used worker makes way: three processes
        #expect(Set(lone.map(\.1)).count == 3)
    }

    // MARK: Helpers

    /// Runs a call so a worker has started and contained itself; returns its pid.
    private func servingWorker(_ pool: SandboxPool) async throws -> pid_t {
        #expect(await pool.run("return 1").value == 1)
        return try #require(await pool.workerProcessIDs().first)
    }

    private func processIDs(_ pool: SandboxPool, _ workspaces: [String]) async throws -> [(String, Int)] {
        var served: [(String, Int)] = []
        for workspace in workspaces {
            let outcome = await pool.run("return __bmmTestHooks.processID()", workspace: workspace)
            served.append((workspace, Int(try #require(outcome.value?.numberValue))))
        }
        return served
    }

    private func statusField(_ name: String, of pid: pid_t) -> String? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        return status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
            .map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
    }

    private func coreLimit(of pid: pid_t) throws -> String? {
        let limits = try String(contentsOfFile: "/proc/\(pid)/limits", encoding: .utf8)
        return limits.split(separator: "\n").first { $0.hasPrefix("Max core file size") }?
            .split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first.map(String.init)
    }

    /// Anonymous mappings that can execute: where a JIT puts the code it writes.
    private func executableAnonymousMappings(of pid: pid_t) throws -> Int {
        try String(contentsOfFile: "/proc/\(pid)/maps", encoding: .utf8).split(separator: "\n").filter { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            return fields.count >= 5 && fields[1].contains("x") && (fields.count == 5 || fields[5].hasPrefix("["))
                && !fields[5...].contains(where: { $0.hasPrefix("[vdso") || $0.hasPrefix("[vsyscall") })
        }.count
    }
}

import Core
import Glibc

/// Runs one call (or one compile check) on a leased worker: sends the request, relays
/// fetches while the tool awaits them, and turns the worker's answer, or the reason
/// the parent killed it, into an outcome.
struct CallExecution {
    let worker: WorkerProcess
    let monitor: ResourceMonitor
    let callID: Int

    /// `realm` is the call's `RealmKey` when the pool runs warm realms.
    func run(_ call: SandboxCall, realm: String?, fetcher: any SandboxFetcher) async -> SandboxOutcome {
        let started = ContinuousClock.now
        let relay = FetchRelay(worker: worker, callID: callID, limits: call.limits, fetcher: fetcher)
        let frame = WorkerProtocol.frame(RunFrame(
            call: callID,
            realm: realm,
            implementation: call.implementation,
            arguments: call.arguments,
            secrets: call.secrets,
            limits: call.limits
        ))

        let redactor = SecretRedactor(secrets: call.secrets)
        let onProgress = call.onProgress
        var reportedProgress = false
        let (answer, delivered) = await exchange(frame, limits: call.limits) { message in
            switch message {
            case .fetch(let call, let id, let request) where call == callID:
                relay.start(id: id, request: request)
                return nil
            case .progress(let call, var update) where call == callID:
                update.message = update.message.map { redactor.redact($0, cut: .progressMessage) }
                reportedProgress = true
                onProgress?(update)
                return nil
            case .done(let call, let result) where call == callID:
                return result
            default:
                return nil
            }
        }
        relay.cancelAll()
        let duration = (ContinuousClock.now - started) / .milliseconds(1)

        guard let answer else {
            let reason = deathReason()
            var outcome = SandboxOutcome(result: .failure(reason), durationMilliseconds: duration, fetchCount: relay.count)
            // A worker killed from outside (SIGKILL: an operator, the OOM killer) fails its call, as it
            // should be seen; one that never got the request, or whose engine crashed before the call
            // reached outside the worker, may run it again.
            outcome.diedWithoutEffect = reason == .workerCrashed && relay.count == 0 && !reportedProgress
                && (!delivered || worker.terminationSignal != SIGKILL)
            return outcome
        }
        var logs = answer.logs.map { redactor.redact($0, cut: .logLine) }
        if answer.droppedLogs > 0 {
            logs.append("… \(answer.droppedLogs) more log lines were dropped (the limit is \(call.limits.maxLogLines) per call)")
        }
        let result = answer.value
            .map(redactor.redact)
            .mapError { redactor.redact(failure($0, relay: relay)) }
        return SandboxOutcome(result: result, logs: logs, durationMilliseconds: duration, fetchCount: relay.count, isContent: answer.isContent)
    }

    func compile(_ implementation: String) async -> Result<Void, SandboxFailure> {
        let frame = WorkerProtocol.frame(CompileFrame(call: callID, implementation: implementation))
        let (answer, _) = await exchange(frame, limits: .standard) { message in
            if case .compiled(let call, let result) = message, call == callID { return result }
            return nil
        }
        guard let answer else { return .failure(deathReason()) }
        return answer.value.map { _ in () }.mapError { failure($0, relay: nil) }
    }

    /// Sends `frame` and feeds the worker's messages to `handle` until it returns the
    /// answer; nil if the worker died first (killed by the monitor, crashed, or
    /// killed because the caller's task was cancelled). `delivered` is false when the
    /// frame could not even be written: the worker was already gone.
    private func exchange(_ frame: [UInt8], limits: SandboxLimits, handle: (WorkerMessage) -> WorkerResult?) async -> (answer: WorkerResult?, delivered: Bool) {
        worker.beginCall(callID)
        worker.limitMemory(bytes: limits.memoryMegabytes * 1024 * 1024)
        let token = monitor.watch(worker, limits: limits)
        defer {
            monitor.unwatch(token)
            worker.endCall()
        }
        return await withTaskCancellationHandler {
            guard await worker.send(frame) else { return (nil, false) }
            while let message = await worker.mailbox.next() {
                if let answer = handle(message) {
                    if answer.retiring { worker.markRetiring() }
                    return (answer, true)
                }
            }
            return (nil, true)
        } onCancel: {
            worker.kill(because: .cancelled)
        }
    }

    /// The kernel's verdicts come first: the parent's monitor may have seen the dead
    /// process and called it a crash before the reader reaped it.
    private func deathReason() -> SandboxFailure {
        if worker.terminationSignal == SIGSYS { return .forbiddenSystemCall }
        if worker.wasKilledForMemory { return .memoryLimit }
        if let reason = worker.killReason { return reason }
        worker.kill(because: .workerCrashed)
        return .workerCrashed
    }

    private func failure(_ failure: WorkerFailure, relay: FetchRelay?) -> SandboxFailure {
        switch failure.kind {
        case "thrown": relay?.refusal(for: failure.message) ?? .thrown(failure.message)
        case "syntax": .syntax(failure.message)
        case "cpu_limit": .cpuLimit
        case "result_too_large": .resultTooLarge
        case "invalid_result": .invalidResult(failure.message)
        case "never_settled": .neverSettled
        case "too_many_fetches": .tooManyFetches
        default: .thrown(failure.message)
        }
    }
}

/// Why a call produced no value. `message` is written for the person (or model) who
/// wrote the tool; `code` is the snake_case form used in API errors.
public enum SandboxFailure: Error, Sendable, Hashable {
    /// The tool threw; the payload is the error message (`"TypeError: …"` plus a line
    /// number for mistakes the engine caught, a readable form for non-Error values).
    case thrown(String)
    /// The implementation does not compile; the payload names the line in the body.
    case syntax(String)
    /// The tool returned something with no JSON form (a BigInt, a cycle, a function).
    case invalidResult(String)
    /// The tool's promise can never settle (there are no timers in the sandbox).
    case neverSettled
    case cpuLimit
    case wallClockLimit
    case memoryLimit
    case tooManyFetches
    case responseTooLarge
    case resultTooLarge
    case workerCrashed
    /// The worker made a system call outside the seccomp allow-list and the kernel
    /// killed it: an attempt to get out of the JavaScript sandbox, or an engine bug.
    case forbiddenSystemCall
    /// No worker came free within the queue's deadline, or the queue is full: the call
    /// never ran, and the same call may be sent again after `retryAfterSeconds`.
    case overloaded(retryAfterSeconds: Int)
    case cancelled
    /// No worker process could be started; the payload says why.
    case workerUnavailable(String)

    public var message: String {
        switch self {
        case .thrown(let message): message
        case .syntax(let message): "Syntax error: \(message)"
        case .invalidResult(let message): message
        case .neverSettled:
            "The tool's promise never settled: it awaited something that can never happen (the sandbox has no timers)."
        case .cpuLimit: "The tool used more CPU time than its limit allows and was stopped."
        case .wallClockLimit:
            "The tool ran longer than its time limit (time spent waiting for ctx.fetch counts) and was stopped."
        case .memoryLimit: "The tool used more memory than its limit allows and was stopped."
        case .tooManyFetches: "The tool called ctx.fetch more times than its limit allows."
        case .responseTooLarge: "A ctx.fetch response was larger than the limit for one response."
        case .resultTooLarge:
            "The tool's return value is larger than the limit allows; return only what the model needs."
        case .workerCrashed: "The sandbox process running the tool stopped unexpectedly."
        case .forbiddenSystemCall:
            "The sandbox stopped the tool: its process attempted an operation the operating system forbids to tools (such as opening a file or a network connection)."
        case .overloaded(let seconds):
            "Every sandbox worker stayed busy for as long as a call may wait; the call did not run. Retry in \(seconds) s."
        case .cancelled: "The call was cancelled."
        case .workerUnavailable(let reason): "The sandbox could not start: \(reason)"
        }
    }

    public var code: String {
        switch self {
        case .thrown: "tool_error"
        case .syntax: "syntax_error"
        case .invalidResult: "invalid_result"
        case .neverSettled: "never_settled"
        case .cpuLimit: "cpu_limit"
        case .wallClockLimit: "wall_clock_limit"
        case .memoryLimit: "memory_limit"
        case .tooManyFetches: "too_many_fetches"
        case .responseTooLarge: "response_too_large"
        case .resultTooLarge: "result_too_large"
        case .workerCrashed: "worker_crashed"
        case .forbiddenSystemCall: "forbidden_system_call"
        case .overloaded: "sandbox_overloaded"
        case .cancelled: "cancelled"
        case .workerUnavailable: "sandbox_unavailable"
        }
    }
}

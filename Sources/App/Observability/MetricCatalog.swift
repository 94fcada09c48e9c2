/// Every metric `/metrics` shows, with its HELP text. Content/docs/self-hosting.md
/// ("Monitoring") lists the same names and labels for operators.
enum MetricCatalog {
    static let httpRequests = "bmm_http_requests_total"
    static let httpRequestDuration = "bmm_http_request_duration_seconds"
    static let toolCalls = "bmm_tool_calls_total"
    static let toolCallDuration = "bmm_tool_call_duration_seconds"
    static let sandboxWorkerKills = "bmm_sandbox_worker_kills_total"
    static let sandboxWorkers = "bmm_sandbox_workers"
    static let sandboxQueuedCalls = "bmm_sandbox_queued_calls"
    static let sandboxQueueWait = "bmm_sandbox_queue_wait_seconds"
    static let buildDuration = "bmm_build_duration_seconds"
    static let buildsQueued = "bmm_builds_queued"
    static let emailsQueued = "bmm_emails_queued"
    static let drafts = "bmm_drafts_total"
    static let draftDuration = "bmm_draft_duration_seconds"
    static let databaseConnectionWait = "bmm_database_connection_wait_seconds"

    static let help: [String: String] = [
        httpRequests: "HTTP requests answered, by method, route pattern (parameters as :name; unmatched for unknown paths) and status.",
        httpRequestDuration: "Time from receiving an HTTP request to its response head, by method, route pattern and status.",
        toolCalls: "MCP tool calls, by outcome (ok, tool_error, invalid_arguments, invalid_result, failed, cancelled, overloaded).",
        toolCallDuration: "Duration of MCP tool calls in the sandbox, from the worker's lease to its answer, by outcome.",
        sandboxWorkerKills: "Sandbox worker processes killed during a call, by reason (the failure code of the call; cancelled includes calls cancelled while they still waited for a worker).",
        sandboxWorkers: "Sandbox worker processes by state (configured: BMM_SANDBOX_WORKERS; busy: running a call; idle: started and free), sampled at scrape time.",
        sandboxQueuedCalls: "Tool calls and build checks waiting for a free sandbox worker on this instance, sampled at scrape time.",
        sandboxQueueWait: "Time each tool call waited for a sandbox worker on this instance (in the queue, or while one started) before it ran or was refused as overloaded.",
        buildDuration: "Duration of builds from claim to finish, by outcome (succeeded, failed, error).",
        buildsQueued: "Builds waiting in the queue (all instances, from the database), sampled at scrape time.",
        emailsQueued: "Notice emails in the mail queue (all instances, from the database), by state (waiting: to be sent or retried; given_up: not retried, kept a week), sampled at scrape time.",
        drafts: "Drafts finished, by provider (anthropic, openai_compatible, offline, other) and outcome (ok, cached, or an error code).",
        draftDuration: "Duration of drafting calls to a provider, by provider and outcome.",
        databaseConnectionWait: "Time this scrape waited to lease a connection from this instance's database pool; a rising value means requests queue for connections. Sampled once per scrape, not per request: the connection pool offers no hook to time every lease.",
    ]

    static let defaultDurationBuckets: [Duration] = [
        .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    /// A tool call in a warm realm takes a fraction of a millisecond and a queue wait is
    /// often zero, so their buckets start below the default's 5 ms.
    static let sandboxDurationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
    ]

    /// Builds and drafts take seconds to minutes; tool calls and queue waits far less.
    static let durationBuckets: [String: [Duration]] = [
        toolCallDuration: sandboxDurationBuckets,
        sandboxQueueWait: sandboxDurationBuckets,
        buildDuration: [.milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5),
                        .seconds(10), .seconds(30), .seconds(60), .seconds(120)],
        draftDuration: [.milliseconds(100), .milliseconds(500), .seconds(1), .seconds(2), .seconds(5), .seconds(10),
                        .seconds(20), .seconds(30), .seconds(60), .seconds(120)],
    ]

    static let valueBuckets: [Double] = [1, 5, 10, 50, 100, 500, 1000, 5000, 10000]
}

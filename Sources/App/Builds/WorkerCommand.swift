import Vapor

/// `bmm worker`: runs builds from the shared queue without serving HTTP, for
/// deployments that keep build work off the web instances.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Run the builds queued now, then exit.")
        var once: Bool
    }

    var help: String { "Runs queued builds (validate, scan, compile, activate) until stopped." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let runner = BuildRunner(app: context.application)
        if signature.once {
            try await runner.drain()
            return
        }
        context.console.info("Running builds; stop with Ctrl-C.")
        await runner.loop()
    }
}

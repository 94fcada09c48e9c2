// bmm-sandbox-worker: runs untrusted tool implementations for the Sandbox module's
// SandboxPool, one call at a time, speaking framed JSON over stdin and stdout.
// The order matters: see Containment.
let options = WorkerOptions(argc: CommandLine.argc, argv: CommandLine.unsafeArgv)
ProcessHardening.apply()
Containment.dropPrivileges(options)
Containment.configureEngine(options)
let worker = Worker(testHooks: options.testHooks)
worker.warmUp()
if options.testHooks { TestHooks.probe() }
Containment.lockDown(options)
worker.serve()

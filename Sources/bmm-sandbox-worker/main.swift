// bmm-sandbox-worker: runs untrusted tool implementations for the Sandbox module's
// SandboxPool, one call at a time, speaking framed JSON over stdin and stdout.
ProcessHardening.apply()
Worker().serve()

"""Load on loopback (issue 17): 500 concurrent MCP clients, half in 2025-06-18 sessions and
half stateless 2026-07-28, call `add` for 15 s against one server on two sandbox workers.
The sandbox queue must absorb them: no 503, no tool error, nothing but successful results
(designed 429s aside; the per-minute limit is off here so the queue takes the whole load).
Benchmarks/mcp-load runs the same script for 60 s on a release build and reports figures;
this bounded run is the CI check. BMM_LOAD_CLIENTS / BMM_LOAD_SECONDS change the size."""
import json
import os
import subprocess
import sys

from conftest import BINARY, ROOT, free_port, wait_for
from test_mcp import make_hosted

SCRIPT = ROOT / "Benchmarks" / "load" / "mcp_load.py"


def start(data, port, **extra):
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_SIGNIN_SENDS_PER_IP="1000",
               BMM_RELOAD="off", **extra)
    env.pop("DATABASE_URL", None)
    log = open(data / "serve.log", "a")
    process = subprocess.Popen([BINARY, "serve", "--log", "warning"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(base + "/healthz")
    return process, base


def test_500_concurrent_clients_get_only_results(tmp_path):
    clients = int(os.environ.get("BMM_LOAD_CLIENTS", "500"))
    seconds = float(os.environ.get("BMM_LOAD_SECONDS", "15"))
    process, base = start(tmp_path, free_port(), BMM_TOOL_CALLS_PER_MINUTE="off", BMM_SANDBOX_WORKERS="2",
                          BMM_SANDBOX_QUEUE_SECONDS=os.environ.get("BMM_LOAD_QUEUE_SECONDS", "10"))
    try:
        hosted = make_hosted(base)
        report_file = tmp_path / "load.json"
        run = subprocess.run([sys.executable, str(SCRIPT), "--endpoint", hosted.endpoint, "--token", hosted.token,
                              "--clients", str(clients), "--seconds", str(seconds), "--json", str(report_file)],
                             capture_output=True, text=True, timeout=seconds + 240)
        print(run.stdout, run.stderr)
        assert report_file.exists(), run.stdout + run.stderr
        report = json.loads(report_file.read_text())
        assert report["errors"] == 0, (report["outcomes"], report["examples"])
        assert report["outcomes"].get("ok", 0) >= clients, report["outcomes"]
        assert set(report["outcomes"]) <= {"ok", "rate_limited"}, report["outcomes"]
        assert run.returncode == 0, run.stdout + run.stderr
    finally:
        process.terminate()
        process.wait(timeout=30)

"""Benchmarks/sandbox-worker's driver against the worker this suite built: it speaks the
worker's frame protocol, checks every reply (the sum 5), and tells the kinds of realm apart
(a fresh context costs more CPU and brings on JavaScriptCore's full collections, a warm
realm neither), so the benchmark keeps measuring what it says when the protocol changes."""
import json
import pathlib
import subprocess
import sys

from conftest import BINARY, ROOT

SCRIPT = ROOT / "Benchmarks" / "sandbox-worker-lib" / "worker_calls.py"
WORKER = pathlib.Path(BINARY).parent / "bmm-sandbox-worker"


def test_the_worker_benchmark_measures_each_kind_of_realm():
    run = subprocess.run([sys.executable, str(SCRIPT), str(WORKER), "--calls", "400", "--rounds", "1", "--json"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads(run.stdout)["summary"]["A"]
    assert set(summary) == {"warm", "new-realm", "one-off"}
    warm, new_realm, one_off = summary["warm"], summary["new-realm"], summary["one-off"]
    assert one_off["cpu_ms"] > warm["cpu_ms"] and new_realm["cpu_ms"] > warm["cpu_ms"], summary
    assert new_realm["full_collections_per_1000"] > warm["full_collections_per_1000"], summary
    assert one_off["full_collections_per_1000"] > warm["full_collections_per_1000"], summary
    for row in summary.values():
        assert 0 < row["p50_ms"] <= row["p99_ms"] <= row["max_ms"], summary

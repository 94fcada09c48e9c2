"""Monitoring as an operator sees it on the real binary: `/metrics` for loopback or a
token only (also behind a proxy on the same machine), and JSON log lines that carry
the trace id but never a bearer token."""
import json
import os
import subprocess

import requests

from conftest import BINARY, ROOT, free_port, wait_for

METRICS_TOKEN = "e2e-metrics-token-0123456789abcdef0123"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


def test_metrics_access_and_json_logs(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "data"), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_RELOAD="off",
               BMM_LOG_FORMAT="json", BMM_METRICS_TOKEN=METRICS_TOKEN, BMM_TRUSTED_PROXIES="127.0.0.1/32")
    env.pop("DATABASE_URL", None)
    log_path = tmp_path / "serve.log"
    with open(log_path, "w") as log:
        process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.DEVNULL)
        try:
            wait_for(base + "/healthz")
            # given a request with a trace and a bearer token the app does not know
            stray_token = "bmm_pat_e2e_should_never_be_logged"
            traced = requests.get(base + "/docs", headers={
                "traceparent": f"00-{TRACE_ID}-00f067aa0ba902b7-01", "Authorization": f"Bearer {stray_token}"})
            assert traced.status_code == 200
            # when the scraper on this machine reads the metrics
            scraped = requests.get(base + "/metrics")
            assert scraped.status_code == 200
            assert scraped.headers["Content-Type"].startswith("text/plain")
            assert 'bmm_http_requests_total{method="GET",route="/docs",status="200"} 1' in scraped.text
            # a public client forwarded by the (trusted) proxy on this machine is not local
            assert requests.get(base + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 404
            # the token opens it from anywhere; a wrong one does not
            assert requests.get(base + "/metrics", headers={"X-Forwarded-For": "203.0.113.9",
                                                            "Authorization": f"Bearer {METRICS_TOKEN}"}).status_code == 200
            assert requests.get(base + "/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
        finally:
            process.terminate()
            process.wait(timeout=20)

    lines = [line for line in log_path.read_text().splitlines() if line.strip()]
    objects = [json.loads(line) for line in lines]  # every line is one JSON object
    assert all({"time", "level", "message"} <= set(o) for o in objects)
    docs = [o for o in objects if o.get("route") == "/docs"]
    assert len(docs) == 1
    assert docs[0]["status"] == 200 and docs[0]["trace_id"] == TRACE_ID and docs[0]["duration_ms"] >= 0
    assert [o["status"] for o in objects if o.get("route") == "/metrics"] == [200, 404, 200, 404]
    text = log_path.read_text()
    assert stray_token not in text and METRICS_TOKEN not in text


def test_a_build_worker_serves_its_own_metrics(tmp_path):
    """With BMM_RUN_BUILDS=0 builds run in `bmm worker`, so their durations are measured
    there: `--metrics-port` serves /metrics and the probes (nothing else) on loopback."""
    from accounts import signed_in_session
    from operations import Serve, create_server, wait_active
    from test_mcp import SPEC

    app = Serve(tmp_path / "data", BMM_RUN_BUILDS="0").start()
    metrics_port = free_port()
    worker_log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen([BINARY, "worker", "--metrics-port", str(metrics_port)], cwd=ROOT, env=app.env,
                              stdout=worker_log, stderr=subprocess.STDOUT)
    try:
        worker_base = f"http://127.0.0.1:{metrics_port}"
        wait_for(worker_base + "/healthz")
        # when a server is built by the worker
        session = signed_in_session(app.base)
        created = create_server(session, app.base, dict(SPEC, slug="built-by-the-worker"))
        wait_active(session, app.base, created["id"])
        # then the worker's metrics count the build, and the web instance's do not
        worker_metrics = requests.get(worker_base + "/metrics", timeout=10)
        assert worker_metrics.status_code == 200
        assert 'bmm_build_duration_seconds_count{outcome="succeeded"} 1' in worker_metrics.text
        assert "bmm_build_duration_seconds_count" not in requests.get(app.base + "/metrics", timeout=10).text
        # and the worker answers nothing but the probes
        assert requests.get(worker_base + "/readyz", timeout=10).status_code == 200
        assert requests.get(worker_base + "/", timeout=10).status_code == 404
        assert requests.get(worker_base + "/login", timeout=10).status_code == 404
        # a public client through a proxy cannot read it either
        assert requests.get(worker_base + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=10).status_code == 404
    finally:
        worker.terminate()
        exit_code = worker.wait(timeout=30)
        worker_log.close()
        # Stopped before the exit code is judged, so a failing worker does not leave the app running.
        app.stop()
        assert exit_code == 0, (tmp_path / "worker.log").read_text()[-3000:]

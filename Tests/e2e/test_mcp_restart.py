"""Legacy MCP sessions live in the database: a restarted app keeps answering them,
with the real SDK's session id and with the same token."""
import os
import subprocess


from conftest import BINARY, ROOT, free_port, wait_for
from test_mcp import initialize, legacy, make_hosted


def start(data, port):
    base = f"http://127.0.0.1:{port}"
    env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_SIGNIN_SENDS_PER_IP="1000")
    env.pop("DATABASE_URL", None)
    log = open(data / "serve.log", "a")
    process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    wait_for(base + "/healthz")
    return process, base


def test_a_restart_keeps_legacy_sessions_valid(tmp_path):
    port = free_port()
    process, base = start(tmp_path, port)
    try:
        hosted = make_hosted(base)
        session_id, _ = initialize(hosted)
        before = legacy(hosted, "tools/list", session_id=session_id)
        assert before.status_code == 200, before.text
    finally:
        process.terminate()
        process.wait(timeout=20)

    # the same data, a new process
    process, base = start(tmp_path, port)
    try:
        after = legacy(hosted, "tools/call", {"name": "add", "arguments": {"a": 20, "b": 22}}, session_id=session_id)
        assert after.status_code == 200, after.text
        result = after.json()["result"]
        assert result["structuredContent"] == {"sum": 42}
        # and an unknown session is still refused after the restart
        unknown = legacy(hosted, "tools/list", session_id="not-a-session")
        assert unknown.status_code == 404
    finally:
        process.terminate()
        process.wait(timeout=20)

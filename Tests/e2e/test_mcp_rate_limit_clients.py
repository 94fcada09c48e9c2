"""A rate-limited call in a 2025 session with the official Python SDK 1.x, on which LangChain, mcp-use and smolagents
build: the limit's JSON-RPC error reaches the caller as an error for that call, and the session goes on. (The SDK
ends the whole session on any HTTP status other than 2xx, which is why the 2025 revisions get the error under 200.)"""
import time

from test_load import start
from test_mcp import make_hosted, run_client, sdk_python
from conftest import free_port


def test_a_rate_limited_call_leaves_an_sdk_1_session_working(tmp_path):
    process, base = start(tmp_path, free_port(), BMM_TOOL_CALLS_PER_MINUTE="2")
    try:
        hosted = make_hosted(base)
        # the limit counts per clock minute: start with enough of this one left for four calls
        if 60 - time.time() % 60 < 20:
            time.sleep(60 - time.time() % 60 + 0.5)
        python = sdk_python("BMM_MCP1_PYTHON", ".venv-mcp1")
        arguments = []
        for index in range(4):
            arguments += ["--call", "add", "--args", f'{{"a": {index}, "b": 1}}']
        status, out = run_client(python, hosted, "--mode", "legacy", *arguments)
        # exit 3: every call answered, two with a JSON-RPC error; a session the SDK tore down exits 1
        assert status == 3, out
        calls = out["calls"]
        assert [call.get("result", {}).get("structuredContent") for call in calls[:2]] == [{"sum": 1}, {"sum": 2}], calls
        for call in calls[2:]:
            assert call["error"]["code"] == -31429, call
            assert call["error"]["data"]["limit"] in ("token", "server"), call
    finally:
        process.terminate()
        process.wait(timeout=30)

"""The hosted endpoint with widely used MCP client libraries besides the official SDK:
FastMCP's Client, the OpenAI Agents SDK and Pydantic AI (one environment, mcp 2.x), and
LangChain's MCP adapters (their own environment, mcp 1.x). Each lists the tools and calls one
through its own public API (mcp_clients/other_clients.py).

Interpreters: BMM_OTHERS_PYTHON and BMM_LANGCHAIN_PYTHON, set by scripts/test (".venv-others",
".venv-langchain"); "skip" leaves a group out on purpose.
"""
import json
import subprocess

import pytest

from test_mcp import ROOT, SPEC, make_hosted, sdk_python

SCRIPT = ROOT / "Tests" / "e2e" / "mcp_clients" / "other_clients.py"
LIBRARIES = {
    "fastmcp": ("BMM_OTHERS_PYTHON", ".venv-others"),
    "agents": ("BMM_OTHERS_PYTHON", ".venv-others"),
    "pydantic": ("BMM_OTHERS_PYTHON", ".venv-others"),
    "langchain": ("BMM_LANGCHAIN_PYTHON", ".venv-langchain"),
}


@pytest.fixture(scope="module")
def hosted(server):
    return make_hosted(server)


def run(library, hosted):
    variable, venv = LIBRARIES[library]
    python = sdk_python(variable, venv)
    done = subprocess.run([python, str(SCRIPT), library, "--url", hosted.endpoint, "--token", hosted.token],
                          capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"{library}: no result (exit {done.returncode})\n{done.stderr[-3000:]}"
    out = json.loads(lines[-1])
    assert out["ok"], json.dumps(out, indent=2)
    return out


@pytest.mark.parametrize("library", list(LIBRARIES))
def test_library_lists_and_calls(hosted, library):
    out = run(library, hosted)
    names = [tool["name"] for tool in out["tools"]]
    assert names == sorted(names) and {"add", "explode", "greet"} <= set(names), out
    assert out["structured"] == {"sum": 5}, out


@pytest.mark.parametrize("library", list(LIBRARIES))
def test_library_reads_title_annotations_and_output_schema(hosted, library):
    tools = {tool["name"]: tool for tool in run(library, hosted)["tools"]}
    add = tools["add"]
    assert add["title"] == "Add numbers", add
    assert add["annotations"]["readOnlyHint"] is True and add["annotations"]["idempotentHint"] is True, add
    assert add["annotations"]["openWorldHint"] is False, add  # the calculator calls no domains
    if library != "langchain":  # a LangChain tool has no place for it
        assert add["outputSchema"] == SPEC["tools"][0]["outputSchema"], add

"""The hosted MCP endpoint `/mcp/{serverId}`, driven by the official MCP Python SDK's own
clients and by raw HTTP.

- mcp 2.x, mode "auto": probes `server/discover` and stays on the stateless 2026-07-28 revision.
- mcp 2.x, mode "legacy", and mcp 1.x: the `initialize` handshake with `MCP-Session-Id` (2025-11-25).
- Raw `requests`: authentication, Origin, the 2026-07-28 header/`_meta` validation ladder, and the
  legacy session rules (missing session 400, terminated session 404, GET a stream with a session).

The SDK interpreters come from BMM_MCP2_PYTHON / BMM_MCP1_PYTHON (scripts/test creates
.venv-mcp2 and .venv-mcp1 and exports both); set one to "skip" to leave that SDK out.
Each wire rule asserted here names the MCP specification page (revision 2026-07-28 unless
said otherwise) it comes from.
"""
import json
import os
import pathlib
import subprocess
import time
import uuid

import pytest
import requests

from accounts import signed_in_session
from conftest import ROOT

CLIENT = pathlib.Path(__file__).resolve().parent / "mcp_clients" / "run_client.py"
MODERN = "2026-07-28"
HANDSHAKE = ("2025-11-25", "2025-06-18")
HEADER_MISMATCH = -32020
UNSUPPORTED_PROTOCOL_VERSION = -32022
INVALID_PARAMS = -32602
METHOD_NOT_FOUND = -32601

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="  # a 1x1 PNG: the SDKs decode what they are given

SPEC = {
    "name": "Calculator",
    "description": "Adds numbers, fails on purpose and greets people, for the MCP end-to-end tests.",
    "tools": [
        {
            "name": "add",
            "title": "Add numbers",
            "description": "Adds two numbers and returns their sum.",
            "annotations": {"readOnlyHint": True, "idempotentHint": True},
            "outputSchema": {"type": "object", "properties": {"sum": {"type": "number"}}, "required": ["sum"]},
            "icons": [{"src": "https://example.com/add.png", "mimeType": "image/png", "sizes": ["48x48"]}],
            "inputSchema": {
                "type": "object",
                "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                "required": ["a", "b"],
            },
            "implementation": "return { sum: args.a + args.b };",
        },
        {
            "name": "explode",
            "description": "Always fails with the message boom, to test tool errors.",
            "inputSchema": {"type": "object", "properties": {}},
            "implementation": 'throw new Error("boom");',
        },
        {
            "name": "greet",
            "description": "Greets someone by name and returns plain text.",
            "inputSchema": {
                "type": "object",
                "properties": {"name": {"type": "string"}},
                "required": ["name"],
            },
            "implementation": 'return "Hello, " + args.name + "!";',
        },
        {
            "name": "chart",
            "description": "Returns a tiny PNG chart with a caption, to test image content.",
            "inputSchema": {"type": "object", "properties": {}},
            "implementation": f'return ["A chart:", ctx.content.image("{PNG}", "image/png")];',
        },
    ],
    "requiredSecrets": [],
    "allowedDomains": [],
}
TOOL_NAMES = ["add", "chart", "explode", "greet"]  # the endpoint lists tools in a deterministic (name) order

# (variant id, SDK interpreter variable, default venv, run_client --mode, protocol version the SDK must negotiate)
VARIANTS = {
    "mcp2-stateless": ("BMM_MCP2_PYTHON", ".venv-mcp2", "auto", (MODERN,)),
    "mcp2-legacy": ("BMM_MCP2_PYTHON", ".venv-mcp2", "legacy", ("2025-11-25",)),
    "mcp1": ("BMM_MCP1_PYTHON", ".venv-mcp1", "auto", ("2025-11-25",)),
}


# --- fixtures -------------------------------------------------------------------------------

class Hosted:
    """One signed-in account with an API token and a live server built from SPEC."""

    def __init__(self, base, session, token, server_id, endpoint):
        self.base = base
        self.session = session
        self.token = token
        self.server_id = server_id
        self.endpoint = endpoint

    @property
    def auth(self):
        return {"Authorization": f"Bearer {self.token}"}


def create_token(session, base, name):
    response = session.post(base + "/v1/tokens", json={"name": name}, timeout=10)
    assert response.status_code in (200, 201), response.text
    token = response.json()["token"]
    assert token.startswith("bmm_"), token
    return token


@pytest.fixture(scope="module")
def hosted(server):
    return make_hosted(server)


def make_hosted(server):
    session = signed_in_session(server)
    token = create_token(session, server, "mcp e2e")
    spec = dict(SPEC, slug=f"calc-{uuid.uuid4().hex[:8]}")
    created = session.post(server + "/v1/servers", json={"spec": spec, "secrets": {}}, timeout=30)
    assert created.status_code == 201, created.text
    server_id = created.json()["id"].lower()

    deadline = time.time() + 30
    info = created.json()
    while info.get("status") != "active":
        assert info.get("status") != "failed", f"the build failed: {info}"
        assert time.time() < deadline, f"the server did not become active within 30 s: {info}"
        time.sleep(0.3)
        answer = session.get(f"{server}/v1/servers/{server_id}", timeout=10)
        assert answer.status_code == 200, answer.text
        info = answer.json()
    assert info["endpoint"] == f"{server}/mcp/{server_id}"
    return Hosted(server, session, token, server_id, info["endpoint"])


def sdk_python(variable, default_venv):
    value = os.environ.get(variable, "")
    if value == "skip":
        pytest.skip(f"{variable}=skip: this SDK's client is left out on purpose")
    path = pathlib.Path(value) if value else ROOT / default_venv / "bin" / "python"
    if not path.exists():
        requirements = {"BMM_MCP2_PYTHON": "requirements-mcp2.txt", "BMM_MCP1_PYTHON": "requirements-mcp1.txt",
                        "BMM_OTHERS_PYTHON": "requirements-others.txt"}.get(variable, "requirements-langchain.txt")
        pytest.fail(f"No Python for the MCP SDK at {path}. Run scripts/test, or: python3 -m venv {default_venv} && "
                    f"{default_venv}/bin/pip install -r Tests/e2e/mcp_clients/{requirements} "
                    f"(or set {variable} to an interpreter with it, or to 'skip').")
    return str(path)


def run_client(python, hosted, *arguments, token=None, timeout=120):
    """Runs run_client.py under an SDK's interpreter; returns (exit status, the JSON line it printed)."""
    command = [python, str(CLIENT), "--url", hosted.endpoint, "--token", token or hosted.token, *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"run_client printed nothing (exit {done.returncode})\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done.returncode, json.loads(lines[-1])


CALLS = [
    ("add", {"a": 2, "b": 3}),
    ("explode", {}),
    ("add", {"a": "two", "b": 3}),
    ("greet", {"name": "Ada"}),
    ("no_such_tool", {}),
    ("chart", {}),
]


@pytest.fixture(scope="module")
def sdk_runs(hosted):
    """Each SDK variant connects once, lists the tools and makes every call in CALLS; cached per variant."""
    cache = {}

    def get(variant):
        if variant not in cache:
            variable, venv, mode, _ = VARIANTS[variant]
            python = sdk_python(variable, venv)
            arguments = ["--mode", mode, "--list"]
            for name, args in CALLS:
                arguments += ["--call", name, "--args", json.dumps(args)]
            status, out = run_client(python, hosted, *arguments)
            # 3 = some call answered with a JSON-RPC error (the unknown tool is meant to).
            assert status in (0, 3) and out.get("ok") is not None and "calls" in out, out
            cache[variant] = out
        return cache[variant]

    return get


def call_result(out, index):
    name, arguments = CALLS[index]
    entry = out["calls"][index]
    assert entry["name"] == name and entry["arguments"] == arguments
    return entry


def texts(result):
    return [item["text"] for item in result["content"] if item.get("type") == "text"]


# --- the SDKs' own clients ------------------------------------------------------------------

@pytest.mark.parametrize("variant", list(VARIANTS))
def test_sdk_negotiates_its_revision(sdk_runs, variant):
    out = sdk_runs(variant)
    assert out["protocol_version"] in VARIANTS[variant][3], out
    assert out["server_info"] and out["server_info"]["name"], out


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_sdk_lists_the_tools_in_a_stable_order(sdk_runs, variant):
    tools = sdk_runs(variant)["tools"]
    assert [tool["name"] for tool in tools] == TOOL_NAMES
    add = tools[0]
    assert add["description"] == SPEC["tools"][0]["description"]
    assert add["inputSchema"]["type"] == "object"
    assert sorted(add["inputSchema"]["required"]) == ["a", "b"]
    assert add["inputSchema"]["properties"]["a"]["type"] == "number"


def test_every_sdk_sees_the_same_tool_list(sdk_runs):
    available = [variant for variant in VARIANTS
                 if os.environ.get(VARIANTS[variant][0], "") != "skip"]
    listings = {variant: sdk_runs(variant)["tools"] for variant in available}
    first = next(iter(listings.values()), None)
    for variant, tools in listings.items():
        assert [(t["name"], t["inputSchema"]) for t in tools] == [(t["name"], t["inputSchema"]) for t in first], variant


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_sdk_calls_a_pure_tool(sdk_runs, variant):
    result = call_result(sdk_runs(variant), 0)["result"]
    assert result["isError"] is False
    assert result["structuredContent"] == {"sum": 5}
    # Structured results also come as serialized JSON in a text block (spec: tools, Structured Content).
    assert [json.loads(text) for text in texts(result)] == [{"sum": 5}]


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_sdk_reads_title_annotations_output_schema_and_icons(sdk_runs, variant):
    tools = {tool["name"]: tool for tool in sdk_runs(variant)["tools"]}
    add = tools["add"]
    assert add["title"] == "Add numbers"
    assert add["annotations"]["readOnlyHint"] is True and add["annotations"]["idempotentHint"] is True
    # No allowed domains, so the server derives openWorldHint: false.
    assert add["annotations"]["openWorldHint"] is False
    assert add["outputSchema"] == SPEC["tools"][0]["outputSchema"]
    assert add["icons"][0]["src"] == "https://example.com/add.png"
    assert tools["greet"]["title"] is None and tools["greet"]["outputSchema"] is None


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_sdk_receives_an_image_alongside_text(sdk_runs, variant):
    result = call_result(sdk_runs(variant), 5)["result"]
    assert result["isError"] is False, result
    assert [item["type"] for item in result["content"]] == ["text", "image"]
    assert texts(result) == ["A chart:"]
    image = result["content"][1]
    assert image["mimeType"] == "image/png" and image["data"] == PNG
    assert result["structuredContent"] is None


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_throwing_tool_is_a_tool_error_not_a_protocol_error(sdk_runs, variant):
    entry = call_result(sdk_runs(variant), 1)
    assert "error" not in entry, entry
    assert entry["result"]["isError"] is True
    assert any("boom" in text for text in texts(entry["result"])), entry


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_invalid_arguments_are_a_tool_error(sdk_runs, variant):
    # Spec (server/tools, Error Handling): input validation errors are tool execution errors,
    # reported in the result with isError: true so the model can correct itself.
    entry = call_result(sdk_runs(variant), 2)
    assert "error" not in entry, entry
    assert entry["result"]["isError"] is True
    assert any(text.strip() for text in texts(entry["result"])), entry


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_a_tool_returning_a_string_is_text(sdk_runs, variant):
    out = sdk_runs(variant)
    result = call_result(out, 3)["result"]
    assert result["isError"] is False
    assert texts(result) == ["Hello, Ada!"]
    if out["protocol_version"] == MODERN:
        assert result["structuredContent"] in (None, "Hello, Ada!")
    else:
        # Before 2026-07-28 structuredContent must be an object; the 1.x client rejects anything else.
        assert result["structuredContent"] is None


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_an_unknown_tool_is_a_protocol_error(sdk_runs, variant):
    # Spec (server/tools, Error Handling): unknown tools are JSON-RPC errors, -32602.
    entry = call_result(sdk_runs(variant), 4)
    assert "result" not in entry, entry
    assert entry["error"]["code"] == INVALID_PARAMS, entry


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_sdk_without_a_valid_token_fails(hosted, variant):
    variable, venv, mode, _ = VARIANTS[variant]
    status, out = run_client(sdk_python(variable, venv), hosted, "--mode", mode, "--list", token="bmm_not_a_real_token")
    assert status == 1 and out["ok"] is False, out


# --- raw HTTP: authentication and origin ----------------------------------------------------

def envelope(version=MODERN):
    return {
        "io.modelcontextprotocol/protocolVersion": version,
        "io.modelcontextprotocol/clientInfo": {"name": "bmm-e2e", "version": "1.0.0"},
        "io.modelcontextprotocol/clientCapabilities": {},
    }


def modern(hosted, method, params=None, *, version=MODERN, header_version=None, headers=None, meta=True,
           request_id=1, name_header=True, token=None):
    """A 2026-07-28 request as the spec writes it: `_meta` envelope plus the mirrored headers."""
    params = dict(params or {})
    if meta:
        params["_meta"] = envelope(version)
    all_headers = {
        "Authorization": f"Bearer {token or hosted.token}",
        "Content-Type": "application/json",
        "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": header_version or version,
        "Mcp-Method": method,
    }
    if name_header and method == "tools/call":
        all_headers["Mcp-Name"] = params.get("name", "")
    for key, value in (headers or {}).items():
        if value is None:
            all_headers.pop(key, None)
        else:
            all_headers[key] = value
    body = {"jsonrpc": "2.0", "id": request_id, "method": method, "params": params}
    return requests.post(hosted.endpoint, json=body, headers=all_headers, timeout=30)


def legacy(hosted, method, params=None, *, session_id=None, version="2025-11-25", request_id=1, notification=False):
    headers = {"Authorization": f"Bearer {hosted.token}", "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream"}
    if session_id:
        headers["Mcp-Session-Id"] = session_id
        headers["MCP-Protocol-Version"] = version
    body = {"jsonrpc": "2.0", "method": method}
    if not notification:
        body["id"] = request_id
    if params is not None:
        body["params"] = params
    return requests.post(hosted.endpoint, json=body, headers=headers, timeout=30)


def initialize(hosted, version="2025-11-25"):
    response = legacy(hosted, "initialize", {"protocolVersion": version, "capabilities": {},
                                             "clientInfo": {"name": "bmm-e2e", "version": "1.0.0"}}, request_id=0)
    assert response.status_code == 200, response.text
    session_id = response.headers.get("Mcp-Session-Id")
    assert session_id, dict(response.headers)
    initialized = legacy(hosted, "notifications/initialized", session_id=session_id, version=version, notification=True)
    assert initialized.status_code == 202, initialized.text
    assert initialized.content == b""
    return session_id, response.json()["result"]


def error_of(response, status):
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json"), dict(response.headers)
    body = response.json()
    assert body["jsonrpc"] == "2.0" and "result" not in body, body
    return body["error"]


def test_no_token_is_401_with_a_bearer_challenge(hosted):
    body = {"jsonrpc": "2.0", "id": 1, "method": "server/discover", "params": {"_meta": envelope()}}
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
               "MCP-Protocol-Version": MODERN, "Mcp-Method": "server/discover"}
    for extra in ({}, {"Authorization": "Bearer bmm_not_a_real_token"}, {"Authorization": "Basic dXNlcjpwYXNz"}):
        response = requests.post(hosted.endpoint, json=body, headers={**headers, **extra}, timeout=10)
        assert response.status_code == 401, (extra, response.status_code, response.text)
        assert response.headers["WWW-Authenticate"].lower().startswith("bearer"), dict(response.headers)
    for method in ("GET", "DELETE"):
        response = requests.request(method, hosted.endpoint, headers={"Mcp-Session-Id": "x"}, timeout=10)
        assert response.status_code == 401, (method, response.status_code)


def test_another_accounts_token_cannot_reach_the_server(hosted):
    stranger = signed_in_session(hosted.base)
    token = create_token(stranger, hosted.base, "stranger")
    response = modern(hosted, "tools/list", token=token)
    assert response.status_code in (401, 403, 404), (response.status_code, response.text)


def test_a_foreign_origin_is_refused(hosted):
    # Spec (transports/streamable-http, Security): an invalid Origin MUST get 403 (DNS rebinding).
    for origin in ("https://evil.example", "http://127.0.0.1.evil.example", "null"):
        response = modern(hosted, "tools/list", headers={"Origin": origin})
        assert response.status_code == 403, (origin, response.status_code, response.text)
    # The app's own origin is not foreign.
    assert modern(hosted, "tools/list", headers={"Origin": hosted.base}).status_code == 200


# --- raw HTTP: 2026-07-28, stateless --------------------------------------------------------

def test_stateless_discover_list_and_call(hosted):
    discover = modern(hosted, "server/discover")
    assert discover.status_code == 200, discover.text
    assert "Mcp-Session-Id" not in discover.headers
    assert discover.json()["id"] == 1
    result = discover.json()["result"]
    assert result["resultType"] == "complete"
    assert MODERN in result["supportedVersions"]
    assert "tools" in result["capabilities"]
    assert isinstance(result["ttlMs"], int) and result["ttlMs"] >= 0
    assert result["cacheScope"] in ("private", "public")

    listed = modern(hosted, "tools/list", request_id="list-1")
    assert listed.status_code == 200, listed.text
    assert listed.json()["id"] == "list-1"
    result = listed.json()["result"]
    assert result["resultType"] == "complete"
    assert isinstance(result["ttlMs"], int) and result["cacheScope"] in ("private", "public")
    assert [tool["name"] for tool in result["tools"]] == TOOL_NAMES
    assert modern(hosted, "tools/list").json()["result"]["tools"] == result["tools"]  # same order every time

    called = modern(hosted, "tools/call", {"name": "add", "arguments": {"a": 2, "b": 3}})
    assert called.status_code == 200, called.text
    result = called.json()["result"]
    assert result["resultType"] == "complete"
    assert result["structuredContent"] == {"sum": 5}
    assert result.get("isError", False) is False


def test_stateless_unsupported_version_is_32022(hosted):
    # Spec (basic/versioning; transports/streamable-http, Protocol Version Header): 400 with
    # UnsupportedProtocolVersionError, data {"supported": [...], "requested": "..."}.
    response = modern(hosted, "tools/list", version="2099-01-01")
    error = error_of(response, 400)
    assert response.json()["id"] == 1
    assert error["code"] == UNSUPPORTED_PROTOCOL_VERSION, error
    assert MODERN in error["data"]["supported"], error
    assert error["data"]["requested"] == "2099-01-01", error


@pytest.mark.parametrize("case, headers", [
    ("MCP-Protocol-Version missing", {"MCP-Protocol-Version": None}),
    # A supported version that disagrees; an unsupported one is -32022 before any other protocol check (issue 13; origin and token come first).
    ("MCP-Protocol-Version differs from _meta", {"MCP-Protocol-Version": "2025-11-25"}),
    ("Mcp-Method missing", {"Mcp-Method": None}),
    ("Mcp-Method differs from the body", {"Mcp-Method": "tools/call"}),
])
def test_stateless_header_mismatch_is_32020(hosted, case, headers):
    # Spec (transports/streamable-http, Server Validation): a missing required header or one that
    # disagrees with the body is 400 HeaderMismatch (-32020); a request whose `_meta` names
    # 2026-07-28 is a stateless request (basic/versioning, dual-era servers) even without the header.
    error = error_of(modern(hosted, "tools/list", headers=headers), 400)
    assert error["code"] == HEADER_MISMATCH, (case, error)


def test_stateless_mcp_name_must_match_the_tool(hosted):
    missing = modern(hosted, "tools/call", {"name": "add", "arguments": {"a": 1, "b": 1}}, name_header=False)
    assert error_of(missing, 400)["code"] == HEADER_MISMATCH
    wrong = modern(hosted, "tools/call", {"name": "add", "arguments": {"a": 1, "b": 1}}, headers={"Mcp-Name": "greet"})
    assert error_of(wrong, 400)["code"] == HEADER_MISMATCH


def test_stateless_request_without_meta_is_invalid_params(hosted):
    # Spec (basic/index, Per-request protocol fields): missing required `_meta` fields -> -32602, HTTP 400.
    error = error_of(modern(hosted, "tools/list", meta=False), 400)
    assert error["code"] == INVALID_PARAMS, error


def test_stateless_unknown_method_is_404(hosted):
    # Spec (transports/streamable-http, Protocol Version Header): unknown method -> 404 and -32601.
    error = error_of(modern(hosted, "tools/frobnicate"), 404)
    assert error["code"] == METHOD_NOT_FOUND, error


# --- raw HTTP: 2025-11-25 / 2025-06-18, sessions --------------------------------------------

@pytest.mark.parametrize("version", HANDSHAKE)
def test_legacy_initialize_opens_a_session(hosted, version):
    session_id, result = initialize(hosted, version)
    assert result["protocolVersion"] == version
    assert result["serverInfo"]["name"] and result["serverInfo"]["version"]
    assert "tools" in result["capabilities"]
    assert all(0x21 <= ord(c) <= 0x7E for c in session_id), session_id

    listed = legacy(hosted, "tools/list", session_id=session_id, version=version, request_id=2)
    assert listed.status_code == 200, listed.text
    assert [tool["name"] for tool in listed.json()["result"]["tools"]] == TOOL_NAMES

    ping = legacy(hosted, "ping", session_id=session_id, version=version, request_id=3)
    assert ping.status_code == 200, ping.text
    assert ping.json() == {"jsonrpc": "2.0", "id": 3, "result": {}}


def test_legacy_initialize_with_an_unknown_version_gets_the_latest(hosted):
    response = legacy(hosted, "initialize", {"protocolVersion": "2099-01-01", "capabilities": {},
                                             "clientInfo": {"name": "bmm-e2e", "version": "1.0.0"}})
    assert response.status_code == 200, response.text
    assert response.json()["result"]["protocolVersion"] == "2025-11-25"


def test_legacy_request_without_a_session_is_400(hosted):
    error = error_of(legacy(hosted, "tools/list"), 400)
    assert isinstance(error["code"], int)


def test_legacy_unknown_session_is_404(hosted):
    error_of(legacy(hosted, "tools/list", session_id="no-such-session-" + uuid.uuid4().hex), 404)


def test_legacy_errors_travel_with_http_200(hosted):
    # The 1.x client raises on any other status for a request, which ends its whole connection.
    session_id, _ = initialize(hosted)
    unknown = legacy(hosted, "tools/frobnicate", session_id=session_id, request_id=7)
    assert unknown.status_code == 200, unknown.text
    assert unknown.json()["id"] == 7
    assert unknown.json()["error"]["code"] == METHOD_NOT_FOUND


def test_legacy_get_opens_the_sessions_event_stream(hosted):
    session_id, _ = initialize(hosted)
    headers = {**hosted.auth, "Accept": "text/event-stream", "Mcp-Session-Id": session_id,
               "MCP-Protocol-Version": "2025-11-25"}
    with requests.get(hosted.endpoint, headers=headers, stream=True, timeout=10) as response:
        assert response.status_code == 200, response.status_code
        assert response.headers["Content-Type"].startswith("text/event-stream")
        assert response.headers.get("X-Accel-Buffering") == "no"
    # without a session there is no stream to open
    sessionless = {**hosted.auth, "Accept": "text/event-stream", "MCP-Protocol-Version": "2025-11-25"}
    assert requests.get(hosted.endpoint, headers=sessionless, timeout=10).status_code == 400


def test_legacy_delete_ends_the_session(hosted):
    session_id, _ = initialize(hosted)
    headers = {**hosted.auth, "Mcp-Session-Id": session_id, "MCP-Protocol-Version": "2025-11-25"}
    ended = requests.delete(hosted.endpoint, headers=headers, timeout=10)
    assert ended.status_code in (200, 204), ended.text
    error_of(legacy(hosted, "tools/list", session_id=session_id, request_id=2), 404)
    again = requests.delete(hosted.endpoint, headers=headers, timeout=10)
    assert again.status_code == 404, again.status_code


def test_a_session_is_bound_to_its_token_owner(hosted):
    session_id, _ = initialize(hosted)
    stranger = signed_in_session(hosted.base)
    token = create_token(stranger, hosted.base, "stranger")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json",
               "Accept": "application/json, text/event-stream", "Mcp-Session-Id": session_id,
               "MCP-Protocol-Version": "2025-11-25"}
    response = requests.post(hosted.endpoint, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"},
                             headers=headers, timeout=10)
    assert response.status_code in (401, 403, 404), (response.status_code, response.text)

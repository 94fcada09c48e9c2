"""Hosted servers change with every build and rollback; listening MCP clients hear of it.

The official Python SDKs' own clients listen (mcp_clients/listen_client.py): 2.x through
`subscriptions/listen` (2026-07-28), 1.x through its session's GET stream (2025-11-25). The test
then makes a new version live through the app's own pages (revise in words, build) and rolls
back, as a person would, and each client must see the change and the new tool list.
"""
import json
import pathlib
import re
import subprocess
import time

import pytest

from accounts import signed_in_session
from test_mcp import create_token, sdk_python

LISTEN = pathlib.Path(__file__).resolve().parent / "mcp_clients" / "listen_client.py"
SDKS = {"mcp2": ("BMM_MCP2_PYTHON", ".venv-mcp2"), "mcp1": ("BMM_MCP1_PYTHON", ".venv-mcp1")}


class Weather:
    """A live server drafted offline, owned by a signed-in session."""

    def __init__(self, base):
        self.base = base
        self.session = signed_in_session(base)
        draft = self.session.post(base + "/v1/servers/preview", json={"prompt": "Weather forecast for a city"}, timeout=30)
        assert draft.status_code in (200, 201), draft.text
        created = self.session.post(base + "/v1/servers", json={"previewId": draft.json()["previewId"]}, timeout=30)
        assert created.status_code == 201, created.text
        self.id = created.json()["id"].lower()
        self.page = f"{base}/servers/{self.id}"
        self.endpoint = f"{base}/mcp/{self.id}"
        self.token = create_token(self.session, base, "listen e2e")
        self.versions, self.live = 1, 1
        deadline = time.time() + 60
        while (info := self.session.get(f"{base}/v1/servers/{self.id}", timeout=10).json()).get("status") != "active":
            assert info.get("status") != "failed" and time.time() < deadline, info
            time.sleep(0.3)

    def change(self):
        """A second version the first time, then back and forth between the two."""
        if self.versions == 1:
            self.revise("Also add Hacker News top stories")
            self.versions, self.live = 2, 2
        else:
            self.live = 1 if self.live == 2 else 2
            self.roll_back_to(self.live)

    def csrf(self, path):
        page = self.session.get(path, timeout=10)
        return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)

    def revise(self, change):
        """Asks for a change in words and builds it, through the server page's forms."""
        asked = self.session.post(self.page + "/iterate", data={"csrf": self.csrf(self.page), "change": change},
                                  allow_redirects=False, timeout=60)
        assert asked.status_code == 303, asked.text
        review = self.base + asked.headers["Location"] if asked.headers["Location"].startswith("/") else asked.headers["Location"]
        built = self.session.post(review, data={"csrf": self.csrf(self.page)}, allow_redirects=False, timeout=30)
        assert built.status_code == 303, built.text

    def roll_back_to(self, number):
        done = self.session.post(f"{self.page}/versions/{number}/activate", data={"csrf": self.csrf(self.page)},
                                 allow_redirects=False, timeout=30)
        assert done.status_code == 303, done.text


@pytest.fixture(scope="module")
def weather(server):
    return Weather(server)


def listen(variant, weather):
    variable, venv = SDKS[variant]
    process = subprocess.Popen([sdk_python(variable, venv), str(LISTEN), "--url", weather.endpoint, "--token", weather.token,
                                "--timeout", "30"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ready = json.loads(process.stdout.readline() or '{"ok": false}')
    if not ready.get("ready"):
        process.kill()
        rest, errors = process.communicate(timeout=10)
        pytest.fail(f"the client did not start listening: {ready} {rest} {errors[-3000:]}")
    return process, ready


def finish(process):
    out, errors = process.communicate(timeout=60)
    lines = [line for line in out.splitlines() if line.startswith("{")]
    assert lines, f"no result line (exit {process.returncode}): {errors[-3000:]}"
    result = json.loads(lines[-1])
    assert result.get("ok"), json.dumps(result, indent=2) + errors[-3000:]
    return result


@pytest.mark.parametrize("variant", list(SDKS))
def test_a_new_version_and_a_rollback_reach_a_listening_client(weather, variant):
    process, ready = listen(variant, weather)
    if variant == "mcp2":
        assert ready["protocol_version"] == "2026-07-28", ready
        assert ready["honored"].get("toolsListChanged") is True, ready
    else:
        assert ready["list_changed_capability"] is True, ready
    before = set(ready["tools"])
    weather.change()
    result = finish(process)
    assert result["changed"] is True
    assert set(result["tools_after"]) != before, result
    assert result["seconds"] < 30, result


def open_session(weather):
    import requests
    headers = {"Authorization": f"Bearer {weather.token}", "Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
    init = requests.post(weather.endpoint, headers=headers, timeout=10, json={
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "e2e", "version": "1"}}})
    assert init.status_code == 200, init.text
    return init.headers["MCP-Session-Id"]


def open_stream(weather, session):
    import requests
    return requests.get(weather.endpoint, stream=True, timeout=(5, 40), headers={
        "Authorization": f"Bearer {weather.token}", "Accept": "text/event-stream", "MCP-Session-Id": session,
        "MCP-Protocol-Version": "2025-11-25"})


def test_a_deleted_sessions_stream_gets_nothing_more_and_closes(weather):
    import requests
    session = open_session(weather)
    stream = open_stream(weather, session)
    assert stream.status_code == 200, stream.text
    lines = stream.iter_lines(decode_unicode=True)
    assert next(lines).startswith(":"), "the stream opens with a keepalive"
    ended = requests.delete(weather.endpoint, timeout=10, headers={"Authorization": f"Bearer {weather.token}", "MCP-Session-Id": session})
    assert ended.status_code == 204, ended.text
    weather.change()
    started = time.time()
    rest = list(lines)  # ends when the server closes the stream
    assert not any("list_changed" in line for line in rest), rest
    assert time.time() - started < 25, "closed at the next event at the latest (keepalives come every 15 s)"


STREAMS_PER_TOKEN = 50  # MCPOpenStreams.perToken


def test_one_token_holds_a_bounded_number_of_streams(weather):
    streams = [open_stream(weather, open_session(weather)) for _ in range(STREAMS_PER_TOKEN)]
    try:
        assert [s.status_code for s in streams] == [200] * STREAMS_PER_TOKEN
        refused = open_stream(weather, open_session(weather))
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"] == "too_many_streams"
        assert refused.headers.get("Retry-After")
        streams[0].close()
        deadline = time.time() + 20
        while (again := open_stream(weather, open_session(weather))).status_code == 429 and time.time() < deadline:
            time.sleep(0.5)
        assert again.status_code == 200, "a closed stream gives its place back"
        streams.append(again)
    finally:
        for s in streams:
            s.close()


def test_clients_gone_before_the_answer_give_their_places_back(weather):
    import socket
    import urllib.parse
    # given: more clients than a token has places ask for a stream and hang up at once
    address = urllib.parse.urlsplit(weather.endpoint)
    session = open_session(weather)
    request = (f"GET {address.path} HTTP/1.1\r\nHost: {address.netloc}\r\nAuthorization: Bearer {weather.token}\r\n"
               f"Accept: text/event-stream\r\nMCP-Session-Id: {session}\r\nMCP-Protocol-Version: 2025-11-25\r\n\r\n").encode()
    for _ in range(STREAMS_PER_TOKEN + 10):
        with socket.create_connection((address.hostname, address.port), timeout=5) as raw:
            raw.sendall(request)

    # then: every place comes back, so a full set of streams opens again
    streams = []
    try:
        deadline = time.time() + 30
        while len(streams) < STREAMS_PER_TOKEN and time.time() < deadline:
            stream = open_stream(weather, open_session(weather))
            if stream.status_code == 200:
                streams.append(stream)
            else:
                assert stream.status_code == 429, stream.text
                stream.close()
                time.sleep(0.5)
        assert len(streams) == STREAMS_PER_TOKEN, f"only {len(streams)} places came back"
    finally:
        for s in streams:
            s.close()


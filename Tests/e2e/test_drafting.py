"""Drafting over real HTTP: the stream read by a real SSE client, the offline
drafter, and the Anthropic client against a local stand-in that streams."""
import json
import os
import subprocess
import time

import pytest
import requests
import sseclient

import fake_anthropic
from accounts import signed_in_session
from conftest import BINARY, ROOT, free_port, wait_for


def read_events(response):
    """Events with the time each arrived, parsed by sseclient-py."""
    started = time.monotonic()
    return [(event.event, json.loads(event.data), time.monotonic() - started)
            for event in sseclient.SSEClient(response).events()]


def test_offline_stream_with_a_real_sse_client(server):
    session = signed_in_session(server)
    response = session.post(server + "/v1/servers/preview/stream", json={"prompt": "Weather forecast for a city"},
                            headers={"Accept": "text/event-stream"}, stream=True, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/event-stream")
    assert response.headers["X-Accel-Buffering"] == "no"
    events = read_events(response)
    kinds = [kind for kind, _, _ in events]
    assert kinds[-1] == "spec" and set(kinds[:-1]) == {"text"}
    streamed = "".join(data["delta"] for kind, data, _ in events if kind == "text")
    spec = events[-1][1]["spec"]
    assert json.loads(streamed)["tools"] == spec["tools"]
    assert events[-1][1]["model"] == "offline-catalog"

    # the same prompt again answers from the store as one spec event
    again = session.post(server + "/v1/servers/preview/stream", json={"prompt": "Weather forecast for a city"},
                         stream=True, timeout=30)
    cached = read_events(again)
    assert [kind for kind, _, _ in cached] == ["spec"]
    assert cached[0][1]["previewId"] == events[-1][1]["previewId"]


def test_stream_refuses_a_pasted_key_before_streaming(server):
    session = signed_in_session(server)
    key = "sk-proj-" + "Ab3" * 20
    response = session.post(server + "/v1/servers/preview/stream", json={"prompt": f"use {key} to call OpenAI"}, timeout=10)
    assert response.status_code == 422
    assert response.json()["error"] == "secret_in_prompt"
    assert key not in response.text


@pytest.fixture(scope="module")
def anthropic_app(tmp_path_factory):
    """The app with Anthropic configured, pointed at the local stand-in."""
    provider = fake_anthropic.start()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path_factory.mktemp("anthropic-data")
    # Billing is off here, so every workspace has BMM_DEFAULT_PLAN; Hobby is the plan drafted with Haiku.
    env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base,
               ANTHROPIC_API_KEY="test-key-not-real", BMM_SIGNIN_SENDS_PER_IP="1000", BMM_DEFAULT_PLAN="hobby",
               ANTHROPIC_BASE_URL=f"http://127.0.0.1:{provider.server_address[1]}")
    env.pop("DATABASE_URL", None)
    log = open(data / "serve.log", "w")
    process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(base + "/healthz")
        yield base, provider
    finally:
        process.terminate()
        process.wait(timeout=20)
        provider.shutdown()
        log.close()
        assert "test-key-not-real" not in (data / "serve.log").read_text()


def test_anthropic_stream_is_relayed_as_it_arrives(anthropic_app):
    base, _ = anthropic_app
    session = signed_in_session(base)
    page = session.get(base + "/servers/new", timeout=10)
    assert "Claude Haiku" in page.text

    response = session.post(base + "/v1/servers/preview/stream", json={"prompt": "Moon phase for a date"},
                            stream=True, timeout=30)
    events = read_events(response)
    texts = [(data, at) for kind, data, at in events if kind == "text"]
    assert len(texts) > 5
    # deltas arrive spread over the provider's ~50 ms pacing, not in one burst at the end
    assert events[-1][2] - texts[0][1] > 0.2
    assert events[-1][0] == "spec"
    assert events[-1][1]["spec"]["slug"] == "moon-phases"
    assert events[-1][1]["model"] == "claude-haiku-4-5"

    seen = fake_anthropic.Handler.requests_seen[-1]
    assert seen["path"] == "/v1/messages"
    assert seen["headers"]["x-api-key"] == "test-key-not-real"
    assert seen["body"]["tool_choice"] == {"type": "tool", "name": "submit_server_spec"}
    assert seen["body"]["stream"] is True
    assert "Moon phase for a date" in json.dumps(seen["body"]["messages"])


def test_anthropic_sync_preview(anthropic_app):
    base, _ = anthropic_app
    session = signed_in_session(base)
    response = session.post(base + "/v1/servers/preview", json={"prompt": "Moon phase, please", "slug": "luna"}, timeout=30)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["spec"]["slug"] == "luna"
    assert body["drafter"] == "Claude Haiku"

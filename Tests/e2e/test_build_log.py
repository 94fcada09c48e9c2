"""The live build log over a real WebSocket client, and the Origin check that
keeps other sites from riding the session cookie."""
import json
import uuid

import pytest
import websocket

from accounts import signed_in_session
from test_mcp import SPEC


def cookie_header(session):
    return "; ".join(f"{name}={value}" for name, value in session.cookies.get_dict().items())


def created_build(server):
    session = signed_in_session(server)
    spec = dict(SPEC, slug=f"ws-{uuid.uuid4().hex[:8]}")
    created = session.post(server + "/v1/servers", json={"spec": spec, "secrets": {}}, timeout=30).json()
    url = server.replace("http://", "ws://") + f"/v1/servers/{created['id'].lower()}/builds/{created['buildId'].lower()}/log/ws"
    return session, url


def test_the_build_log_arrives_over_a_websocket(server):
    session, url = created_build(server)
    socket = websocket.create_connection(url, header=[f"Cookie: {cookie_header(session)}"], origin=server, timeout=30)
    messages = []
    try:
        while True:
            message = json.loads(socket.recv())
            messages.append(message)
            if message["event"] == "done":
                break
    finally:
        socket.close()
    lines = [m["message"] for m in messages if m["event"] == "line"]
    assert [m["sequence"] for m in messages if m["event"] == "line"] == list(range(1, len(lines) + 1))
    assert "Compiled add" in lines and lines[-1] == "Version 1 is live"
    assert messages[-1] == {"event": "done", "status": "succeeded", "error": None, "version": 1} or \
        (messages[-1]["status"] == "succeeded" and messages[-1]["version"] == 1)


# The server refuses the upgrade; the client sees a bad status or a closed connection.
REFUSED = (websocket.WebSocketBadStatusException, websocket.WebSocketConnectionClosedException)


def test_a_foreign_origin_cannot_open_the_websocket(server):
    session, url = created_build(server)
    with pytest.raises(REFUSED):
        websocket.create_connection(url, header=[f"Cookie: {cookie_header(session)}"], origin="https://evil.example", timeout=10)
    with pytest.raises(REFUSED):
        websocket.create_connection(url, origin=server, timeout=10)  # no session
    # the same request from our own origin opens
    websocket.create_connection(url, header=[f"Cookie: {cookie_header(session)}"], origin=server, timeout=10).close()

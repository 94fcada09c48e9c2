"""Connections as raw sockets see them: a half-sent request does not hold its connection (and its file
descriptor) forever, and a request's Host is one and present (RFC 9112 §3.2)."""
import socket
import time

import pytest

from accounts import signed_in_session
from conftest import running_app


@pytest.fixture(scope="module")
def quick(tmp_path_factory):
    """An app whose connections may stay silent for 2 s (BMM_IDLE_TIMEOUT_SECONDS), so the test need not wait 75 s."""
    with running_app(tmp_path_factory.mktemp("connections"), BMM_IDLE_TIMEOUT_SECONDS="2") as base:
        yield base


def connect(base):
    host, port = base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10), f"{host}:{port}"


def answer(connection):
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


@pytest.mark.parametrize("half", ["GET / HTTP/1.1\r\nHost: {host}\r\nX-a: ",
                                  "POST /login/email HTTP/1.1\r\nHost: {host}\r\nContent-Length: 100\r\n\r\nemail=",
                                  ""])
def test_a_half_sent_request_loses_its_connection(quick, half):
    connection, host = connect(quick)
    connection.sendall(half.format(host=host).encode())
    started = time.monotonic()
    connection.settimeout(15)
    assert connection.recv(65536) == b"", "the server answered instead of closing"
    waited = time.monotonic() - started
    assert 1.5 < waited < 10, waited
    connection.close()


def test_a_connection_in_use_is_not_cut(quick):
    # Requests on one keep-alive connection, each well within the timeout, are all answered.
    connection, host = connect(quick)
    for _ in range(3):
        connection.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        assert answer(connection).startswith(b"HTTP/1.1 200"), "healthz"
        time.sleep(1)
    connection.close()


@pytest.mark.parametrize("headers", ["", "Host: {host}\r\nHost: evil.example\r\n"])
def test_host_missing_or_twice_is_400(quick, headers):
    connection, host = connect(quick)
    connection.sendall(f"GET /login HTTP/1.1\r\n{headers.format(host=host)}Accept: application/json\r\n\r\n".encode())
    head = answer(connection)
    assert head.startswith(b"HTTP/1.1 400"), head[:200]
    connection.close()


def test_http_1_0_needs_no_host(quick):
    connection, _ = connect(quick)
    connection.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
    status_line = answer(connection).split(b"\r\n")[0]
    assert status_line.startswith(b"HTTP/1.") and b" 200 " in status_line, status_line
    connection.close()


def test_a_quiet_call_tail_writes_keepalives(server):
    """A server's call tail with no calls still writes now and then, as every stream here does (self-hosting.md,
    BMM_IDLE_TIMEOUT_SECONDS), so neither the idle timeout nor a proxy cuts it in the middle."""
    session = signed_in_session(server)
    spec = {"name": "Quiet", "slug": "quiet", "description": "Never called.", "allowedDomains": [], "requiredSecrets": [],
            "tools": [{"name": "noop", "description": "Does nothing.", "inputSchema": {"type": "object"}, "implementation": "return 1;"}]}
    created = session.post(server + "/v1/servers", json={"spec": spec}, timeout=30)
    assert created.status_code == 201, created.text
    tail = f"{server}/v1/servers/{created.json()['id'].lower()}/calls/stream"
    with session.get(tail, stream=True, timeout=30) as response:
        assert response.status_code == 200
        started, keepalives = time.monotonic(), []
        for line in response.iter_lines():
            if line.startswith(b":"):
                keepalives.append(time.monotonic() - started)
            if len(keepalives) == 2:
                break
    # the stream opens with one; without the next the read above would wait out its 30 s and fail
    assert keepalives[1] - keepalives[0] < 17, keepalives

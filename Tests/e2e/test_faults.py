"""Faults on loopback with the real binary: kill -9 during a build, SIGTERM during a tool
call, PostgreSQL stopped and started under load. The times measured are printed (-s)."""
import json
import socket
import threading
import time
import uuid

import requests

from accounts import signed_in_session
from operations import (LOOPBACK_EGRESS, SLOW_SPEC, Postgres, Serve, SlowServer, call_tool, create_server,
                        hold_the_only_worker, wait_active, wait_until)
from test_mcp import create_token


def test_kill_9_during_a_build_fails_it_after_the_lease_and_a_new_build_succeeds(tmp_path):
    slow = SlowServer()
    # One sandbox worker: while a slow tool call holds it, a build waits for it in its compile step.
    app = Serve(tmp_path, BMM_SANDBOX_WORKERS="1", BMM_BUILD_LEASE_SECONDS="5", **LOOPBACK_EGRESS).start()
    try:
        session = signed_in_session(app.base)
        token = create_token(session, app.base, "faults")
        # given a build that is running when the process dies
        hold_the_only_worker(app, session, token, slow, seconds=8)
        second = create_server(session, app.base, dict(SLOW_SPEC, slug=f"stuck-{uuid.uuid4().hex[:8]}"))
        assert wait_until(lambda: app.rows("SELECT status FROM builds ORDER BY created_at DESC LIMIT 1")[0][0] == "running", 10), \
            app.rows("SELECT status FROM builds")
        # when
        app.kill()
        assert app.rows("SELECT status FROM builds ORDER BY created_at DESC LIMIT 1")[0][0] == "running"
        killed = time.monotonic()
        app.start()
        # then the restarted process fails it once its lease (5 s) has run out, with the reason
        latest = "SELECT status, error FROM builds ORDER BY created_at DESC LIMIT 1"
        assert wait_until(lambda: app.rows(latest)[0][0] == "failed", 30), app.rows(latest)
        print(f"\nbuild failed {time.monotonic() - killed:.1f} s after kill -9 (lease 5 s)")
        assert app.rows(latest)[0][1] == "the process running this build stopped"
        log = [line for (line,) in app.rows("SELECT message FROM build_log_lines ORDER BY at")]
        assert any("the process running this build stopped" in line for line in log), log
        assert app.rows("SELECT COUNT(*) FROM builds WHERE status = 'running'")[0][0] == 0
        info = session.get(f"{app.base}/v1/servers/{second['id']}", timeout=10).json()
        assert info["status"] == "failed", info
        # and building again works (the plan allows two servers: the failed one makes room)
        deleted = session.delete(f"{app.base}/v1/servers/{second['id']}", timeout=10)
        assert deleted.status_code == 204, deleted.text
        third = create_server(session, app.base, dict(SLOW_SPEC, slug=f"again-{uuid.uuid4().hex[:8]}"))
        wait_active(session, app.base, third["id"])
    finally:
        app.stop()
        slow.close()


def test_sigterm_with_a_build_running_past_the_grace_period_fails_it_and_exits_cleanly(tmp_path):
    """The build left running when the grace period ends is failed, then its task is stopped before the database
    closes: it used to write on after the shutdown and crash the process (exit 132)."""
    slow = SlowServer()
    # One sandbox worker held by a slow call: the build waits for it in its compile step, past a grace period of 0.
    app = Serve(tmp_path, BMM_SANDBOX_WORKERS="1", BMM_SHUTDOWN_GRACE_SECONDS="1", **LOOPBACK_EGRESS).start()
    try:
        session = signed_in_session(app.base)
        token = create_token(session, app.base, "grace")
        hold_the_only_worker(app, session, token, slow, seconds=12)
        created = create_server(session, app.base, dict(SLOW_SPEC, slug=f"cut-{uuid.uuid4().hex[:8]}"))
        latest = "SELECT status, error FROM builds ORDER BY created_at DESC LIMIT 1"
        assert wait_until(lambda: app.rows(latest)[0][0] == "running", 10), app.rows(latest)
        # someone watches the build's log as it runs
        events = []
        log_url = f"{app.base}/v1/servers/{created['id'].lower()}/builds/{created['buildId'].lower()}/log"

        def watch():
            try:
                with session.get(log_url, stream=True, timeout=40) as stream:
                    for line in stream.iter_lines(decode_unicode=True):
                        if line.startswith("data:"):
                            events.append(json.loads(line[5:]))
            except requests.RequestException as error:
                events.append({"error": str(error)})
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        time.sleep(0.5)
        # when
        stopped = time.monotonic()
        app.process.terminate()
        code = app.process.wait(timeout=30)
        took = time.monotonic() - stopped
        watcher.join(10)
        # then the open stream did not hold the shutdown past its grace (it took grace + 10 s), and its reader
        # heard how the build ended before it closed
        assert took < 6, f"stopping took {took:.1f} s with a build log open"
        assert events and events[-1].get("event") == "done", events[-3:]
        assert events[-1]["status"] == "failed" and events[-1]["error"] == "the server shut down", events[-1]
        assert "Could not stop HTTP server" not in app.log(), app.log()[-3000:]
        assert code == 0, app.log()[-3000:]
        assert "Fatal error" not in app.log() and "Program crashed" not in app.log(), app.log()[-3000:]
        assert app.rows(latest)[0] == ("failed", "the server shut down")
        log = [line for (line,) in app.rows("SELECT message FROM build_log_lines WHERE build_id = "
                                            "(SELECT id FROM builds ORDER BY created_at DESC LIMIT 1) ORDER BY sequence")]
        assert log[-1] == "Build failed: the server shut down. Build again to retry.", log
    finally:
        app.stop()
        slow.close()


def test_sigterm_finishes_the_call_in_flight_refuses_new_connections_and_exits_cleanly(tmp_path):
    slow = SlowServer()
    app = Serve(tmp_path, BMM_SHUTDOWN_GRACE_SECONDS="15", **LOOPBACK_EGRESS).start()
    try:
        session = signed_in_session(app.base)
        token = create_token(session, app.base, "shutdown")
        created = create_server(session, app.base, dict(SLOW_SPEC, slug=f"slow-{uuid.uuid4().hex[:8]}"))
        wait_active(session, app.base, created["id"])
        answers = []
        caller = threading.Thread(target=lambda: answers.append(
            call_tool(app.base, created["id"], token, "wait", {"url": slow.url + "?seconds=4"}, timeout=30)))
        caller.start()
        assert slow.arrived.wait(20)
        # and the server page's live call log open: a stream that would otherwise last five minutes
        tail = session.get(f"{app.base}/v1/servers/{created['id']}/calls/stream", stream=True, timeout=30)
        assert tail.status_code == 200
        tail_lines = []
        tailing = threading.Thread(target=lambda: tail_lines.extend(tail.iter_lines()), daemon=True)
        tailing.start()
        # when
        app.process.terminate()
        signalled = time.monotonic()

        # then a new connection is refused while the call is still running
        def refused():
            try:
                socket.create_connection(("127.0.0.1", app.port), timeout=1).close()
                return False
            except ConnectionRefusedError:
                return True
        assert wait_until(refused, 3, interval=0.05), "the listener still accepts after SIGTERM"
        assert caller.is_alive(), "the call ended before the listener closed; the test proves nothing"
        caller.join(30)
        # and the call returns its real result
        answer = answers[0]
        assert answer.status_code == 200, answer.text
        assert answer.json()["result"]["structuredContent"] == {"waited": 4}, answer.text
        code = app.process.wait(timeout=30)
        took = time.monotonic() - signalled
        print(f"\nSIGTERM with a 4 s call in flight: exit {code} after {took:.1f} s")
        assert code == 0
        assert took < 12, "the open call-log stream held the shutdown until the grace period ran out"
        tailing.join(10)
        assert not tailing.is_alive(), "the call-log stream was not ended"
        # and the call log has it, written before the process ended
        assert app.rows("SELECT outcome FROM tool_calls WHERE tool = 'wait'") == [("ok",)]
        assert app.rows("SELECT COUNT(*) FROM builds WHERE status = 'running'")[0][0] == 0
        # after a restart the app serves again
        app.start()
        assert requests.get(app.base + "/healthz", timeout=5).status_code == 200
    finally:
        app.stop()
        slow.close()


def test_postgres_restart_under_load_answers_503_then_recovers_without_restarting_the_app(tmp_path):
    postgres = Postgres()
    app = Serve(tmp_path, DATABASE_URL=postgres.url)
    try:
        app.start()
        session = signed_in_session(app.base)
        html = requests.Session()
        html.cookies.update(session.cookies)
        results = []
        stop = threading.Event()

        def load():
            # light load: a JSON request and a page, each reading the database
            while not stop.is_set():
                for url, client in ((app.base + "/v1/servers", session), (app.base + "/dashboard", html)):
                    started = time.monotonic()
                    try:
                        response = client.get(url, timeout=15, headers={"Accept": "text/html"} if client is html else {})
                        results.append((started, time.monotonic() - started, url, response.status_code,
                                        response.headers.get("Content-Type", ""), response.text[:2000]))
                    except requests.RequestException as error:
                        results.append((started, time.monotonic() - started, url, None, "", str(error)))
                time.sleep(0.05)
        workers = [threading.Thread(target=load, daemon=True) for _ in range(2)]
        for worker in workers:
            worker.start()
        time.sleep(1.5)
        assert results and all(r[3] == 200 for r in results), results[-3:]

        # when PostgreSQL stops
        postgres.stop("fast")
        stopped = time.monotonic()
        time.sleep(4)
        down = [r for r in results if r[0] > stopped]
        # then every request fails fast with 503 database_unavailable (JSON) or the friendly page (HTML)
        assert down, "no requests were made while PostgreSQL was down"
        for started, took, url, status, content_type, body in down:
            assert status == 503, (url, status, body)
            # at worst the pool's 3 s wait for a connection
            assert took < 5, f"{url} took {took:.1f} s with the database down"
            if url.endswith("/v1/servers"):
                assert '"error":"database_unavailable"' in body.replace(" ", ""), body
            else:
                assert "text/html" in content_type and "database cannot be reached" in body, body
        first_503 = min(r[0] + r[1] for r in down) - stopped
        slowest = max(r[1] for r in down)

        # when it is back
        postgres.start()
        back = time.monotonic()
        recovered = wait_until(lambda: [r for r in results if r[0] > back and r[3] == 200 and r[2].endswith("/v1/servers")], 10, 0.05)
        stop.set()
        for worker in workers:
            worker.join(20)
        assert recovered, [r[:4] for r in results if r[0] > back][:5]
        recovery = min(r[0] + r[1] for r in recovered) - back
        print(f"\nPostgreSQL stopped: first 503 after {first_503:.2f} s, slowest 503 answer {slowest:.2f} s, "
              f"{len(down)} requests answered 503; back: first success {recovery:.2f} s after pg_ctl start returned")
        # then it succeeds again within 5 s, without restarting the app, and stays up
        assert recovery < 5
        assert app.process.poll() is None
        assert session.get(app.base + "/v1/servers", timeout=10).status_code == 200
        assert requests.get(app.base + "/readyz", timeout=10).status_code == 200
    finally:
        app.stop()
        postgres.destroy()


ADD_SPEC = {
    "name": "Adder", "description": "Adds two numbers, for the database-outage test.",
    "tools": [{"name": "add", "description": "Adds a and b.",
               "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}}, "required": ["a", "b"]},
               "implementation": "return args.a + args.b;"}],
    "requiredSecrets": [], "allowedDomains": [],
}


def test_postgres_stopped_mcp_clients_get_a_retryable_json_rpc_error_and_a_2025_session_survives(tmp_path):
    """MCP clients are answered in JSON-RPC while the database is down: a retryable error with the request's id,
    under 200 in a 2025 session (its clients end the session on any other status) and 503 + Retry-After in the
    stateless revision. The same session works again once the database is back."""
    postgres = Postgres()
    app = Serve(tmp_path, DATABASE_URL=postgres.url)
    try:
        app.start()
        session = signed_in_session(app.base)
        server = create_server(session, app.base, dict(ADD_SPEC, slug=f"adder-{uuid.uuid4().hex[:8]}"))
        wait_active(session, app.base, server["id"])
        token = create_token(session, app.base, "outage")
        url = f"{app.base}/mcp/{server['id']}"
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
        init = requests.post(url, headers=headers, timeout=10, json={
            "jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "outage", "version": "1"}}})
        assert init.status_code == 200, init.text
        legacy = dict(headers, **{"MCP-Session-Id": init.headers["MCP-Session-Id"], "MCP-Protocol-Version": "2025-11-25"})
        requests.post(url, headers=legacy, timeout=10, json={"jsonrpc": "2.0", "method": "notifications/initialized"})

        def legacy_call(call_id):
            return requests.post(url, headers=dict(legacy, Accept="application/json"), timeout=15, json={
                "jsonrpc": "2.0", "id": call_id, "method": "tools/call", "params": {"name": "add", "arguments": {"a": 2, "b": 3}}})
        assert legacy_call(1).json()["result"]["content"][0]["text"] == "5"

        # when PostgreSQL stops
        postgres.stop("fast")
        time.sleep(0.5)
        answers = [(legacy_call(2 + attempt), call_tool(app.base, server["id"], token, "add", {"a": 2, "b": 3}, timeout=15))
                   for attempt in range(3)]
        # then every answer is JSON-RPC: a result from what the instance still holds, or a retryable error
        refused = 0
        for number, (old, new) in enumerate(answers):
            assert old.status_code == 200, (old.status_code, old.text)
            body = old.json()
            assert body["jsonrpc"] == "2.0" and body["id"] == 2 + number, body
            if "error" in body:
                refused += 1
                assert body["error"]["code"] == -31503 and body["error"]["data"]["retryable"] is True, body
                assert int(old.headers["Retry-After"]) > 0
            assert new.status_code in (200, 503), (new.status_code, new.text)
            if new.status_code == 503:
                refused += 1
                assert new.json()["error"]["code"] == -31503 and new.headers["Retry-After"], new.text
        assert refused, "no request found the database down"

        # when it is back, the same 2025 session answers again
        postgres.start()
        back = wait_until(lambda: (lambda r: r if r.status_code == 200 and "result" in r.json() else None)(legacy_call(10)), 15, 0.2)
        assert back, "the 2025 session did not answer after the database came back"
        assert back.json()["result"]["content"][0]["text"] == "5"
    finally:
        app.stop()
        postgres.destroy()

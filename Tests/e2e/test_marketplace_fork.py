"""Forking a marketplace template and keeping the fork up to date, end to end: a second person
forks a public template over the API, the fork builds, the official MCP Python SDK calls it;
the template gets version 2, the fork applies the update (asked for the new secret first) and
the SDK sees the new code, with the original secret kept.

Publishing is another part of the marketplace; the template rows are written straight into
this test's own SQLite database, as publishing would leave them.
"""
import json
import sqlite3
import time
import uuid

import pytest

from accounts import signed_in_session
from conftest import running_app
from test_mcp import Hosted, create_token, run_client, sdk_python

V1 = {
    "name": "Weather",
    "slug": "weather",
    "description": "Forecasts for any city.",
    "tools": [{
        "name": "forecast",
        "description": "Tomorrow's weather in a city.",
        "inputSchema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        "implementation": "return 'Sunny in ' + args.city + (ctx.secrets.WEATHER_KEY ? ' (keyed)' : ' (no key)');",
    }],
    "requiredSecrets": [{"key": "WEATHER_KEY", "description": "An API key"}],
    "allowedDomains": [],
}
V2 = dict(V1, tools=[dict(V1["tools"][0], implementation=(
    "return 'Sunny and warm in ' + args.city + (ctx.secrets.WEATHER_KEY ? ' (keyed)' : '') + (ctx.secrets.UNITS_KEY ? ' (units)' : '');"))],
    requiredSecrets=V1["requiredSecrets"] + [{"key": "UNITS_KEY", "description": "A units key"}])


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Its own `bmm serve` on SQLite, so the test can write template rows into its database."""
    data = tmp_path_factory.mktemp("marketplace")
    with running_app(data) as base:
        yield base, data / "bmm.sqlite"


def database_id(db, value):
    """An id as this database stores it (Fluent on SQLite keeps UUIDs as their text)."""
    with sqlite3.connect(db) as connection:
        sample, kind = connection.execute("SELECT id, typeof(id) FROM users LIMIT 1").fetchone()
    assert kind == "text", kind
    return str(value).upper() if sample == sample.upper() else str(value).lower()


def insert_template(db, owner, slug):
    me = owner.get(owner.base + "/v1/auth/me", timeout=10).json()
    template_id = database_id(db, uuid.uuid4())
    now = time.time()
    hints = json.dumps({"WEATHER_KEY": {"description": "Your Weather Inc. key", "howToGetURL": "https://weather.example.com/keys"}})
    with sqlite3.connect(db, timeout=10) as connection:
        connection.execute(
            "INSERT INTO templates (id, slug, organization_id, author_id, title, category, summary, description_markdown,"
            " secret_hints_json, status, verified, forks, latest_version, tool_names, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'Weather', 'data', 'Forecasts.', 'Forecasts for **any** city.', ?, 'public', 0, 0, 0, 'forecast', ?, ?)",
            (template_id, slug, database_id(db, me["org"]["id"]), database_id(db, me["user"]["id"]), hints, now, now))
    add_version(db, template_id, V1)
    return template_id


def add_version(db, template_id, spec):
    with sqlite3.connect(db, timeout=10) as connection:
        (latest,) = connection.execute("SELECT latest_version FROM templates WHERE id = ?", (template_id,)).fetchone()
        connection.execute(
            "INSERT INTO template_versions (id, template_id, number, spec_json, created_at) VALUES (?, ?, ?, ?, ?)",
            (database_id(db, uuid.uuid4()), template_id, latest + 1, json.dumps(spec, sort_keys=True), time.time()))
        connection.execute("UPDATE templates SET latest_version = ? WHERE id = ?", (latest + 1, template_id))


def wait_active(session, base, server_id, build_id=None):
    deadline = time.time() + 60
    while True:
        info = session.get(f"{base}/v1/servers/{server_id}", timeout=10).json()
        if info["status"] == "active" and (build_id is None or info.get("buildId") == build_id):
            return info
        assert info["status"] != "failed", info
        assert time.time() < deadline, f"not active within 60 s: {info}"
        time.sleep(0.3)


def forecast(python, hosted):
    status, out = run_client(python, hosted, "--call", "forecast", "--args", json.dumps({"city": "Paris"}))
    assert status == 0 and out["ok"], out
    return out["calls"][0]["result"]["content"][0]["text"]


def test_fork_build_call_update(app):
    python = sdk_python("BMM_MCP2_PYTHON", ".venv-mcp2")
    base, db = app
    owner = signed_in_session(base)
    owner.base = base
    slug = f"weather-{uuid.uuid4().hex[:6]}"
    template_id = insert_template(db, owner, slug)

    # a second person forks it over the API
    forker = signed_in_session(base)
    reference = forker.post(f"{base}/v1/templates/{slug}/fork", json={}, timeout=10)
    assert reference.status_code == 201, reference.text
    ref = reference.json()["forkRef"]
    assert reference.json()["template"] == {"slug": slug, "title": "Weather", "version": 1}
    refused = forker.post(base + "/v1/servers", json={"forkRef": ref, "spec": V1}, timeout=10)
    assert refused.status_code == 400 and refused.json()["error"] == "spec_edit_forbidden_on_fork", refused.text
    stolen = owner.post(base + "/v1/servers", json={"forkRef": ref}, timeout=10)
    assert stolen.status_code == 409 and stolen.json()["error"] == "fork_ref_mismatch", stolen.text

    created = forker.post(base + "/v1/servers", json={"forkRef": ref, "secrets": {"WEATHER_KEY": "wk-123"}}, timeout=30)
    assert created.status_code == 201, created.text
    server_id = created.json()["id"].lower()
    info = wait_active(forker, base, server_id)
    hosted = Hosted(base, forker, create_token(forker, base, "fork e2e"), server_id, info["endpoint"])

    # the official SDK calls the fork
    assert forecast(python, hosted) == "Sunny in Paris (keyed)"
    with sqlite3.connect(db) as connection:
        assert connection.execute("SELECT forks FROM templates WHERE id = ?", (template_id,)).fetchone() == (1,)

    # version 2 is offered, asks for its new secret first, then builds
    assert forker.get(f"{base}/v1/servers/{server_id}/template-update", timeout=10).json()["available"] is False
    add_version(db, template_id, V2)
    offered = forker.get(f"{base}/v1/servers/{server_id}/template-update", timeout=10).json()
    assert offered["available"] is True and offered["latestVersion"] == 2 and offered["newSecrets"] == ["UNITS_KEY"], offered
    assert any(line["kind"] == "added" and "Sunny and warm" in line["text"] for line in offered["diff"]["code"]), offered
    missing = forker.post(f"{base}/v1/servers/{server_id}/template-update", json={}, timeout=10)
    assert missing.status_code == 422 and missing.json()["keys"] == ["UNITS_KEY"], missing.text
    applied = forker.post(f"{base}/v1/servers/{server_id}/template-update", json={"secrets": {"UNITS_KEY": "u-1"}}, timeout=30)
    assert applied.status_code == 202, applied.text
    wait_active(forker, base, server_id, build_id=applied.json()["buildId"])

    # the SDK sees the new code, with the original secret kept
    assert forecast(python, hosted) == "Sunny and warm in Paris (keyed) (units)"
    assert forker.get(f"{base}/v1/servers/{server_id}/template-update", timeout=10).json()["currentVersion"] == 2

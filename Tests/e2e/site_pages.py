"""The pages the quality tools check (axe-core, the Nu HTML checker, linkchecker): every public page and
every signed-in page, on an app of their own whose data folder the tests own (to make an administrator).

`site` (session scope) yields a `Site`: its base URL, a signed-in administrator's requests session with a
live server, a drafted wizard step 2, a published template and an OAuth consent page, and the page lists."""
import base64
import hashlib
import os
import pathlib
import re
import secrets
import subprocess
import time
import urllib.parse
import uuid

import pytest
import requests

from accounts import signed_in_session
from conftest import BINARY, ROOT, SCREENSHOTS, running_app

# The tools' full reports (JSON), beside the screenshots unless BMM_REPORTS names another folder.
REPORTS = pathlib.Path(os.environ.get("BMM_REPORTS", str(SCREENSHOTS.parent / "bmm-reports")))

SPEC = {
    "name": "Unit converter",
    "description": "Converts lengths between metric and imperial units, for the quality checks.",
    "tools": [{
        "name": "convert_length",
        "title": "Convert a length",
        "description": "Converts a length in metres to feet.",
        "annotations": {"readOnlyHint": True},
        "inputSchema": {"type": "object", "properties": {"metres": {"type": "number"}}, "required": ["metres"]},
        "implementation": "return { feet: args.metres * 3.28084 };",
    }],
    "requiredSecrets": [],
    "allowedDomains": [],
}

# The public pages: the same for everyone, most of them exported.
PUBLIC = ["/", "/pricing", "/docs", "/docs/quickstart", "/docs/oauth", "/docs/self-hosting", "/docs/api", "/changelog",
          "/status", "/security", "/privacy", "/terms", "/agb", "/templates", "/login",
          "/login/check-email?to=p%E2%80%A6%40example.com", "/login/sms/verify?phone=%2B4915112345678"]


class Site:
    def __init__(self, base, data, session, server_id, draft_path, template_path, consent_path):
        self.base, self.data, self.session = base, data, session
        self.server_id = server_id
        self.public = PUBLIC + [template_path]
        self.signed_in = ["/dashboard", "/servers", "/servers/new", draft_path, f"/servers/{server_id}",
                          *(f"/servers/{server_id}/{tab}" for tab in ("tools", "playground", "logs", "secrets", "versions", "settings")),
                          f"/servers/{server_id}/publish", "/settings", "/settings/billing", "/audit", "/admin",
                          "/admin/templates", consent_path]

    def cookies(self):
        return self.session.cookies.get_dict()


def csrf_of(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def build_server(session, base):
    spec = dict(SPEC, slug="units-" + uuid.uuid4().hex[:8])
    created = session.post(base + "/v1/servers", json={"spec": spec, "secrets": {}}, timeout=30)
    assert created.status_code == 201, created.text
    info = created.json()
    server_id = info["id"].lower()
    deadline = time.time() + 60
    while info.get("status") != "active":
        assert info.get("status") != "failed" and time.time() < deadline, info
        time.sleep(0.3)
        info = session.get(f"{base}/v1/servers/{server_id}", timeout=10).json()
    return server_id


def draft(session, base):
    """Wizard step 1 posted as a form: the path of step 2 for the stored draft."""
    page = session.get(base + "/servers/new", timeout=10)
    posted = session.post(base + "/servers/new", allow_redirects=False, timeout=60,
                          data={"csrf": csrf_of(page.text), "prompt": "Weather forecast for a city", "name": "",
                                "slug": "weather-" + uuid.uuid4().hex[:6]})
    assert posted.status_code == 303, posted.text[:500]
    return posted.headers["Location"].split("?")[0]


def publish(session, base, server_id):
    published = session.post(base + "/v1/templates", timeout=30, json={
        "serverId": server_id, "title": "Unit converter", "category": "productivity",
        "summary": "Converts lengths between metric and imperial units.", "description": "Metres to feet."})
    assert published.status_code == 201, published.text
    return "/templates/" + published.json()["slug"]


def consent(base, server_id):
    """The consent page of a freshly registered client (the person has not answered it yet)."""
    redirect = "http://127.0.0.1:9/callback"
    client = requests.post(base + "/oauth/register", timeout=10, json={
        "client_name": "Quality checks client", "redirect_uris": [redirect], "token_endpoint_auth_method": "none",
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"]})
    assert client.status_code == 201, client.text
    challenge = base64.urlsafe_b64encode(hashlib.sha256(secrets.token_bytes(32)).digest()).decode().rstrip("=")
    query = urllib.parse.urlencode({
        "response_type": "code", "client_id": client.json()["client_id"], "redirect_uri": redirect,
        "code_challenge": challenge, "code_challenge_method": "S256", "state": "quality", "scope": "mcp",
        "resource": f"{base}/mcp/{server_id}"})
    return "/oauth/authorize?" + query


def grant_admin(data, email):
    env = dict(os.environ, BMM_DATA_DIR=str(data))
    env.pop("DATABASE_URL", None)
    granted = subprocess.run([BINARY, "admin", "grant", email], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=60)
    assert granted.returncode == 0, granted.stdout + granted.stderr


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    data = tmp_path_factory.mktemp("quality-data")
    with running_app(data) as base:
        session = signed_in_session(base)
        grant_admin(data, session.email)
        server_id = build_server(session, base)
        template_path = publish(session, base, server_id)
        yield Site(base, data, session, server_id, draft(session, base), template_path, consent(base, server_id))


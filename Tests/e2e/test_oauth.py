"""OAuth 2.1 for hosted MCP servers: `/mcp/{serverId}` is a protected resource (RFC 9728) and
the app is its authorization server (RFC 8414 metadata, RFC 7591 registration, PKCE S256,
RFC 8707 resource indicators, RFC 9207 `iss`, refresh-token rotation, RFC 7009 revocation).

- The official MCP SDK clients (2.x and 1.x) run their own OAuth flow through
  mcp_clients/oauth_client.py, which plays the signed-in person on the consent page; a second
  run with the same storage must need no browser step.
- Raw `requests` tests pin the individual rules, each on its own.

The SDK interpreters come from BMM_MCP2_PYTHON / BMM_MCP1_PYTHON as in test_mcp.py.
"""
import base64
import hashlib
import json
import pathlib
import secrets
import subprocess
import time
import urllib.parse
import uuid
from html.parser import HTMLParser

import pytest
import requests

from test_mcp import SPEC, TOOL_NAMES, make_hosted, sdk_python

CLIENT = pathlib.Path(__file__).resolve().parent / "mcp_clients" / "oauth_client.py"
REDIRECT_URI = "http://127.0.0.1:33418/oauth/callback"
SCOPE = "mcp:tools"

# (SDK interpreter variable, default venv, oauth_client --mode)
SDKS = {
    "mcp2": ("BMM_MCP2_PYTHON", ".venv-mcp2", "auto"),
    "mcp1": ("BMM_MCP1_PYTHON", ".venv-mcp1", "auto"),
}


# --- fixtures -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hosted(server):
    """A signed-in owner with a live server (A)."""
    return make_hosted(server)


@pytest.fixture(scope="module")
def other_endpoint(hosted):
    """A second live server (B) of the same owner."""
    spec = dict(SPEC, slug=f"calc-b-{uuid.uuid4().hex[:8]}")
    created = hosted.session.post(hosted.base + "/v1/servers", json={"spec": spec, "secrets": {}}, timeout=30)
    assert created.status_code == 201, created.text
    info = created.json()
    server_id = info["id"].lower()
    deadline = time.time() + 30
    while info.get("status") != "active":
        assert info.get("status") != "failed" and time.time() < deadline, info
        time.sleep(0.3)
        info = hosted.session.get(f"{hosted.base}/v1/servers/{server_id}", timeout=10).json()
    return f"{hosted.base}/mcp/{server_id}"


@pytest.fixture(scope="module")
def cookie_file(hosted, tmp_path_factory):
    """The owner's app cookies, for oauth_client.py's consent step."""
    path = tmp_path_factory.mktemp("oauth") / "cookies.json"
    cookies = hosted.session.cookies.get_dict()
    assert "bmm_session" in cookies and "bmm_csrf" in cookies, cookies
    path.write_text(json.dumps(cookies))
    return path


@pytest.fixture(scope="module")
def client_id(hosted):
    """One registered public client shared by the raw tests (registration is rate-limited)."""
    return register(hosted.base).json()["client_id"]


# --- helpers --------------------------------------------------------------------------------

def register(base, redirect_uris=(REDIRECT_URI,), **extra):
    body = {"client_name": "BMM e2e raw client", "redirect_uris": list(redirect_uris),
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
            "token_endpoint_auth_method": "none", **extra}
    response = requests.post(base + "/oauth/register", json=body, timeout=10)
    if list(redirect_uris) == [REDIRECT_URI] and not extra:
        assert response.status_code == 201, response.text
    return response


def pkce():
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
    return verifier, challenge


def browser(hosted):
    """What a browser sends: the owner's cookies and its own Origin, no API headers."""
    session = requests.Session()
    session.cookies.update(hosted.session.cookies)
    session.headers["Origin"] = hosted.base
    return session


class Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = {"method": a.get("method", "get").lower(), "action": a.get("action", ""), "fields": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and a.get("name") and a.get("type", "text").lower() != "submit":
            self._form["fields"][a["name"]] = a.get("value", "")
        elif self._form is not None and tag in ("button", "input") and a.get("name"):
            self._form["buttons"].append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def consent_form(html):
    parser = Forms()
    parser.feed(html)
    forms = [f for f in parser.forms if f["method"] == "post" and f["action"].split("?")[0].endswith("/oauth/authorize")]
    assert len(forms) == 1, parser.forms
    return forms[0]


def authorize_params(client_id, resource, challenge, state=None, **overrides):
    params = {"response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI,
              "code_challenge": challenge, "code_challenge_method": "S256",
              "state": state or secrets.token_urlsafe(16), "scope": SCOPE, "resource": resource}
    params.update(overrides)
    return {k: v for k, v in params.items() if v is not None}


def redirect_query(response):
    """The query of a redirect to our redirect URI (asserting it is one)."""
    assert response.status_code in (302, 303), (response.status_code, response.text[:500])
    location = response.headers["Location"]
    assert location.startswith(REDIRECT_URI + "?"), location
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))


def authorize(hosted, client_id, resource, challenge, **overrides):
    """GET the authorization URL as the owner and approve; the redirect's query."""
    params = authorize_params(client_id, resource, challenge, **overrides)
    page = browser(hosted).get(hosted.base + "/oauth/authorize", params=params, allow_redirects=False, timeout=10)
    if page.status_code in (302, 303):  # consent already given for this client and server
        return redirect_query(page)
    assert page.status_code == 200, (page.status_code, page.text[:500])
    form = consent_form(page.text)
    approved = browser(hosted).post(hosted.base + "/oauth/authorize", data={**form["fields"], "decision": "approve"},
                                    allow_redirects=False, timeout=10)
    return redirect_query(approved)


def exchange(base, client_id, code, verifier, resource, redirect_uri=REDIRECT_URI):
    return requests.post(base + "/oauth/token", data={
        "grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
        "client_id": client_id, "code_verifier": verifier, "resource": resource}, timeout=10)


def refresh(base, client_id, refresh_token, resource):
    return requests.post(base + "/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": client_id,
        "resource": resource}, timeout=10)


def tokens(hosted, client_id, resource=None):
    """A fresh token pair for `resource` (server A by default) through the whole flow."""
    resource = resource or hosted.endpoint
    verifier, challenge = pkce()
    query = authorize(hosted, client_id, resource, challenge)
    response = exchange(hosted.base, client_id, query["code"], verifier, resource)
    assert response.status_code == 200, response.text
    return response.json()


def oauth_error(response, status=400):
    assert response.status_code == status, (response.status_code, response.text)
    return response.json()["error"]


def mcp_initialize(endpoint, access_token=None, params=None):
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if access_token:
        headers["Authorization"] = f"Bearer {access_token}"
    body = {"jsonrpc": "2.0", "id": 0, "method": "initialize",
            "params": {"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "bmm-e2e", "version": "1"}}}
    return requests.post(endpoint, json=body, headers=headers, params=params, timeout=10)


def run_oauth_client(variant, hosted, storage, cookie_file, *arguments):
    variable, venv, mode = SDKS[variant]
    command = [sdk_python(variable, venv), str(CLIENT), "--url", hosted.endpoint, "--storage", str(storage),
               "--approver-cookie-file", str(cookie_file), "--mode", mode, *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    assert lines, f"oauth_client printed nothing (exit {done.returncode})\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    out = json.loads(lines[-1])
    assert done.returncode == 0 and out["ok"], json.dumps(out, indent=2) + "\nstderr:\n" + done.stderr[-3000:]
    return out


def assert_tools_work(out):
    assert sorted(out["tools"]) == sorted(TOOL_NAMES), out
    assert out["result"]["isError"] is False, out
    assert out["result"]["structuredContent"] == {"sum": 5}, out


# --- the SDKs' own OAuth clients ------------------------------------------------------------

@pytest.fixture(scope="module")
def first_runs(hosted, cookie_file, tmp_path_factory):
    """Each SDK's first connection (fresh storage: register, consent, exchange); cached per SDK."""
    cache = {}

    def get(variant):
        if variant not in cache:
            storage = tmp_path_factory.mktemp(f"oauth-{variant}") / "storage.json"
            cache[variant] = (storage, run_oauth_client(variant, hosted, storage, cookie_file))
        return cache[variant]

    return get


@pytest.mark.parametrize("variant", list(SDKS))
def test_sdk_signs_in_with_oauth_and_calls_a_tool(first_runs, variant):
    storage, out = first_runs(variant)
    assert_tools_work(out)
    assert out["browser_step_needed"] and out["browser_steps"] == 1, out
    assert out["consent_pages"] == 1, out  # a new client: the person is asked
    assert out["registered"], out  # dynamic client registration, not a client ID metadata document
    assert out["token_grants"] == ["authorization_code"], out
    assert out["requests"][0].endswith("-> 401"), out["requests"]
    saved = json.loads(storage.read_text())
    assert saved["tokens"]["refresh_token"] and saved["tokens"]["scope"] == SCOPE, saved
    assert saved["client_info"]["client_id"] == out["client_id"]


@pytest.mark.parametrize("variant", list(SDKS))
def test_sdk_reuses_its_stored_token_without_a_browser(first_runs, hosted, cookie_file, variant):
    storage, _ = first_runs(variant)
    out = run_oauth_client(variant, hosted, storage, cookie_file, "--no-browser")
    assert_tools_work(out)
    assert not out["browser_step_needed"] and not out["registered"] and out["token_grants"] == [], out


@pytest.mark.parametrize("variant", list(SDKS))
def test_sdk_refreshes_an_expired_token_without_a_browser(first_runs, hosted, cookie_file, variant):
    # After a restart neither SDK knows the authorization server's metadata yet, so it refreshes
    # at `{origin}/token` (its RFC 8414-less fallback), without `resource` in 1.x (no protocol
    # version header on `initialize`), then rediscovers nothing because the new token works.
    storage, _ = first_runs(variant)
    before = json.loads(storage.read_text())["tokens"]
    out = run_oauth_client(variant, hosted, storage, cookie_file, "--no-browser", "--expire-access-token")
    assert_tools_work(out)
    assert not out["browser_step_needed"] and out["token_grants"] == ["refresh_token"], out
    after = json.loads(storage.read_text())["tokens"]
    assert after["refresh_token"] != before["refresh_token"], "refresh tokens rotate"
    assert after["access_token"] != before["access_token"]


@pytest.mark.parametrize("variant", list(SDKS))
def test_sdk_flow_started_signed_out_continues_after_email_sign_in(hosted, tmp_path, variant):
    """Someone clicks "Connect" in their MCP client while signed out of the app: the SDK opens the
    authorization URL, the app asks them to sign in (saying what for), they sign in with the emailed
    link, and land back on the authorization request, not on the dashboard. The link carries no
    `next`: where to continue is kept with the sign-in attempt on the server."""
    email = hosted.session.get(hosted.base + "/v1/auth/me", timeout=10).json()["user"]["email"]
    no_cookies = tmp_path / "no-cookies.json"
    no_cookies.write_text("{}")
    out = run_oauth_client(variant, hosted, tmp_path / "storage.json", no_cookies, "--sign-in-email", email)
    assert_tools_work(out)
    sign_in = out["sign_in"]
    assert sign_in is not None, out
    assert sign_in["link_has_next"] is False, sign_in
    assert sign_in["continued_to"].startswith("/oauth/authorize?"), sign_in
    # the server's name waits for the consent page: the sign-in page is anyone's to open with any endpoint's address
    assert sign_in["heading"] == "Sign in to connect BMM e2e OAuth client to your MCP server", sign_in
    assert out["consent_pages"] == 1 and out["token_grants"] == ["authorization_code"], out


# --- raw HTTP: the resource server ----------------------------------------------------------

def test_the_endpoint_challenges_without_a_usable_token(hosted):
    server_id = hosted.endpoint.rsplit("/", 1)[1]
    metadata = f'{hosted.base}/.well-known/oauth-protected-resource/mcp/{server_id}'
    for token in (None, "not-a-token", "bmm_not_a_real_token"):
        response = mcp_initialize(hosted.endpoint, token)
        assert response.status_code == 401, (token, response.status_code, response.text)
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith("Bearer "), challenge
        assert 'realm="BuildMyMCPServer"' in challenge, challenge
        assert f'resource_metadata="{metadata}"' in challenge, challenge
        assert f'scope="{SCOPE}"' in challenge, challenge


@pytest.mark.parametrize("suffix", ["", "/"])
def test_protected_resource_metadata(hosted, suffix):
    server_id = hosted.endpoint.rsplit("/", 1)[1]
    response = requests.get(f"{hosted.base}/.well-known/oauth-protected-resource/mcp/{server_id}{suffix}", timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    doc = response.json()
    # RFC 9728 §3.1, §3.3: the metadata at a resource's well-known URL names that resource as spelled.
    assert doc["resource"] == hosted.endpoint + suffix
    assert doc["authorization_servers"] == [hosted.base]
    assert doc["scopes_supported"] == [SCOPE]
    assert doc["bearer_methods_supported"] == ["header"]


def test_protected_resource_metadata_of_an_unknown_server_is_404(hosted):
    response = requests.get(f"{hosted.base}/.well-known/oauth-protected-resource/mcp/{uuid.uuid4()}", timeout=10)
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["/.well-known/oauth-authorization-server", "/.well-known/oauth-authorization-server/"])
def test_authorization_server_metadata(hosted, path):
    base = hosted.base
    response = requests.get(base + path, timeout=10)
    assert response.status_code == 200, response.text
    doc = response.json()
    assert doc["issuer"] == base  # compared as a plain string by the SDKs (RFC 8414 §3.3, RFC 9207)
    assert doc["authorization_endpoint"] == base + "/oauth/authorize"
    assert doc["token_endpoint"] == base + "/oauth/token"
    assert doc["registration_endpoint"] == base + "/oauth/register"
    assert doc["revocation_endpoint"] == base + "/oauth/revoke"
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["grant_types_supported"] == ["authorization_code", "refresh_token"]
    assert doc["token_endpoint_auth_methods_supported"] == ["none"]
    assert doc["client_id_metadata_document_supported"] is True
    assert doc["authorization_response_iss_parameter_supported"] is True



@pytest.mark.parametrize("path", ["/.well-known/openid-configuration", "/.well-known/openid-configuration/",
                                  "/.well-known/oauth-authorization-server/mcp/x"])
def test_discovery_paths_of_other_issuers_are_404(hosted, path):
    # Not an OpenID provider, and no issuer with a path: the SDKs fall back to the document above.
    response = requests.get(hosted.base + path, timeout=10)
    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"


# --- raw HTTP: registration -----------------------------------------------------------------

def test_registration_makes_a_public_client(hosted):
    response = register(hosted.base)
    assert response.status_code == 201, response.text
    client = response.json()
    assert client["client_id"] and client["token_endpoint_auth_method"] == "none"
    assert "client_secret" not in client
    assert client["redirect_uris"] == [REDIRECT_URI]
    assert client["client_name"] == "BMM e2e raw client"
    assert set(client["grant_types"]) == {"authorization_code", "refresh_token"}
    assert client["response_types"] == ["code"]
    assert isinstance(client["client_id_issued_at"], int)


def test_registration_refuses_a_javascript_redirect_uri(hosted):
    response = register(hosted.base, redirect_uris=["javascript:alert(document.cookie)"])
    assert oauth_error(response) in ("invalid_redirect_uri", "invalid_client_metadata")


# --- raw HTTP: authorization ----------------------------------------------------------------

def test_authorize_sends_a_signed_out_person_to_sign_in(hosted, client_id):
    _, challenge = pkce()
    params = authorize_params(client_id, hosted.endpoint, challenge)
    response = requests.get(hosted.base + "/oauth/authorize", params=params, allow_redirects=False, timeout=10)
    assert response.status_code == 303, (response.status_code, response.text[:300])
    location = urllib.parse.urlsplit(response.headers["Location"])
    assert location.path == "/login", response.headers["Location"]
    next_url = urllib.parse.parse_qs(location.query)["next"][0]
    assert next_url.startswith("/oauth/authorize?"), next_url
    assert dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(next_url).query)) == params


@pytest.mark.parametrize("case", ["unknown client", "unregistered redirect"])
def test_a_bad_client_or_redirect_uri_is_an_error_page_never_a_redirect(hosted, client_id, case):
    _, challenge = pkce()
    if case == "unknown client":
        params = authorize_params("no-such-client-" + uuid.uuid4().hex, hosted.endpoint, challenge)
    else:
        params = authorize_params(client_id, hosted.endpoint, challenge, redirect_uri="https://attacker.example/callback")
    response = browser(hosted).get(hosted.base + "/oauth/authorize", params=params, allow_redirects=False, timeout=10)
    assert 400 <= response.status_code < 500 and "Location" not in response.headers, (response.status_code, dict(response.headers))
    assert response.headers["Content-Type"].startswith("text/html")


def test_consent_approve_exchange_and_call(hosted):
    client = register(hosted.base).json()["client_id"]  # a new client, so consent is asked
    verifier, challenge = pkce()
    params = authorize_params(client, hosted.endpoint, challenge, state="st-" + secrets.token_urlsafe(8))
    page = browser(hosted).get(hosted.base + "/oauth/authorize", params=params, allow_redirects=False, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html"), page.status_code
    form = consent_form(page.text)
    assert ("decision", "approve") in form["buttons"] and ("decision", "deny") in form["buttons"], form
    assert form["fields"]["csrf"] == hosted.session.cookies.get("bmm_csrf")
    for name in ("response_type", "client_id", "redirect_uri", "code_challenge", "code_challenge_method", "state", "resource"):
        assert form["fields"][name] == params[name], (name, form["fields"])

    approved = browser(hosted).post(hosted.base + "/oauth/authorize", data={**form["fields"], "decision": "approve"},
                                    allow_redirects=False, timeout=10)
    assert approved.status_code == 303, (approved.status_code, approved.text[:300])
    query = redirect_query(approved)
    assert query["state"] == params["state"] and query["iss"] == hosted.base and query["code"], query

    response = exchange(hosted.base, client, query["code"], verifier, hosted.endpoint)
    assert response.status_code == 200, response.text
    assert "no-store" in response.headers["Cache-Control"]
    issued = response.json()
    assert issued["token_type"] == "Bearer" and issued["expires_in"] == 3600 and issued["scope"] == SCOPE
    assert issued["access_token"] and issued["refresh_token"]
    assert mcp_initialize(hosted.endpoint, issued["access_token"]).status_code == 200


def test_deny_redirects_with_access_denied(hosted):
    client = register(hosted.base).json()["client_id"]
    _, challenge = pkce()
    params = authorize_params(client, hosted.endpoint, challenge)
    page = browser(hosted).get(hosted.base + "/oauth/authorize", params=params, allow_redirects=False, timeout=10)
    form = consent_form(page.text)
    denied = browser(hosted).post(hosted.base + "/oauth/authorize", data={**form["fields"], "decision": "deny"},
                                  allow_redirects=False, timeout=10)
    query = redirect_query(denied)
    assert query["error"] == "access_denied" and "code" not in query and query["state"] == params["state"], query


def test_consent_post_without_csrf_is_refused(hosted, client_id):
    _, challenge = pkce()
    fields = authorize_params(client_id, hosted.endpoint, challenge)
    response = browser(hosted).post(hosted.base + "/oauth/authorize", data={**fields, "decision": "approve"},
                                    allow_redirects=False, timeout=10)
    assert response.status_code == 403, (response.status_code, response.headers.get("Location"))


def test_plain_pkce_is_refused(hosted, client_id):
    verifier, _ = pkce()
    params = authorize_params(client_id, hosted.endpoint, verifier, code_challenge_method="plain")
    response = browser(hosted).get(hosted.base + "/oauth/authorize", params=params, allow_redirects=False, timeout=10)
    if response.status_code in (302, 303):
        query = redirect_query(response)
        assert query["error"] == "invalid_request" and "code" not in query, query
    else:
        assert response.status_code == 400, response.status_code


# --- raw HTTP: tokens -----------------------------------------------------------------------

def test_a_token_for_one_server_is_refused_at_another(hosted, client_id, other_endpoint):
    issued = tokens(hosted, client_id)
    assert mcp_initialize(hosted.endpoint, issued["access_token"]).status_code == 200
    assert mcp_initialize(other_endpoint, issued["access_token"]).status_code == 401


def test_a_token_in_the_query_string_is_refused(hosted, client_id):
    issued = tokens(hosted, client_id)
    response = mcp_initialize(hosted.endpoint, params={"access_token": issued["access_token"]})
    assert response.status_code == 401, response.text


def test_a_code_works_once(hosted, client_id):
    verifier, challenge = pkce()
    query = authorize(hosted, client_id, hosted.endpoint, challenge)
    first = exchange(hosted.base, client_id, query["code"], verifier, hosted.endpoint)
    assert first.status_code == 200, first.text
    assert oauth_error(exchange(hosted.base, client_id, query["code"], verifier, hosted.endpoint)) == "invalid_grant"
    # RFC 6749 §4.1.2: the tokens issued from a replayed code are revoked.
    assert mcp_initialize(hosted.endpoint, first.json()["access_token"]).status_code == 401


def test_a_wrong_code_verifier_is_invalid_grant(hosted, client_id):
    _, challenge = pkce()
    query = authorize(hosted, client_id, hosted.endpoint, challenge)
    wrong, _ = pkce()
    assert oauth_error(exchange(hosted.base, client_id, query["code"], wrong, hosted.endpoint)) == "invalid_grant"


def test_a_code_for_another_resource_is_invalid_target(hosted, client_id, other_endpoint):
    verifier, challenge = pkce()
    query = authorize(hosted, client_id, hosted.endpoint, challenge)
    assert oauth_error(exchange(hosted.base, client_id, query["code"], verifier, other_endpoint)) == "invalid_target"


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_grant(hosted, client_id):
    issued = tokens(hosted, client_id)
    rotated = refresh(hosted.base, client_id, issued["refresh_token"], hosted.endpoint)
    assert rotated.status_code == 200, rotated.text
    assert "no-store" in rotated.headers["Cache-Control"]
    fresh = rotated.json()
    assert fresh["refresh_token"] != issued["refresh_token"] and fresh["access_token"] != issued["access_token"]
    assert mcp_initialize(hosted.endpoint, fresh["access_token"]).status_code == 200

    assert oauth_error(refresh(hosted.base, client_id, issued["refresh_token"], hosted.endpoint)) == "invalid_grant"
    # the reuse looks like theft: the whole grant is gone, the rotated tokens too
    assert oauth_error(refresh(hosted.base, client_id, fresh["refresh_token"], hosted.endpoint)) == "invalid_grant"
    assert mcp_initialize(hosted.endpoint, fresh["access_token"]).status_code == 401


def test_refresh_for_another_resource_is_invalid_target(hosted, client_id, other_endpoint):
    issued = tokens(hosted, client_id)
    assert oauth_error(refresh(hosted.base, client_id, issued["refresh_token"], other_endpoint)) == "invalid_target"


def test_revoked_tokens_stop_working(hosted, client_id):
    issued = tokens(hosted, client_id)
    # RFC 7009 §2.1: the token's own client revokes it; a public client names itself with client_id
    anonymous = requests.post(hosted.base + "/oauth/revoke", data={"token": issued["access_token"]}, timeout=10)
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "invalid_client", anonymous.text
    for token in (issued["access_token"], issued["refresh_token"]):
        response = requests.post(hosted.base + "/oauth/revoke", data={"token": token, "client_id": client_id}, timeout=10)
        assert response.status_code == 200, response.text
    assert mcp_initialize(hosted.endpoint, issued["access_token"]).status_code == 401
    assert oauth_error(refresh(hosted.base, client_id, issued["refresh_token"], hosted.endpoint)) == "invalid_grant"
    # RFC 7009 §2.2: an unknown token is not an error
    assert requests.post(hosted.base + "/oauth/revoke", data={"token": "nonsense", "client_id": client_id}, timeout=10).status_code == 200

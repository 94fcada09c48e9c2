"""The error codes every operation shares, each produced with real requests on an app of its own and
validated against the OpenAPI document: who is asking (unauthorized, invalid_token, insufficient_scope),
where from (csrf_failed), whose workspace (org_suspended), and what the body is (payload_too_large,
unsupported_media_type, bad_request: a malformed or an empty body). The last test holds the document to it:
every operation that documents one of these codes produced it here."""
import os
import subprocess
import uuid

import pytest
import requests

from accounts import signed_in_session
from conftest import BINARY, ROOT, running_app
from openapi_contract import SEEN, Contract
from site_pages import build_server, publish

COMMON = {"unauthorized", "invalid_token", "insufficient_scope", "csrf_failed", "org_suspended", "payload_too_large",
          "unsupported_media_type", "bad_request", "unprocessable_entity"}
STATUS = {"unauthorized": 401, "invalid_token": 401, "insufficient_scope": 403, "csrf_failed": 403, "org_suspended": 403,
          "payload_too_large": 413, "unsupported_media_type": 415, "bad_request": 400, "unprocessable_entity": 422}


class App:
    def __init__(self, base, data):
        self.base, self.data = base, data
        self.contract = Contract(requests.get(base + "/openapi.json", timeout=10).json())
        self.alice = signed_in_session(base)
        self.api_token = self.token(self.alice, ["api"])
        self.mcp_token = self.token(self.alice, ["mcp"])

    def resources(self):
        """Alice's own server, template and draft: a body is read only after the handler found what it changes."""
        if not hasattr(self, "owned"):
            server = build_server(self.alice, self.base)
            slug = publish(self.alice, self.base, server).rsplit("/", 1)[1]
            drafted = self.alice.post(self.base + "/v1/servers/preview", json={"prompt": "Look up the weather for a city"}, timeout=60)
            assert drafted.status_code == 201, drafted.text
            self.owned = {"server": server, "slug": slug, "draft": drafted.json()["previewId"]}
        return self.owned

    def token(self, session, scopes):
        created = session.post(self.base + "/v1/tokens", json={"name": "errors " + " ".join(scopes), "scopes": scopes}, timeout=10)
        assert created.status_code == 201, created.text
        return created.json()["token"]

    def suspended(self):
        """A person whose workspace an administrator suspended."""
        mallory = signed_in_session(self.base)
        organization = mallory.get(self.base + "/v1/auth/me", timeout=10).json()["org"]["id"]
        admin = signed_in_session(self.base)
        env = dict(os.environ, BMM_DATA_DIR=str(self.data))
        env.pop("DATABASE_URL", None)
        granted = subprocess.run([BINARY, "admin", "grant", admin.email], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert granted.returncode == 0, granted.stdout + granted.stderr
        done = admin.post(f"{self.base}/admin/orgs/{organization}/suspend", data={"csrf": admin.cookies.get("bmm_csrf")},
                          allow_redirects=False, timeout=10)
        assert done.status_code == 303, done.text[:300]
        # The suspension ended mallory's session; signed in again, the workspace is read-only.
        assert mallory.get(self.base + "/v1/auth/me", timeout=10).status_code == 401
        return signed_in_session(self.base, email=mallory.email)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """An app of its own: a suspended workspace and refused requests stay out of the other tests."""
    data = tmp_path_factory.mktemp("errors-common-data")
    with running_app(data) as base:
        yield App(base, data)


@pytest.fixture(scope="module")
def mallory(app):
    return app.suspended()


def operations(app, code):
    """(method, template) of every operation whose document lists `code`."""
    return sorted({(m, t) for m, t, _, c in app.contract.documented_codes() if c == code})


def concrete(template, owned=None):
    """A path for `template` with the `owned` resources, or made-up ones where the check comes before any lookup."""
    path = template
    for name, value in (owned or {}).items():
        path = path.replace("{" + name + "}", value)
    for name in ("server", "build", "draft", "token"):
        path = path.replace("{" + name + "}", str(uuid.uuid4()))
    return path.replace("{slug}", "no-such-template")


def bearer(token):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + token
    return session


def without_csrf_header(session):
    """The signed-in session's cookies without the X-CSRF-Token header a page's script would send."""
    bare = requests.Session()
    bare.cookies.update(session.cookies)
    return bare


def send(session, app, method, template, owned=None, **arguments):
    return session.request(method, app.base + concrete(template, owned), timeout=30, allow_redirects=False, **arguments)


def expect(app, response, code):
    body = app.contract.check(response)
    assert response.status_code == STATUS[code] and body and body["error"] == code, \
        f"{response.request.method} {response.request.url} answered {response.status_code} {response.text[:300]}"


def all_of(checks):
    """Runs every check and reports every failure, not only the first."""
    failures = []
    for check in checks:
        try:
            check()
        except AssertionError as failure:
            failures.append(str(failure).split("\n")[0])
    assert not failures, "\n".join(failures)


CALLERS = {
    "unauthorized": lambda app: requests.Session(),
    "invalid_token": lambda app: bearer("bmm_not-a-token"),
    "insufficient_scope": lambda app: bearer(app.mcp_token),
    "csrf_failed": lambda app: without_csrf_header(app.alice),
}


@pytest.mark.parametrize("code", sorted(CALLERS))
def test_who_is_asking(app, code):
    caller = CALLERS[code](app)

    def check(method, template):
        if template == "/oauth/authorize":
            # The consent page is for a person: an API token of any scope is refused.
            return lambda: expect(app, bearer(app.api_token).get(app.base + template, params={"response_type": "code"},
                                                                 timeout=10, allow_redirects=False), code)
        return lambda: expect(app, send(caller, app, method, template, json={}), code)
    all_of(check(method, template) for method, template in operations(app, code))


def test_a_suspended_workspace_reads_but_does_not_change(app, mallory):
    # Reads stay open (which is why no GET documents org_suspended), and so does what is the person's own: their
    # profile, and deleting their account.
    for path in ("/v1/auth/me", "/v1/servers", "/v1/tokens", "/v1/billing/status", "/v1/audit", "/v1/account/export"):
        read = mallory.get(app.base + path, timeout=10)
        app.contract.check(read)
        assert read.status_code == 200, f"{path}: {read.text[:300]}"
    renamed = mallory.patch(app.base + "/v1/account/profile", json={"displayName": "Mallory M."}, timeout=10)
    app.contract.check(renamed)
    assert renamed.status_code == 200 and renamed.json()["user"]["displayName"] == "Mallory M.", renamed.text[:300]
    all_of((lambda m=method, t=template: expect(app, send(mallory, app, m, t, json={}), "org_suspended"))
           for method, template in operations(app, "org_suspended"))


JSON = {"Content-Type": "application/json"}
# The calls that carry a whole spec take up to 1 MB; the rest of the API 64 kB and Stripe's webhook 256 kB.
# The calls that carry a spec or a long text take 1 MB (a listing's 20,000 characters are up to 80 kB of JSON).
SPEC_ROUTES = {("POST", "/v1/servers"), ("POST", "/v1/servers/{server}/versions"), ("POST", "/v1/servers/preview/{draft}/edit"),
               ("POST", "/v1/servers/preview"), ("POST", "/v1/servers/preview/stream"), ("POST", "/v1/templates"),
               ("PATCH", "/v1/templates/{slug}")}
BODIES = {
    "payload_too_large": {"data": b'{"padding": "' + b"x" * 300_000 + b'"}', "headers": JSON},
    "unsupported_media_type": {"data": b"<confirm/>", "headers": {"Content-Type": "application/xml"}},
    "bad_request": {"data": b'{"unfinished": ', "headers": JSON},
}


def body_for(code, method, template):
    if code == "payload_too_large" and (method, template) in SPEC_ROUTES:
        return {"data": b'{"padding": "' + b"x" * 1_100_000 + b'"}', "headers": JSON}
    return BODIES[code]


@pytest.mark.parametrize("code", sorted(BODIES))
def test_what_the_body_is(app, code):
    owned = app.resources()
    all_of((lambda m=method, t=template: expect(app, send(app.alice, app, m, t, owned, **body_for(code, m, t)), code))
           for method, template in operations(app, code))


def test_a_spec_over_64_kb_is_read_and_judged_by_its_own_limits(app):
    # 70 kB of code in one tool: over the API's general body limit, within the spec route's; the answer names the
    # tool's own 64 KiB limit instead of a bare 413.
    spec = {"name": "Big", "slug": "big-" + uuid.uuid4().hex[:6], "description": "A large tool.",
            "tools": [{"name": "big", "description": "Big.", "inputSchema": {"type": "object"},
                       "implementation": "return 1;\n" + "// padding\n" * 7_000}]}
    response = app.alice.post(app.base + "/v1/servers", json={"spec": spec}, timeout=30)
    assert response.status_code == 422, response.text[:300]
    assert response.json()["error"] == "spec_invalid" and "64 KiB" in response.json()["message"], response.text[:300]


def test_an_empty_body_is_a_bad_request_that_says_so(app):
    # Says JSON and sends nothing: no content is not well-formed content (400), not content that could not be
    # processed (422); the message says what to send instead of a decoder's wording.
    owned = app.resources()

    def check(method, template):
        def run():
            response = send(app.alice, app, method, template, owned, data=b"", headers=JSON)
            expect(app, response, "bad_request")
            assert "no body" in response.json()["message"], response.text[:300]
        return run
    document = requests.get(app.base + "/openapi.json", timeout=10).json()

    def requires_body(method, template):
        return document["paths"][template][method.lower()].get("requestBody", {}).get("required", False)
    all_of(check(method, template) for method, template in operations(app, "bad_request") if requires_body(method, template))


def test_every_documented_common_code_was_produced(app):
    documented = {entry for entry in app.contract.documented_codes() if entry[3] in COMMON}
    missing = sorted(" ".join(entry) for entry in documented - SEEN)
    assert not missing, f"{len(missing)} of {len(documented)} documented codes not produced:\n" + "\n".join(missing)

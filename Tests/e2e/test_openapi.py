"""The OpenAPI document at /openapi.json against the running app: real answers of a spread of
/v1 and OAuth operations, good and bad, each validated against the document (status, content
type, body schema, error code enum)."""
import uuid

import pytest
import requests

from accounts import signed_in_session
from openapi_contract import SEEN, Contract


@pytest.fixture(scope="module")
def contract(server):
    response = requests.get(server + "/openapi.json", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/json")
    assert "max-age" in response.headers["Cache-Control"]
    document = response.json()
    assert document["openapi"].startswith("3.1")
    return Contract(document)


@pytest.fixture(scope="module")
def alice(server):
    return signed_in_session(server)


@pytest.fixture(scope="module")
def api_token(server, alice, contract):
    created = contract.check(alice.post(server + "/v1/tokens", json={"name": "contract", "scopes": ["api"]}, timeout=10))
    return created["token"]


def bearer(token):
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + token
    return session


def expect(contract, response, status, code=None):
    body = contract.check(response)
    assert response.status_code == status, response.text[:300]
    if code:
        assert body["error"] == code, body
    return body


def test_sign_in_and_the_caller(server, contract, alice, api_token):
    anonymous = requests.Session()
    expect(contract, anonymous.get(server + "/v1/auth/me", timeout=10), 401, "unauthorized")
    expect(contract, bearer("bmm_not-a-token").get(server + "/v1/auth/me", timeout=10), 401, "invalid_token")
    expect(contract, alice.get(server + "/v1/auth/me", timeout=10), 200)
    expect(contract, bearer(api_token).get(server + "/v1/auth/me", timeout=10), 200)
    expect(contract, anonymous.post(server + "/v1/auth/magic-link", json={"email": "not an address"}, timeout=10), 400, "invalid_email")
    expect(contract, anonymous.post(server + "/v1/auth/magic-link", json={"email": f"c-{uuid.uuid4().hex[:8]}@example.com"}, timeout=10), 202)
    expect(contract, anonymous.post(server + "/v1/auth/sms", json={"phone": "12"}, timeout=10), 400, "invalid_phone")
    expect(contract, anonymous.post(server + "/v1/auth/magic-link", data="<email/>", timeout=10,
                                    headers={"Content-Type": "application/xml"}), 415, "unsupported_media_type")


def test_tokens_scopes_and_csrf(server, contract, alice):
    created = expect(contract, alice.post(server + "/v1/tokens", json={"name": "mcp only"}, timeout=10), 201)
    expect(contract, bearer(created["token"]).get(server + "/v1/tokens", timeout=10), 403, "insufficient_scope")
    expect(contract, alice.post(server + "/v1/tokens", json={"name": ""}, timeout=10), 400, "invalid_name")
    expect(contract, alice.post(server + "/v1/tokens", json={"name": "x", "scopes": ["root"]}, timeout=10), 400, "invalid_scope")
    expect(contract, alice.post(server + "/v1/tokens", json={"nom": "x"}, timeout=10), 400, "bad_request")
    listed = expect(contract, alice.get(server + "/v1/tokens", timeout=10), 200)
    assert created["id"] in [token["id"] for token in listed["tokens"]]
    without_csrf = alice.delete(server + f"/v1/tokens/{created['id']}", headers={"X-CSRF-Token": ""}, timeout=10)
    expect(contract, without_csrf, 403, "csrf_failed")
    expect(contract, alice.delete(server + f"/v1/tokens/{created['id']}", timeout=10), 204)
    expect(contract, alice.delete(server + f"/v1/tokens/{created['id']}", timeout=10), 404, "not_found")


def test_account_and_audit(server, contract, alice, api_token):
    expect(contract, alice.patch(server + "/v1/account/profile", json={"displayName": "Alice Contract"}, timeout=10), 200)
    expect(contract, alice.patch(server + "/v1/account/profile", json={"displayName": ""}, timeout=10), 400, "invalid_display_name")
    expect(contract, alice.get(server + "/v1/account/export", timeout=10), 200)
    expect(contract, alice.delete(server + "/v1/account", json={"confirm": "someone else"}, timeout=10), 422, "confirmation_mismatch")
    expect(contract, bearer(api_token).get(server + "/v1/audit", timeout=10), 200)
    expect(contract, alice.get(server + "/v1/audit", params={"cursor": "!!"}, timeout=10), 400, "invalid_cursor")


def test_drafts_and_servers(server, contract, alice):
    expect(contract, requests.get(server + "/v1/drafting/secret-patterns", timeout=10), 200)
    expect(contract, alice.post(server + "/v1/servers/preview", json={"prompt": " "}, timeout=10), 422, "prompt_empty")
    expect(contract, alice.post(server + "/v1/servers/preview", json={"prompt": "x" * 4001}, timeout=10), 422, "prompt_too_long")
    slug = "contract-" + uuid.uuid4().hex[:6]
    draft = expect(contract, alice.post(server + "/v1/servers/preview",
                                        json={"prompt": "Look up the weather for a city", "slug": slug}, timeout=60), 201)
    expect(contract, alice.post(server + f"/v1/servers/preview/{draft['previewId']}/edit",
                                json={"specEdit": {"tools": []}}, timeout=10), 422)
    expect(contract, alice.post(server + f"/v1/servers/preview/{uuid.uuid4()}/edit", json={"specEdit": {}}, timeout=10),
           404, "preview_not_found")
    expect(contract, alice.get(server + "/v1/servers/slug-availability", params={"slug": slug}, timeout=10), 200)
    created = expect(contract, alice.post(server + "/v1/servers", json={"previewId": draft["previewId"]}, timeout=30), 201)
    expect(contract, alice.post(server + "/v1/servers", json={"previewId": draft["previewId"]}, timeout=30), 409, "slug_taken")
    expect(contract, alice.post(server + "/v1/servers", json={}, timeout=10), 422, "invalid_request")
    expect(contract, alice.get(server + f"/v1/servers/{created['id']}", timeout=10), 200)
    expect(contract, alice.get(server + "/v1/servers", timeout=10), 200)
    expect(contract, alice.get(server + f"/v1/servers/{uuid.uuid4()}", timeout=10), 404, "server_not_found")
    expect(contract, alice.get(server + f"/v1/servers/{created['id']}/template-update", timeout=10), 404, "not_a_fork")
    expect(contract, alice.delete(server + f"/v1/servers/{created['id']}", timeout=10), 204)


def test_marketplace_and_billing(server, contract, alice):
    expect(contract, requests.get(server + "/v1/templates", timeout=10), 200)
    expect(contract, requests.get(server + "/v1/templates", params={"sort": "loudest"}, timeout=10), 400, "invalid_sort")
    expect(contract, requests.get(server + "/v1/templates/no-such-template", timeout=10), 404, "template_not_found")
    expect(contract, alice.get(server + "/v1/templates/mine", timeout=10), 200)
    expect(contract, alice.post(server + "/v1/templates/no-such-template/fork", timeout=10), 404, "template_not_found")
    expect(contract, alice.post(server + "/v1/templates", json={"serverId": str(uuid.uuid4())}, timeout=10), 404, "server_not_found")
    expect(contract, alice.get(server + "/v1/billing/status", timeout=10), 200)
    expect(contract, alice.post(server + "/v1/billing/portal", json={}, timeout=10), 409, "billing_off")


def test_oauth_endpoints(server, contract, api_token):
    metadata = expect(contract, requests.get(server + "/.well-known/oauth-authorization-server", timeout=10), 200)
    assert metadata["token_endpoint"].endswith("/oauth/token")
    contract.check(requests.get(server + "/.well-known/oauth-protected-resource", params={"resource": "https://elsewhere/"}, timeout=10))
    expect(contract, requests.get(server + f"/.well-known/oauth-protected-resource/mcp/{uuid.uuid4()}", timeout=10), 404)
    registered = expect(contract, requests.post(server + "/oauth/register", json={"redirect_uris": ["http://127.0.0.1:9/cb"],
                                                                                "client_name": "contract"}, timeout=10), 201)
    expect(contract, requests.post(server + "/oauth/token", data={"grant_type": "authorization_code", "code": "nope"}, timeout=10), 401)
    expect(contract, requests.post(server + "/oauth/revoke", data={"token": "nope", "client_id": registered["client_id"]}, timeout=10), 200)
    expect(contract, requests.post(server + "/oauth/revoke", data={"token": "nope"}, timeout=10), 401, "invalid_client")
    # An empty form is a malformed request (RFC 6749 §5.2, RFC 7009), not Vapor's 422.
    for path in ["/oauth/token", "/oauth/revoke"]:
        empty = requests.post(server + path, data="", headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
        expect(contract, empty, 400, "invalid_request")
    # The consent page is for a person: an API token is refused, as documented.
    expect(contract, bearer(api_token).get(server + "/oauth/authorize", params={"response_type": "code"}, timeout=10,
                                           allow_redirects=False), 403, "insufficient_scope")

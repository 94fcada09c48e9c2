"""Every documented error code of the account, sign-in, token, audit and billing operations (every /v1 path
but /v1/servers… and /v1/templates…; the codes of test_openapi_errors_common.py aside), produced on purpose with
real requests and each answer held to the document (`Contract.check`).

Three apps of their own, so rate limits and broken providers touch no other test:
- `plain`: billing off (`billing_off`), the outboxes for mail and SMS;
- `billing`: billing on against `fake-stripe` (a workspace subscribes through its hosted Checkout and webhook),
  with one price Stripe does not know (Stripe refuses: `stripe_error`) and one plan not for sale
  (`plan_unavailable`); stopping the fake makes Stripe unreachable (`stripe_unavailable`), and a fresh fake on the
  same port knows none of the workspace's customers or subscriptions (Stripe refuses again);
- `broken`: mail and SMS providers that nothing answers at (`delivery_failed`), billing on without a webhook
  signing secret (`webhook_not_configured`).
The last test asserts that every documented code of this slice was produced."""
import hashlib
import hmac
import os
import pathlib
import sqlite3
import subprocess
import time
import uuid

import pytest
import requests

from accounts import signed_in_session
from conftest import BINARY, ROOT, free_port, running_app, wait_for
from openapi_contract import SEEN, Contract

FAKE_STRIPE = pathlib.Path(BINARY).parent / "fake-stripe"
COMMON = {"unauthorized", "invalid_token", "insufficient_scope", "csrf_failed", "org_suspended", "payload_too_large",
          "unsupported_media_type", "bad_request", "unprocessable_entity"}
# Obviously fake; the fake signs its webhook events with it and `bmm` verifies them with it.
WEBHOOK_SECRET = "whsec_BmmFakeErrorCodes"
STRIPE_ENV = {"STRIPE_SECRET_KEY": "sk_test_51BmmFakeSecretKey0123456789abcdefABCDEF",
              "STRIPE_PRICE_PRO_MONTHLY": "price_pro_month", "STRIPE_PRICE_PRO_YEARLY": "price_pro_year",
              # A price the Stripe account does not have: Stripe refuses every request that names it.
              "STRIPE_PRICE_TEAM_MONTHLY": "price_team_deleted"}
# STRIPE_PRICE_TEAM_YEARLY is left unset: Team yearly is not for sale here (plan_unavailable).
OWNER_ONLY = ["/v1/billing/checkout-session", "/v1/billing/portal", "/v1/billing/cancel", "/v1/billing/reactivate",
              "/v1/billing/change-plan/preview", "/v1/billing/change-plan"]


def in_slice(method, template, status, code):
    return code not in COMMON and not template.startswith(("/v1/servers", "/v1/templates"))


@pytest.fixture(scope="module")
def plain(tmp_path_factory):
    with running_app(tmp_path_factory.mktemp("errors-account")) as base:
        yield base


@pytest.fixture(scope="module")
def contract(plain):
    return Contract(requests.get(plain + "/openapi.json", timeout=10).json())


def expect(contract, response, status, code):
    """The answer is `status` with error `code`, as documented."""
    assert (response.status_code, response.headers.get("Content-Type", "").startswith("application/json")) == (status, True), \
        f"{response.request.method} {response.request.url} wanted {status} {code}: {response.status_code} {response.text[:300]}"
    body = contract.check(response)
    assert body["error"] == code, body


def visitor(base):
    """A signed-out browser-like client (its Origin is the app's own, as a page's fetch sends)."""
    session = requests.Session()
    session.headers["Origin"] = base
    return session


def outbox(base, recipient):
    """The dev outbox's messages to `recipient`, newest first."""
    return [m for m in requests.get(base + "/dev/outbox.json", timeout=10).json()["messages"] if m["recipient"] == recipient]


def phone_number():
    return "+1415555" + str(uuid.uuid4().int % 10_000).zfill(4)


def stripe_signature(payload, secret):
    """Stripe's scheme: `t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed with the secret>`."""
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={stamp},v1={digest}"


def webhook(base, payload, signature):
    return requests.post(base + "/v1/billing/webhook", data=payload, timeout=10,
                         headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature})


# Sign-in, tokens, profile, account and audit on the plain app.

def test_sign_in_errors(plain, contract):
    email, phone = f"limit-{uuid.uuid4().hex[:8]}@example.com", phone_number()
    client = visitor(plain)
    expect(contract, client.post(plain + "/v1/auth/magic-link", json={"email": "not an address"}, timeout=10), 400, "invalid_email")
    expect(contract, client.post(plain + "/v1/auth/sms", json={"phone": "12"}, timeout=10), 400, "invalid_phone")
    expect(contract, client.post(plain + "/v1/auth/sms/verify", json={"phone": "12", "code": "123456"}, timeout=10), 400, "invalid_phone")
    expect(contract, client.post(plain + "/v1/auth/sms/verify", json={"phone": phone, "code": "12ab"}, timeout=10), 400, "invalid_code")
    # Nothing was sent to this number from this browser.
    expect(contract, client.post(plain + "/v1/auth/sms/verify", json={"phone": phone, "code": "123456"}, timeout=10), 400, "code_expired")

    # Three messages to one address or number per 10 minutes; the fourth is refused.
    for path, body in (("/v1/auth/magic-link", {"email": email}), ("/v1/auth/sms", {"phone": phone})):
        for _ in range(3):
            assert client.post(plain + path, json=body, timeout=10).status_code == 202
        expect(contract, client.post(plain + path, json=body, timeout=10), 429, "rate_limited")

    # Five wrong codes; the code then no longer works at all.
    code = outbox(plain, phone)[0]["body"][:6]
    wrong = str((int(code) + 1) % 1_000_000).zfill(6)
    for _ in range(5):
        expect(contract, client.post(plain + "/v1/auth/sms/verify", json={"phone": phone, "code": wrong}, timeout=10), 400, "wrong_code")
    expect(contract, client.post(plain + "/v1/auth/sms/verify", json={"phone": phone, "code": code}, timeout=10), 429, "too_many_attempts")

    # A code that signed in, submitted again by a second click sent before the first answer arrived: the
    # second request carries the browser's cookies as they were (the sign-in attempt's, no session yet).
    again = phone_number()
    assert client.post(plain + "/v1/auth/sms", json={"phone": again}, timeout=10).status_code == 202
    code = outbox(plain, again)[0]["body"][:6]
    before = {"Origin": plain, "Cookie": "; ".join(f"{c.name}={c.value}" for c in client.cookies)}
    assert client.post(plain + "/v1/auth/sms/verify", json={"phone": again, "code": code}, timeout=10).status_code == 200
    second = requests.post(plain + "/v1/auth/sms/verify", json={"phone": again, "code": code}, headers=before, timeout=10)
    expect(contract, second, 400, "code_used")


@pytest.mark.parametrize("body, code", [
    ({"name": "", "scopes": ["api"]}, "invalid_name"),
    ({"name": "ci", "expiresInDays": 0}, "invalid_expiry"),
    ({"name": "ci", "scopes": ["everything"]}, "invalid_scope"),
])
def test_token_errors(plain, contract, body, code):
    alice = signed_in_session(plain)
    expect(contract, alice.post(plain + "/v1/tokens", json=body, timeout=10), 400, code)


def test_a_token_for_a_server_of_another_workspace_or_none(plain, contract):
    alice = signed_in_session(plain)
    expect(contract, alice.post(plain + "/v1/tokens", json={"name": "one server", "serverId": str(uuid.uuid4())}, timeout=10),
           404, "server_not_found")


@pytest.mark.parametrize("token", ["not-a-token-id", str(uuid.uuid4())])
def test_revoking_an_unknown_token(plain, contract, token):
    alice = signed_in_session(plain)
    expect(contract, alice.delete(plain + "/v1/tokens/" + token, timeout=10), 404, "not_found")


@pytest.mark.parametrize("query, code", [
    ({"actor": "someone"}, "invalid_actor"),
    ({"cursor": "!!not a cursor!!"}, "invalid_cursor"),
    ({"from": "yesterday"}, "invalid_from"),
    ({"to": "2026-13-45"}, "invalid_to"),
    ({"limit": "0"}, "invalid_limit"),
    ({"limit": "abc"}, "invalid_limit"),
])
def test_audit_filter_errors(plain, contract, query, code):
    alice = signed_in_session(plain)
    expect(contract, alice.get(plain + "/v1/audit", params=query, timeout=10), 400, code)


def test_account_errors(plain, contract):
    alice = signed_in_session(plain)
    expect(contract, alice.patch(plain + "/v1/account/profile", json={"displayName": "  "}, timeout=10), 400, "invalid_display_name")
    expect(contract, alice.delete(plain + "/v1/account", json={"confirm": "someone-else@example.com"}, timeout=10),
           422, "confirmation_mismatch")


def test_billing_is_off(plain, contract):
    alice = signed_in_session(plain)
    for path in OWNER_ONLY:
        expect(contract, alice.post(plain + path, json={"plan": "pro", "interval": "month"}, timeout=10), 409, "billing_off")
    expect(contract, webhook(plain, b"{}", stripe_signature(b"{}", WEBHOOK_SECRET)), 404, "billing_off")


# Broken providers.

@pytest.fixture(scope="module")
def broken(tmp_path_factory):
    """Mail (Resend) and SMS (Twilio) at a loopback port nothing listens on; billing on without a webhook secret."""
    nowhere = f"http://127.0.0.1:{free_port()}"
    env = dict(BMM_MAIL_PROVIDER="resend", RESEND_API_KEY="re_BmmFakeKey", BMM_MAIL_FROM="signin@example.com",
               RESEND_BASE_URL=nowhere, BMM_SMS_PROVIDER="twilio", TWILIO_ACCOUNT_SID="ACBmmFake0123456789",
               TWILIO_AUTH_TOKEN="BmmFakeAuthToken", TWILIO_FROM="+14155550100", TWILIO_BASE_URL=nowhere,
               STRIPE_API_BASE=nowhere, **STRIPE_ENV)
    with app(tmp_path_factory.mktemp("errors-broken"), env) as base:
        yield base


def test_providers_that_do_not_answer(broken, contract):
    client = visitor(broken)
    expect(contract, client.post(broken + "/v1/auth/magic-link", json={"email": "someone@example.com"}, timeout=30),
           503, "delivery_failed")
    expect(contract, client.post(broken + "/v1/auth/sms", json={"phone": phone_number()}, timeout=30), 503, "delivery_failed")
    expect(contract, webhook(broken, b"{}", stripe_signature(b"{}", WEBHOOK_SECRET)), 503, "webhook_not_configured")


def test_code_checks_per_address_are_limited(broken, contract):
    """30 code checks per address per 10 minutes (this app checks no other codes)."""
    client, phone = visitor(broken), phone_number()
    for _ in range(30):
        assert client.post(broken + "/v1/auth/sms/verify", json={"phone": phone, "code": "x"}, timeout=10).status_code == 400
    expect(contract, client.post(broken + "/v1/auth/sms/verify", json={"phone": phone, "code": "x"}, timeout=10), 429, "rate_limited")


# Billing against fake-stripe.

class app:
    """`bmm serve` on SQLite with extra settings (running_app's, plus `env`)."""

    def __init__(self, data, env, port=None):
        self.data, self.env, self.port = data, env, port

    def __enter__(self):
        port = self.port or free_port()
        self.base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, BMM_DATA_DIR=str(self.data), BMM_PORT=str(port), BMM_PUBLIC_URL=self.base,
                   BMM_SIGNIN_SENDS_PER_IP="1000", BMM_RELOAD="off", **self.env)
        env.pop("DATABASE_URL", None)
        self.log = open(self.data / "serve.log", "w")
        self.process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        try:
            wait_for(self.base + "/healthz")
        except Exception:
            self.__exit__()
            raise
        return self.base

    def __exit__(self, *_):
        self.process.terminate()
        self.process.wait(timeout=20)
        self.log.close()


class FakeStripe:
    """The `fake-stripe` product on `port` (0: any), sending its signed webhook events to `webhook`."""

    def __init__(self, data, webhook_url, port=0):
        assert FAKE_STRIPE.exists(), f"build it first: swift build --product fake-stripe ({FAKE_STRIPE})"
        self.log = open(data / f"fake-stripe-{time.time_ns()}.log", "w")
        self.process = subprocess.Popen([str(FAKE_STRIPE), str(port), "--webhook", webhook_url, "--webhook-secret", WEBHOOK_SECRET],
                                        stdout=subprocess.PIPE, stderr=self.log, text=True)
        self.port = int(self.process.stdout.readline())
        self.base = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.log.close()


@pytest.fixture(scope="module")
def billing(tmp_path_factory):
    """Yields (bmm base URL, a function that stops the fake, one that starts a fresh fake on its port, the SQLite file)."""
    data = tmp_path_factory.mktemp("errors-billing")
    port = free_port()
    fakes = [FakeStripe(data, f"http://127.0.0.1:{port}/v1/billing/webhook")]
    env = dict(STRIPE_API_BASE=fakes[0].base, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET, **STRIPE_ENV)
    try:
        with app(data, env, port) as base:
            def stop():
                fakes[-1].stop()

            def restart():
                fakes.append(FakeStripe(data, base + "/v1/billing/webhook", port=fakes[0].port))
            yield base, stop, restart, data / "bmm.sqlite"
    finally:
        if fakes[-1].process.poll() is None:
            fakes[-1].stop()


def subscribe(base, owner):
    """Buys Pro monthly through the fake's hosted Checkout; returns once Stripe's webhook made the workspace Pro."""
    checkout = owner.post(base + "/v1/billing/checkout-session", json={"plan": "pro", "interval": "month", "ui": "hosted"}, timeout=20)
    assert checkout.status_code == 200, checkout.text
    paid = requests.post(checkout.json()["url"].split("#")[0], data={}, allow_redirects=False, timeout=10)
    assert paid.status_code in (302, 303), paid.text
    deadline = time.time() + 30
    while owner.get(base + "/v1/auth/me", timeout=10).json()["plan"]["id"] != "pro":
        assert time.time() < deadline, "the webhook never made the workspace Pro"
        time.sleep(0.3)


def add_member(base, db, owner, member):
    """Makes `member` a member of `owner`'s workspace in the database: members come with Team, which this
    fake Stripe does not sell, and a workspace that moved from Team to Pro keeps the members it had."""
    def stored(value):
        # Fluent on SQLite keeps UUIDs as text, in the case it wrote them.
        with sqlite3.connect(db) as connection:
            (sample,) = connection.execute("SELECT id FROM users LIMIT 1").fetchone()
        return str(value).upper() if sample == sample.upper() else str(value).lower()
    owner_org = owner.get(base + "/v1/auth/me", timeout=10).json()["org"]["id"]
    user = member.get(base + "/v1/auth/me", timeout=10).json()["user"]["id"]
    with sqlite3.connect(db, timeout=10) as connection:
        connection.execute("INSERT INTO memberships (id, user_id, organization_id, role, created_at) VALUES (?, ?, ?, 'member', ?)",
                           (stored(uuid.uuid4()), stored(user), stored(owner_org), time.time()))
    # The member's browser moves to the workspace the way accepting an invitation does.
    switched = member.post(base + "/settings/workspace/switch", data={"organization": owner_org, "csrf": member.cookies.get("bmm_csrf")},
                           allow_redirects=False, timeout=10)
    assert switched.status_code == 303, switched.text[:300]


def test_billing_errors(billing, contract):
    base, stop_stripe, restart_stripe, db = billing
    owner, member, newcomer, unpaid = (signed_in_session(base) for _ in range(4))
    subscribe(base, owner)
    add_member(base, db, owner, member)
    now = int(time.time())

    def post(session, path, body=None, **kwargs):
        return session.post(base + path, json=body or {}, timeout=30, **kwargs)

    # The request itself is wrong.
    for path in OWNER_ONLY:
        expect(contract, post(unpaid, path, data=b"[1, 2]", headers={"Content-Type": "application/json"}), 400, "invalid_body")
    for path in ["/v1/billing/checkout-session", "/v1/billing/change-plan/preview", "/v1/billing/change-plan"]:
        expect(contract, post(unpaid, path, {"plan": "hobby", "interval": "month"}), 400, "invalid_plan")
        expect(contract, post(unpaid, path, {"plan": "pro", "interval": "weekly"}), 400, "invalid_interval")
        expect(contract, post(unpaid, path, {"plan": "team", "interval": "year", "prorationDate": now}), 409, "plan_unavailable")
    expect(contract, post(unpaid, "/v1/billing/checkout-session", {"plan": "pro", "interval": "month", "ui": "popup"}), 400, "invalid_ui")
    expect(contract, post(owner, "/v1/billing/change-plan", {"plan": "pro", "interval": "year", "prorationDate": now - 7200}),
           400, "invalid_proration_date")

    # Only owners change billing.
    for path in OWNER_ONLY:
        expect(contract, post(member, path, {"plan": "pro", "interval": "year"}), 403, "owner_required")
    # The last owner of a workspace with other members cannot leave it ownerless.
    expect(contract, owner.delete(base + "/v1/account", json={"confirm": owner.email}, timeout=10), 409, "transfer_ownership_first")

    # The workspace's state does not allow it.
    expect(contract, post(owner, "/v1/billing/checkout-session", {"plan": "pro", "interval": "year"}), 409, "already_subscribed")
    expect(contract, post(owner, "/v1/billing/change-plan/preview", {"plan": "pro", "interval": "month"}), 409, "same_plan")
    expect(contract, post(owner, "/v1/billing/change-plan", {"plan": "pro", "interval": "month", "prorationDate": now}), 409, "same_plan")
    expect(contract, post(newcomer, "/v1/billing/portal"), 409, "no_customer")
    for path in ["/v1/billing/cancel", "/v1/billing/reactivate", "/v1/billing/change-plan/preview", "/v1/billing/change-plan"]:
        expect(contract, post(newcomer, path, {"plan": "pro", "interval": "year", "prorationDate": now}), 409, "no_subscription")

    # Stripe refuses a price it does not have.
    team = {"plan": "team", "interval": "month", "prorationDate": now}
    expect(contract, post(unpaid, "/v1/billing/checkout-session", team), 502, "stripe_error")
    expect(contract, post(owner, "/v1/billing/change-plan/preview", team), 502, "stripe_error")
    expect(contract, post(owner, "/v1/billing/change-plan", team), 502, "stripe_error")

    # Stripe does not answer.
    stop_stripe()
    pro_yearly = {"plan": "pro", "interval": "year", "prorationDate": now}
    expect(contract, post(newcomer, "/v1/billing/checkout-session", pro_yearly), 503, "stripe_unavailable")
    for path in OWNER_ONLY[1:]:
        expect(contract, post(owner, path, pro_yearly), 503, "stripe_unavailable")

    # A Stripe that knows neither the workspace's customer nor its subscription refuses what names them.
    restart_stripe()
    # The HTTP client backs off from an address it could not connect to (longer after each failure above),
    # answering stripe_unavailable meanwhile; Stripe's return shows within seconds.
    deadline = time.time() + 30
    while post(owner, "/v1/billing/portal").status_code == 503:
        assert time.time() < deadline, "Stripe never came back"
        time.sleep(0.5)
    for path in ["/v1/billing/portal", "/v1/billing/cancel", "/v1/billing/reactivate"]:
        expect(contract, post(owner, path), 502, "stripe_error")


@pytest.mark.parametrize("payload, secret, code", [
    (b'{"id": "evt_1", "object": "event"}', "whsec_SomeOtherEndpoint", "invalid_signature"),
    (b'{"no": "event"}', WEBHOOK_SECRET, "malformed_event"),
])
def test_webhook_errors(billing, contract, payload, secret, code):
    base, _, _, _ = billing
    expect(contract, webhook(base, payload, stripe_signature(payload, secret)), 400, code)


def test_every_documented_code_of_the_slice_was_produced(contract):
    documented = {entry for entry in contract.documented_codes() if in_slice(*entry)}
    missing = sorted(documented - SEEN)
    assert not missing, "documented but never produced:\n" + "\n".join(" ".join(entry) for entry in missing)

"""The real `bmm serve` with billing on receives Stripe events signed by stripe-python's own helper
(`stripe.WebhookSignature.generate_signature_header`, run with BMM_BILLING_PYTHON): a subscription sets the
workspace's plan, a second delivery is a duplicate, and a body or secret that does not match is refused. A failed
payment's email goes out through the mail queue after the webhook answered, however slow the mail provider."""
import json
import os
import re
import sqlite3
import subprocess
import time
import uuid

import pytest
import requests

from accounts import signed_in_session
from conftest import BINARY, ROOT, free_port, wait_for
from providers import Recorder

WEBHOOK_SECRET = "whsec_BmmFakeE2EWebhookSecretOnly"
PRO_MONTHLY = "price_1BmmFakeE2EProMonthly"
PYTHON = os.environ.get("BMM_BILLING_PYTHON")

HAVE_STRIPE_PYTHON = bool(PYTHON) and os.access(PYTHON, os.X_OK)
if not HAVE_STRIPE_PYTHON and os.environ.get("BMM_REQUIRE_STRIPE_PYTHON") == "1":
    raise RuntimeError("BMM_REQUIRE_STRIPE_PYTHON is set but BMM_BILLING_PYTHON names no Python with PyPI stripe")
pytestmark = pytest.mark.skipif(not HAVE_STRIPE_PYTHON, reason="BMM_BILLING_PYTHON names no Python with PyPI stripe")


def stripe_signature(payload, secret):
    """The Stripe-Signature header stripe-python generates for `payload`."""
    script = ("import sys, stripe; payload = sys.stdin.read(); "
              "print(stripe.WebhookSignature.generate_signature_header(payload, sys.argv[1]))")
    done = subprocess.run([PYTHON, "-c", script, secret], input=payload, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def slow_mail():
    """A Postmark stand-in that takes 6 s to accept a payment-failed email (a sign-in link at once)."""
    stand_in = Recorder(200, {"ErrorCode": 0, "Message": "OK", "MessageID": "b7bc2f4a-e2e"},
                        delay=lambda body: 6 if "Payment failed" in body else 0)
    yield stand_in
    stand_in.close()


def emails(stand_in):
    return [json.loads(request["body"]) for request in stand_in.requests]


def emailed_link(stand_in):
    """Reads a sign-in link from the emails the stand-in accepted (for `signed_in_session`)."""
    def link(_server, address):
        sent = next(email for email in emails(stand_in) if email["To"] == address)
        return re.search(r"https?://\S+/auth/magic\?token=\S+", sent["TextBody"]).group(0)
    return link


@pytest.fixture
def billing_server(tmp_path):
    yield from run_billing_server(tmp_path, {})


def run_billing_server(tmp_path, extra_env):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path / "data"
    env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_RELOAD="off",
               BMM_SIGNIN_SENDS_PER_IP="1000",
               STRIPE_SECRET_KEY="sk_test_51BmmFakeE2ESecretKey0123456789abcdef",
               STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
               # Nothing listens there: the webhook must answer without calling Stripe.
               STRIPE_API_BASE=f"http://127.0.0.1:{free_port()}",
               STRIPE_PRICE_PRO_MONTHLY=PRO_MONTHLY, STRIPE_PRICE_PRO_YEARLY="price_1BmmFakeE2EProYearly",
               STRIPE_PRICE_TEAM_MONTHLY="price_1BmmFakeE2ETeamMonthly", STRIPE_PRICE_TEAM_YEARLY="price_1BmmFakeE2ETeamYearly")
    env.update(extra_env)
    env.pop("DATABASE_URL", None)
    data.mkdir()
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(base + "/healthz")
        yield base, data / "bmm.sqlite"
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def add_customer(database, organization_id, customer):
    """What the billing API does before Checkout: the workspace's Stripe customer row. Ids and times are written
    in the formats the app's own rows use."""
    with sqlite3.connect(database, timeout=10) as db:
        org_id, created = db.execute("SELECT id, created_at FROM organizations WHERE lower(hex(id)) = ? OR lower(id) = ?",
                                     (organization_id.replace("-", "").lower(), organization_id.lower())).fetchone()
        row_id = uuid.uuid4().bytes if isinstance(org_id, bytes) else str(uuid.uuid4()).upper()
        db.execute("INSERT INTO subscriptions (id, organization_id, stripe_customer_id, cancel_at_period_end, "
                   "failed_payment_attempts, created_at, updated_at) VALUES (?, ?, ?, 0, 0, ?, ?)",
                   (row_id, org_id, customer, created, created))


def subscription_event(event_id, customer, created):
    return json.dumps({
        "id": event_id, "object": "event", "api_version": "2026-10-28.endive", "created": created, "livemode": False,
        "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}, "type": "customer.subscription.created",
        "data": {"object": {
            "id": "sub_BmmFakeE2E", "object": "subscription", "customer": customer, "status": "active",
            "cancel_at_period_end": False, "created": created, "metadata": {},
            "items": {"object": "list", "has_more": False, "data": [{
                "id": "si_BmmFakeE2E", "object": "subscription_item", "quantity": 1,
                "current_period_start": created, "current_period_end": created + 2_592_000,
                "price": {"id": PRO_MONTHLY, "object": "price", "recurring": {"interval": "month", "interval_count": 1}},
            }]},
        }},
    }, indent=2)


def post(base, payload, signature):
    return requests.post(base + "/v1/billing/webhook", data=payload.encode(), timeout=10,
                         headers={"Content-Type": "application/json; charset=utf-8", "Stripe-Signature": signature})


def test_stripe_python_signed_events_apply_once(billing_server):
    base, database = billing_server
    session = signed_in_session(base)
    me = session.get(base + "/v1/auth/me", timeout=10).json()
    assert me["plan"]["id"] == "hobby"
    customer = "cus_BmmFakeE2E" + uuid.uuid4().hex[:8]
    add_customer(database, me["org"]["id"], customer)
    payload = subscription_event("evt_BmmFakeE2E" + uuid.uuid4().hex[:8], customer, int(time.time()))

    tampered = post(base, payload.replace(PRO_MONTHLY, "price_1BmmFakeE2ETeamYearly"), stripe_signature(payload, WEBHOOK_SECRET))
    wrong_secret = post(base, payload, stripe_signature(payload, "whsec_BmmFakeSomeOtherEndpoint"))
    for refused in (tampered, wrong_secret):
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"] == "invalid_signature"
        assert "whsec_" not in refused.text

    first = post(base, payload, stripe_signature(payload, WEBHOOK_SECRET))
    assert first.status_code == 200, first.text
    assert first.json()["outcome"] == "applied"
    assert session.get(base + "/v1/auth/me", timeout=10).json()["plan"]["id"] == "pro"

    again = post(base, payload, stripe_signature(payload, WEBHOOK_SECRET))
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"


def invoice_failed_event(event_id, customer, created):
    return json.dumps({
        "id": event_id, "object": "event", "api_version": "2026-10-28.endive", "created": created, "livemode": False,
        "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None}, "type": "invoice.payment_failed",
        "data": {"object": {
            "id": "in_BmmFakeE2E" + event_id[-8:], "object": "invoice", "customer": customer, "created": created,
            "amount_due": 1900, "amount_paid": 0, "amount_remaining": 1900, "attempt_count": 1, "attempted": True,
            "billing_reason": "subscription_cycle", "collection_method": "charge_automatically", "currency": "eur",
            "status": "open", "total": 1900, "period_start": created - 2_592_000, "period_end": created,
            "next_payment_attempt": created + 259_200,
            "parent": {"type": "subscription_details", "quote_details": None,
                       "subscription_details": {"metadata": {}, "subscription": "sub_BmmFakeE2E"}},
            "lines": {"object": "list", "has_more": False, "data": [{
                "id": "il_BmmFakeE2E", "object": "line_item", "amount": 1900, "currency": "eur",
                "parent": {"type": "subscription_item_details", "subscription_item_details": {
                    "proration": False, "subscription": "sub_BmmFakeE2E", "subscription_item": "si_BmmFakeE2E"}},
                "period": {"start": created, "end": created + 2_592_000},
            }]},
        }},
    }, indent=2)


@pytest.fixture
def billing_server_with_slow_mail(tmp_path, slow_mail):
    """`billing_server` whose email goes to the slow Postmark stand-in."""
    yield from run_billing_server(tmp_path, {
        "BMM_MAIL_PROVIDER": "postmark", "POSTMARK_BASE_URL": slow_mail.url,
        "POSTMARK_SERVER_TOKEN": "postmark-token-e2e-only", "BMM_MAIL_FROM": "billing@example.com"})


def test_a_failed_payment_is_answered_at_once_and_emailed_after(billing_server_with_slow_mail, slow_mail):
    base, database = billing_server_with_slow_mail
    session = signed_in_session(base, link_for=emailed_link(slow_mail))
    me = session.get(base + "/v1/auth/me", timeout=10).json()
    customer = "cus_BmmFakeE2E" + uuid.uuid4().hex[:8]
    add_customer(database, me["org"]["id"], customer)
    now = int(time.time())
    subscribed = subscription_event("evt_BmmFakeE2E" + uuid.uuid4().hex[:8], customer, now - 60)
    assert post(base, subscribed, stripe_signature(subscribed, WEBHOOK_SECRET)).status_code == 200

    failed = invoice_failed_event("evt_BmmFakeE2E" + uuid.uuid4().hex[:8], customer, now)
    started = time.monotonic()
    answer = post(base, failed, stripe_signature(failed, WEBHOOK_SECRET))
    answered_in = time.monotonic() - started

    # Stripe is answered before the mail provider has accepted anything (it takes 6 s)
    assert answer.status_code == 200, answer.text
    assert answer.json()["outcome"] == "applied"
    assert answered_in < 3, answered_in
    # and the email reaches the provider after, from the serve process's queue
    deadline = time.monotonic() + 30
    notices = []
    while time.monotonic() < deadline and not notices:
        notices = [e for e in emails(slow_mail) if "Payment failed" in e.get("Subject", "")]
        time.sleep(0.2)
    assert len(notices) == 1, emails(slow_mail)
    assert notices[0]["To"] == session.email and notices[0]["From"] == "billing@example.com"
    assert "attempt 1" in notices[0]["TextBody"] and base + "/settings/billing" in notices[0]["TextBody"]
    with sqlite3.connect(database, timeout=10) as db:
        assert db.execute("SELECT count(*) FROM queued_emails").fetchone()[0] == 0

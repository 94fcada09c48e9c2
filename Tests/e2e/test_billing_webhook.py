"""The real `bmm serve` with billing on receives Stripe events signed by stripe-python's own helper
(`stripe.WebhookSignature.generate_signature_header`, run with BMM_BILLING_PYTHON): a subscription sets the
workspace's plan, a second delivery is a duplicate, and a body or secret that does not match is refused."""
import json
import os
import sqlite3
import subprocess
import time
import uuid

import pytest
import requests

from accounts import signed_in_session
from conftest import BINARY, ROOT, free_port, wait_for

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
def billing_server(tmp_path):
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

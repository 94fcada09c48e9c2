"""The real provider clients, wired into the app, against local servers that
speak the providers' HTTP APIs on 127.0.0.1."""
import base64
import json
import os
import subprocess
import urllib.parse
import uuid

import requests

from conftest import BINARY, ROOT, free_port, wait_for
from providers import Recorder


def run_app(tmp_path, env_extra):
    port = free_port()
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "data"), BMM_PORT=str(port), **env_extra)
    env.pop("DATABASE_URL", None)
    log = open(tmp_path / "serve.log", "w")
    process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    wait_for(base + "/healthz")
    return process, base, log


def stop(process, log):
    process.terminate()
    process.wait(timeout=20)
    log.close()


def postmark_app(tmp_path, provider):
    return run_app(tmp_path, {"BMM_MAIL_PROVIDER": "postmark", "POSTMARK_BASE_URL": provider.url,
                              "POSTMARK_SERVER_TOKEN": "test-token-not-real", "BMM_MAIL_FROM": "login@example.com"})


def resend_app(tmp_path, provider):
    return run_app(tmp_path, {"BMM_MAIL_PROVIDER": "resend", "RESEND_BASE_URL": provider.url,
                              "RESEND_API_KEY": "re_test_not_real", "BMM_MAIL_FROM": "login@example.com"})


def test_postmark_receives_the_magic_link(tmp_path):
    provider = Recorder(200, {"ErrorCode": 0, "Message": "OK", "MessageID": "x"})
    process, base, log = postmark_app(tmp_path, provider)
    try:
        email = f"p-{uuid.uuid4().hex[:6]}@example.com"
        response = requests.post(base + "/v1/auth/magic-link", json={"email": email}, timeout=10)
        assert response.status_code == 202
        (request,) = provider.requests
        assert request["path"] == "/email"
        assert request["headers"]["X-Postmark-Server-Token"] == "test-token-not-real"
        sent = json.loads(request["body"])
        assert sent["To"] == email and sent["From"] == "login@example.com"
        assert base + "/auth/magic?token=" in sent["TextBody"]
        # nothing lands in the development outbox when a provider is set
        assert requests.get(base + "/dev/outbox.json", timeout=10).json()["messages"] == []
    finally:
        stop(process, log)
        provider.close()
    assert "test-token-not-real" not in (tmp_path / "serve.log").read_text()


def test_resend_rejection_is_a_clear_503_without_secrets_in_logs(tmp_path):
    provider = Recorder(422, {"name": "validation_error", "message": "Invalid `to` field"})
    process, base, log = resend_app(tmp_path, provider)
    try:
        email = f"r-{uuid.uuid4().hex[:6]}@example.com"
        response = requests.post(base + "/v1/auth/magic-link", json={"email": email}, timeout=10)
        assert response.status_code == 503
        assert response.json()["error"] == "delivery_failed"
        # a refusal of this address: waiting will not help, another address may
        assert "refused to send to this address" in response.json()["message"]
        assert "Retry-After" not in response.headers
        (request,) = provider.requests
        assert request["path"] == "/emails"
        assert request["headers"]["Authorization"] == "Bearer re_test_not_real"
        assert json.loads(request["body"])["to"] == [email]
    finally:
        stop(process, log)
        provider.close()
    logged = (tmp_path / "serve.log").read_text()
    assert "re_test_not_real" not in logged and email not in logged


def test_a_refusal_of_our_key_is_said_to_be_ours_and_logged_for_the_operator(tmp_path):
    provider = Recorder(403, {"statusCode": 403, "name": "invalid_api_key", "message": "API key is invalid"})
    process, base, log = resend_app(tmp_path, provider)
    try:
        email = f"k-{uuid.uuid4().hex[:6]}@example.com"
        response = requests.post(base + "/v1/auth/magic-link", json={"email": email}, timeout=10)
        assert response.status_code == 503
        body = response.json()
        assert body["error"] == "delivery_failed"
        # not "check your address for typos": nothing the person typed is at fault
        assert "problem on our side, not with your address" in body["message"], body
        assert response.headers["Retry-After"] == "600"
    finally:
        stop(process, log)
        provider.close()
    logged = (tmp_path / "serve.log").read_text()
    # the operator reads what the provider said, without the key or the address
    assert "refused our account (HTTP 403, code invalid_api_key)" in logged, logged[-2000:]
    assert "re_test_not_real" not in logged and email not in logged


def test_sends_the_provider_could_not_make_do_not_use_up_the_sign_in_limit(tmp_path):
    # A provider that is down: each request is told to try again in a minute, and doing so is not refused as "too
    # many attempts" (3 per address and browser in 10 minutes), since no message ever went out.
    provider = Recorder(503, {"ErrorCode": 0, "Message": "Service unavailable"})
    process, base, log = postmark_app(tmp_path, provider)
    try:
        email = f"d-{uuid.uuid4().hex[:6]}@example.com"
        answers = [requests.post(base + "/v1/auth/magic-link", json={"email": email}, timeout=30) for _ in range(5)]
        assert [answer.status_code for answer in answers] == [503] * 5, [(a.status_code, a.text[:200]) for a in answers]
        assert all(answer.json()["error"] == "delivery_failed" for answer in answers)
        assert len(provider.requests) == 5
    finally:
        stop(process, log)
        provider.close()


def test_twilio_receives_the_code(tmp_path):
    provider = Recorder(201, {"sid": "SM123", "status": "queued"})
    process, base, log = run_app(tmp_path, {"BMM_SMS_PROVIDER": "twilio", "TWILIO_BASE_URL": provider.url,
                                            "TWILIO_ACCOUNT_SID": "AC0123456789abcdef", "TWILIO_AUTH_TOKEN": "twilio-token-not-real",
                                            "TWILIO_FROM": "+15005550006"})
    try:
        response = requests.post(base + "/v1/auth/sms", json={"phone": "+41791234567"}, timeout=10)
        assert response.status_code == 202
        (request,) = provider.requests
        assert request["path"] == "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
        user, password = base64.b64decode(request["headers"]["Authorization"].split()[1]).decode().split(":")
        assert (user, password) == ("AC0123456789abcdef", "twilio-token-not-real")
        assert "To=%2B41791234567" in request["body"]
        form = urllib.parse.parse_qs(request["body"])
        assert form["From"] == ["+15005550006"]
        assert form["Body"][0][:6].isdigit()
    finally:
        stop(process, log)
        provider.close()


def test_a_provider_without_its_key_stops_start_up_with_the_name(tmp_path):
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "data"), BMM_MAIL_PROVIDER="postmark")
    result = subprocess.run([BINARY, "serve"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "POSTMARK_SERVER_TOKEN" in result.stderr and "BMM_MAIL_FROM" in result.stderr

"""Schemathesis against /openapi.json on loopback (an app of its own), once signed in with a session
cookie (and its CSRF header) only and once with an API token only: no 5xx, every answer's status,
content type and body as documented. Then which documented error codes the fuzzing produced.

Left out of fuzzing, each for a reason:
- DELETE /v1/account deletes the signed-in account, and POST /v1/auth/logout ends the session:
  either would turn the rest of the run into 401s (both are exercised in test_openapi.py / test_accounts.py).
- GET …/log/ws is a WebSocket upgrade, which Schemathesis does not speak (test_build_log.py covers it).
- POST /oauth/authorize is the browser's consent form (test_oauth.py drives it)."""
import json
import os
import pathlib
import subprocess
import sys
import tempfile

import pytest
import requests

from accounts import signed_in_session
from conftest import running_app
from openapi_contract import SEEN, Contract

SCHEMATHESIS = str(pathlib.Path(sys.executable).parent / "schemathesis")
REPORTS = pathlib.Path(os.environ.get("BMM_REPORTS", tempfile.gettempdir() + "/bmm-reports"))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXCLUDED = ["deleteAccount", "logout", "buildLogSocket", "authorizeDecision"]
EXAMPLES = os.environ.get("BMM_FUZZ_EXAMPLES", "12")


def fuzz(server, name, schemes, headers=None):
    """Runs Schemathesis signed in with exactly the security `schemes` given (name -> TOML table body), so it
    drops the credentials it would otherwise make up for the other scheme (a random session cookie beside a
    token is a CSRF failure, a random token beside a session an invalid_token); returns its exit code, its
    output and the HAR file of every exchange."""
    # One worker: Hypothesis parses lambda sources with ast.parse, and on CPython 3.11 (Debian 12's and CI's)
    # two threads doing that at once can fail with "AST constructor recursion depth mismatch"
    # (python/cpython#106905), which crashed a CI run. Generation holds the GIL anyway: one worker
    # generated 2,285 cases in the 50 s budget where four generated 2,179.
    har = REPORTS / f"schemathesis-{name}.har"
    REPORTS.mkdir(parents=True, exist_ok=True)
    config = REPORTS / f"schemathesis-{name}.toml"
    config.write_text("".join(f"[auth.openapi.{scheme}]\n{body}\n" for scheme, body in schemes.items()))
    command = [SCHEMATHESIS, "--config-file", str(config), "run", server + "/openapi.json", "--url", server, "--checks", CHECKS,
               "--max-examples", EXAMPLES, "--seed", "16", "--phases", "examples,coverage,fuzzing", "--workers", "1",
               "--request-timeout", "20", "--max-time", "50", "--report", "har", "--report-har-path", str(har),
               "--suppress-health-check", "all", "--no-color"]
    for operation_id in EXCLUDED:
        command += ["--exclude-operation-id", operation_id]
    for header, value in (headers or {}).items():
        command += ["--header", f"{header}: {value}"]
    # In the reports folder: Schemathesis keeps its cache (.schemathesis) in the working directory.
    run = subprocess.run(command, cwd=REPORTS, capture_output=True, text=True, timeout=170)
    return run.returncode, run.stdout + run.stderr, har


def record(har, contract):
    """Adds the error codes of every JSON error answer in `har` to SEEN."""
    for entry in json.loads(har.read_text())["log"]["entries"]:
        text = entry["response"]["content"].get("text") or ""
        try:
            body = json.loads(text)
        except ValueError:
            continue
        if isinstance(body, dict) and isinstance(body.get("error"), str):
            method = entry["request"]["method"]
            path = "/" + entry["request"]["url"].split("/", 3)[3].split("?")[0]
            try:
                template, _ = contract.operation(method, path)
            except AssertionError:
                continue
            SEEN.add((method, template, str(entry["response"]["status"]), body["error"]))


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory):
    """An app of its own: thousands of requests use up per-address rate limits (client registrations,
    sign-ins) that the other tests on the shared server need."""
    with running_app(tmp_path_factory.mktemp("fuzz-data")) as base:
        yield base


@pytest.fixture(scope="module")
def contract(fuzzed):
    return Contract(requests.get(fuzzed + "/openapi.json", timeout=10).json())


def test_schemathesis_with_a_signed_in_session(fuzzed, contract):
    alice = signed_in_session(fuzzed)
    session, csrf = alice.cookies.get("bmm_session"), alice.cookies.get("bmm_csrf")
    # The CSRF check compares the header with the bmm_csrf cookie, which no security scheme carries:
    # the Cookie header holds both cookies (an explicit Cookie header wins over generated ones).
    code, output, har = fuzz(fuzzed, "session", {"sessionCookie": f'api_key = "{session}"', "csrfHeader": f'api_key = "{csrf}"'},
                             {"Cookie": f"bmm_session={session}; bmm_csrf={csrf}"})
    record(har, contract)
    assert code == 0, output[-6000:]


def test_schemathesis_with_an_api_token(fuzzed, contract):
    alice = signed_in_session(fuzzed)
    token = alice.post(fuzzed + "/v1/tokens", json={"name": "fuzz", "scopes": ["api"]}, timeout=10).json()["token"]
    code, output, har = fuzz(fuzzed, "token", {"bearerToken": f'bearer = "{token}"'})
    record(har, contract)
    assert code == 0, output[-6000:]


def test_documented_error_codes_are_produced(contract):
    """Writes which documented error codes were produced (the report lists the rest); nothing undocumented
    was produced, and each everyday error status was: upstream failures (502–504) and expiries (410) need
    a broken provider or a day's wait, and test_drafting.py / test_faults.py produce those."""
    documented = contract.documented_codes()
    seen = {entry for entry in SEEN if entry in documented}
    missing = sorted(documented - seen)
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / "openapi-error-coverage.json").write_text(json.dumps({
        "documented": len(documented), "produced": len(seen),
        "produced_codes": sorted(" ".join(entry) for entry in seen),
        "not_produced": [" ".join(entry) for entry in missing],
    }, indent=2))
    undocumented = sorted(entry for entry in SEEN if entry not in documented and entry[1].startswith("/v1/"))
    assert not undocumented, f"produced but not documented: {undocumented}"
    everyday = {"400", "401", "403", "404", "409", "415", "422"}
    produced = {entry[2] for entry in seen}
    assert everyday <= produced, f"error statuses never produced: {everyday - produced}"
    assert len(seen) >= 40, f"only {len(seen)} of {len(documented)} documented error codes were produced"

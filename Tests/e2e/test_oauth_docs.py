"""The "OAuth 2.1 flow" docs page, run as written: every bash block of
Content/docs/oauth.md in order, against the running app, with the one browser
step (approving consent) done by a signed-in session in between."""
import json
import re
import shlex
import subprocess
import uuid

from accounts import signed_in_session
from conftest import ROOT
from test_mcp import SPEC, create_token

DOC = ROOT / "Content" / "docs" / "oauth.md"


def bash_blocks():
    return re.findall(r"```bash\n(.*?)```", DOC.read_text(), re.S)


def run(script, cwd):
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_oauth_walkthrough_runs_as_documented(server, tmp_path):
    session = signed_in_session(server)
    created = session.post(server + "/v1/servers", json={"spec": dict(SPEC, slug=f"doc-{uuid.uuid4().hex[:8]}"), "secrets": {}}, timeout=30).json()
    server_id = created["id"].lower()
    for _ in range(100):
        if session.get(f"{server}/v1/servers/{server_id}", timeout=10).json()["status"] == "active":
            break
    blocks = bash_blocks()
    assert len(blocks) >= 11, "the walkthrough lost steps"
    setup, *steps = blocks
    # Point the walkthrough at this app and this server.
    setup = setup.replace('"https://buildmymcpserver.com"', shlex.quote(server)).replace('"your-server-id"', shlex.quote(server_id))
    state = tmp_path / "vars.sh"
    save = f"\ndeclare -p HOST SERVER_ID RESOURCE SCOPE CLIENT_ID REDIRECT_URI CODE_VERIFIER CODE_CHALLENGE STATE AUTH_URL > {state}\n"

    # Steps 1-6: 401, metadata, registration, PKCE, the authorization URL.
    split = next(index for index, step in enumerate(steps) if "AUTH_URL=" in step) + 1
    out = run(setup + "\n" + "\n".join(steps[:split]) + save, tmp_path)
    assert "401 Unauthorized" in out and "resource_metadata=" in out
    variables = state.read_text()
    auth_url = re.search(r'AUTH_URL="([^"]+)"', variables).group(1)

    # The browser step: the signed-in person approves on the consent page.
    page = session.get(auth_url, timeout=10)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page.text))
    fields = {name: value.replace("&amp;", "&") for name, value in fields.items()}
    approved = session.post(server + "/oauth/authorize", data=dict(fields, decision="approve"), allow_redirects=False, timeout=10)
    assert approved.status_code == 303, approved.text
    location = approved.headers["Location"]
    code = re.search(r"[?&]code=([^&]+)", location).group(1)
    assert f"iss={server}" in location.replace("%3A", ":").replace("%2F", "/")

    # Steps 7-10 with the code pasted in, then the personal-token example.
    token = create_token(session, server, "docs walkthrough")
    rest = "\n".join(step.replace('CODE="paste-the-code-here"', f"CODE={shlex.quote(code)}") for step in steps[split:])
    out = run(f"source {state}\nBMM_TOKEN={shlex.quote(token)}\n" + rest, tmp_path)
    tokens = json.loads((tmp_path / "tokens.json").read_text())
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
    assert len(re.findall(r'"name":\s*"add"', out)) == 2, "tools/list answered with the OAuth token and with the personal token"
    assert "\n200\n" in "\n" + out, "revocation answered 200"

"""A browser-based MCP client, as the MCP Inspector or a web app runs one: a page on its own
origin discovers OAuth from the hosted endpoint's 401, registers, sends the person to the
consent page, exchanges the code and calls a tool, all with `fetch` in headless Chromium.
Only a browser enforces CORS, so only a browser can show that the answers are readable by the
pages BMM_MCP_BROWSER_ORIGINS lists, and by no other page."""
import http.server
import json
import threading
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import free_port, make_browser, running_app, screenshot
from test_mcp import make_hosted

# The client under test: plain `fetch`, nothing from the MCP SDKs, so every header it reads is one
# the server exposed. `/start` runs discovery and leaves for the consent page; `/callback` finishes.
CLIENT_PAGE = """<!doctype html><meta charset="utf-8"><title>Browser MCP client</title><body><script>
const params = new URLSearchParams(location.search);
const report = (id, value) => {
  const element = document.createElement("pre");
  element.id = id;
  element.textContent = typeof value === "string" ? value : JSON.stringify(value);
  document.body.append(element);
};
const base64url = bytes => btoa(String.fromCharCode(...bytes)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
const initialize = {jsonrpc: "2.0", id: 1, method: "initialize",
  params: {protocolVersion: "2025-06-18", capabilities: {}, clientInfo: {name: "browser-client", version: "1"}}};
const json = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"};

async function start() {
  const endpoint = params.get("endpoint");
  const refused = await fetch(endpoint, {method: "POST", headers: json, body: JSON.stringify(initialize)});
  const challenge = refused.headers.get("WWW-Authenticate") || "";
  report("challenge", refused.status + " " + challenge);
  const metadataURL = /resource_metadata="([^"]+)"/.exec(challenge)[1];
  const discovery = {headers: {"MCP-Protocol-Version": "2025-06-18"}};
  const resource = await (await fetch(metadataURL, discovery)).json();
  const issuer = resource.authorization_servers[0];
  const server = await (await fetch(issuer + "/.well-known/oauth-authorization-server", discovery)).json();
  const redirect = location.origin + "/callback";
  const registered = await fetch(server.registration_endpoint, {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({client_name: "Browser MCP client", redirect_uris: [redirect], token_endpoint_auth_method: "none",
                          grant_types: ["authorization_code", "refresh_token"], response_types: ["code"]})});
  const client = (await registered.json()).client_id;
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const codeChallenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem("flow", JSON.stringify({verifier, state, client, redirect, endpoint, resource: resource.resource,
                                                 token: server.token_endpoint}));
  location.href = server.authorization_endpoint + "?" + new URLSearchParams({
    response_type: "code", client_id: client, redirect_uri: redirect, code_challenge: codeChallenge,
    code_challenge_method: "S256", state, scope: resource.scopes_supported.join(" "), resource: resource.resource});
}

async function finish() {
  const flow = JSON.parse(sessionStorage.getItem("flow"));
  if (params.get("state") !== flow.state) throw new Error("state " + params.get("state"));
  const exchanged = await fetch(flow.token, {method: "POST", body: new URLSearchParams({
    grant_type: "authorization_code", code: params.get("code"), redirect_uri: flow.redirect, client_id: flow.client,
    code_verifier: flow.verifier, resource: flow.resource})});
  const tokens = await exchanged.json();
  if (!tokens.access_token) throw new Error("token " + JSON.stringify(tokens));
  const headers = {...json, "Authorization": "Bearer " + tokens.access_token};
  const opened = await fetch(flow.endpoint, {method: "POST", headers, body: JSON.stringify(initialize)});
  const session = opened.headers.get("Mcp-Session-Id");
  const version = (await opened.json()).result.protocolVersion;
  const inSession = {...headers, "Mcp-Session-Id": session, "MCP-Protocol-Version": version};
  await fetch(flow.endpoint, {method: "POST", headers: inSession, body: JSON.stringify({jsonrpc: "2.0", method: "notifications/initialized"})});
  const called = await fetch(flow.endpoint, {method: "POST", headers: inSession,
    body: JSON.stringify({jsonrpc: "2.0", id: 2, method: "tools/call", params: {name: "add", arguments: {a: 2, b: 3}}})});
  const ended = await fetch(flow.endpoint, {method: "DELETE", headers: inSession});
  report("result", {session: Boolean(session), version, call: await called.json(), ended: ended.status});
}

async function tokenOnly() {
  const response = await fetch(params.get("endpoint"), {method: "POST", body: JSON.stringify(initialize),
    headers: {...json, "Authorization": "Bearer " + params.get("token")}});
  report("result", {status: response.status, session: Boolean(response.headers.get("Mcp-Session-Id"))});
}

const run = {"/start": start, "/callback": finish, "/token": tokenOnly}[location.pathname];
run().catch(error => report("failure", String(error)));
</script>
"""


class ClientApp:
    """The web app's own origin: serves the client page at every path it uses."""

    def __init__(self, port):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(CLIENT_PAGE.encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    """An app that lets one page origin call its hosted servers, and that page's web server."""
    port = free_port()
    page_origin = f"http://127.0.0.1:{port}"
    client_app = ClientApp(port)
    try:
        with running_app(tmp_path_factory.mktemp("browser-client"), BMM_MCP_BROWSER_ORIGINS=page_origin) as base:
            yield make_hosted(base), page_origin
    finally:
        client_app.close()


def outcome(driver, name):
    try:
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "result") or d.find_elements(By.ID, "failure"))
    except Exception:
        screenshot(driver, f"browser-client-{name}-stuck")
        raise AssertionError(f"the page reported nothing; it is at {driver.current_url}: {driver.page_source[:800]}")
    failures = driver.find_elements(By.ID, "failure")
    return None if failures else driver.find_element(By.ID, "result").text, failures[0].text if failures else None


def test_a_listed_page_discovers_oauth_signs_in_and_calls_a_tool(setup):
    hosted, page_origin = setup
    driver = make_browser()
    try:
        # given: the person is signed in to BuildMyMCPServer in this browser
        driver.get(hosted.base + "/login")
        for cookie in hosted.session.cookies:
            driver.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})

        # when: the web client starts from the endpoint alone, and the person allows it
        driver.get(f"{page_origin}/start?" + urllib.parse.urlencode({"endpoint": hosted.endpoint}))
        WebDriverWait(driver, 20).until(lambda d: d.current_url.startswith(hosted.base + "/oauth/authorize")
                                        or d.find_elements(By.ID, "failure"))
        assert driver.current_url.startswith(hosted.base), driver.find_element(By.ID, "failure").text
        driver.find_element(By.CSS_SELECTOR, "button[name='decision'][value='approve']").click()

        # then: back on its page, it exchanged the code and called the tool, reading every answer
        result, failure = outcome(driver, "oauth")
        assert failure is None, failure
        answer = json.loads(result)
        assert answer["session"] and answer["ended"] == 204, answer
        assert answer["call"]["result"]["structuredContent"] == {"sum": 5}, answer
    finally:
        driver.quit()


def test_an_unlisted_page_cannot_read_an_answer_even_with_a_valid_token(setup):
    hosted, page_origin = setup
    driver = make_browser()
    try:
        # given: the same page served under another origin (localhost, not 127.0.0.1)
        other = page_origin.replace("127.0.0.1", "localhost")
        query = urllib.parse.urlencode({"endpoint": hosted.endpoint, "token": hosted.token})

        # when
        driver.get(f"{other}/token?{query}")
        result, failure = outcome(driver, "unlisted")

        # then: the browser refused it the answer; the listed origin, with the same token, reads it
        assert result is None and "Failed to fetch" in failure, (result, failure)
        driver.get(f"{page_origin}/token?{query}")
        result, failure = outcome(driver, "listed")
        assert failure is None and json.loads(result) == {"status": 200, "session": True}, (result, failure)
    finally:
        driver.quit()

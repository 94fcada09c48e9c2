"""The consent page in headless Chromium, as a person connecting an app for the first time: Allow and
Deny must reach the app's redirect URI. Chromium holds a form's redirect to the page's CSP `form-action`,
so a raw HTTP client (test_oauth.py) cannot see this; only a browser can."""
import http.server
import threading
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import make_browser, running_app, screenshot
from test_mcp import make_hosted
from test_oauth import authorize_params, pkce, register


class Callback:
    """A loopback redirect URI that records what reaches it, like a desktop MCP client's listener."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                address = urllib.parse.urlsplit(self.path)
                if address.path == "/callback":  # not the browser's own /favicon.ico
                    hits.append(dict(urllib.parse.parse_qsl(address.query)))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(b"<!doctype html><title>Connected</title><p>You can close this window.")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.uri = f"http://127.0.0.1:{self.server.server_address[1]}/callback"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def callback():
    listener = Callback()
    yield listener
    listener.close()


@pytest.fixture(scope="module")
def hosted(tmp_path_factory):
    """An app of its own: client registration is limited per address, and the shared app's
    allowance belongs to test_oauth.py."""
    with running_app(tmp_path_factory.mktemp("oauth-browser")) as base:
        yield make_hosted(base)


def consent_in_browser(hosted, callback, decision):
    client = register(hosted.base, redirect_uris=(callback.uri,)).json()["client_id"]
    _, challenge = pkce()
    params = authorize_params(client, hosted.endpoint, challenge, redirect_uri=callback.uri, state="st 1/+é")
    driver = make_browser()
    try:
        driver.get(hosted.base + "/login")
        for cookie in hosted.session.cookies:
            driver.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})
        driver.get(hosted.base + "/oauth/authorize?" + urllib.parse.urlencode(params))
        assert driver.find_element(By.TAG_NAME, "h1").text.startswith("Allow "), driver.page_source[:500]
        driver.find_element(By.CSS_SELECTOR, f"button[name='decision'][value='{decision}']").click()
        try:
            WebDriverWait(driver, 10).until(lambda _: callback.hits)
        except Exception:
            screenshot(driver, f"oauth-consent-{decision}-stuck")
            blocked = [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]
            raise AssertionError(f"the {decision} answer never reached the app; still on {driver.current_url}; {blocked}")
        assert driver.current_url.startswith(callback.uri)
        return callback.hits[-1], params
    finally:
        driver.quit()


def test_allow_in_chromium_reaches_the_app_with_a_code(hosted, callback):
    query, params = consent_in_browser(hosted, callback, "approve")
    assert query.get("code") and query["state"] == params["state"] and query["iss"] == hosted.base, query


def test_deny_in_chromium_reaches_the_app_with_access_denied(hosted, callback):
    query, params = consent_in_browser(hosted, callback, "deny")
    assert query["error"] == "access_denied" and "code" not in query and query["state"] == params["state"], query

#!/usr/bin/env python3
"""Connects to an OAuth-protected hosted MCP endpoint with the official Python SDK's own
OAuth client (`mcp.client.auth.OAuthClientProvider`, an httpx `Auth`), playing the person in
the browser itself.

Works with both SDK lines (detected at import):
  mcp 2.x  -> httpx2 + mcp.Client (mode "auto": server/discover probe, or "legacy": initialize)
  mcp 1.x  -> httpx + streamable_http_client + ClientSession (initialize handshake)

The SDK does everything OAuth on its own: the 401, protected-resource and authorization-server
discovery, dynamic client registration (no `client_metadata_url` is given, so never CIMD),
PKCE, the token exchange, the `state` and (2.x) `iss` checks, and refresh. Only the two
moments a person is involved are ours:
  redirect_handler(url)  GET the authorization URL with the signed-in user's cookies, read the
                         consent form, POST it back with decision=approve (its hidden fields
                         include `csrf`), and keep the `Location` the server redirects to.
                         (A remembered consent may redirect straight from the GET.)
  callback_handler()     hand that redirect's code/state/iss to the SDK.
Nothing listens on the redirect URI: the redirect is read, never followed.

--storage FILE persists the SDK's TokenStorage (tokens + registered client) plus the access
token's expiry (the SDK only keeps that in memory), so a second run reuses the stored access
token, or, when it has expired (--expire-access-token pretends it has), the refresh token,
without a browser step. --no-browser turns a needed browser step into a failure.

Prints exactly one JSON line on stdout:
  {"ok": true, "sdk": "2.3.0", "mode": "auto", "protocol_version": "...", "tools": ["add", ...],
   "result": {"content", "structuredContent", "isError"}, "browser_steps": 0|1, "browser_step_needed": bool,
   "registered": bool, "token_grants": ["authorization_code"|"refresh_token", ...],
   "client_id": "...", "requests": ["GET /.well-known/... -> 200", ...]}
Exit status 0 when it all worked, 1 otherwise ({"ok": false, "error": ..., ...}).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from importlib.metadata import version as _dist_version
from pathlib import Path
from typing import Any

SDK_VERSION = _dist_version("mcp")
SDK_MAJOR = int(SDK_VERSION.split(".")[0])

if SDK_MAJOR >= 2:
    import httpx2 as _httpx
    from mcp import Client
    from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
else:
    import httpx as _httpx
    from mcp import ClientSession
    from mcp.client.auth import OAuthClientProvider
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken

    AuthorizationCodeResult = None  # 1.x callback handlers return (code, state)

TIMEOUT = _httpx.Timeout(30.0, read=60.0)
DEFAULT_REDIRECT_URI = "http://127.0.0.1:33418/oauth/callback"


def _dump(model: Any) -> Any:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def _leaves(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaves(inner)]
    return [exc]


# --- storage ------------------------------------------------------------------------------------

class FileStorage:
    """The SDK's TokenStorage protocol, kept in one JSON file (written atomically)."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text()) if path.exists() and path.read_text().strip() else {}
        self.token_writes = 0

    def _save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, indent=2))
        os.replace(tmp, self.path)

    async def get_tokens(self) -> OAuthToken | None:
        tokens = self.data.get("tokens")
        return OAuthToken.model_validate(tokens) if tokens else None

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.token_writes += 1
        self.data["tokens"] = _dump(tokens)
        self.data["expires_at"] = time.time() + tokens.expires_in if tokens.expires_in is not None else None
        self._save()

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        info = self.data.get("client_info")
        return OAuthClientInformationFull.model_validate(info) if info else None

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.data["client_info"] = _dump(client_info)
        self._save()


# --- the person in the browser ---------------------------------------------------------------------

class _ConsentForm(HTMLParser):
    """Collects every <form> with its named fields and submit buttons."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._current: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self._current = {"method": a.get("method", "get").lower(), "action": a.get("action", ""),
                             "fields": [], "buttons": []}
            self.forms.append(self._current)
        elif self._current is not None and tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            if kind == "submit":
                self._current["buttons"].append((a["name"], a.get("value", "")))
            elif kind not in ("checkbox", "radio") or "checked" in a:
                self._current["fields"].append((a["name"], a.get("value", "")))
        elif self._current is not None and tag == "button" and a.get("name"):
            self._current["buttons"].append((a["name"], a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - keep 3xx as the answer
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _http(method: str, url: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, Any, str]:
    """One exchange; the headers come back as the HTTPMessage (repeated Set-Cookie kept)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with _OPENER.open(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:  # 3xx (not followed) and 4xx/5xx land here
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


class _Headings(HTMLParser):
    """The text of the first <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1: str | None = None
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "h1" and self.h1 is None:
            self._inside, self.h1 = True, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.h1 = (self.h1 or "") + data


class Browser:
    """What a person does with the authorization URL: approve it when signed in, or, with
    `sign_in_email`, start signed out, sign in by email on the page the server sends them to
    (reading the link from the development outbox), and then approve."""

    def __init__(self, cookies: dict[str, str], redirect_uri: str, allowed: bool, sign_in_email: str | None = None):
        self.cookies = dict(cookies)
        self.redirect_uri = redirect_uri
        self.allowed = allowed
        self.sign_in_email = sign_in_email
        self.steps = 0
        self.consent_pages = 0
        self.sign_in: dict[str, Any] | None = None
        self.result: dict[str, str | None] | None = None

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _keep_cookies(self, headers: Any) -> None:
        for line in headers.get_all("Set-Cookie") or []:
            name, _, rest = line.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in line.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)

    def _request(self, method: str, url: str, fields: list[tuple[str, str]] | None = None) -> tuple[int, Any, str]:
        parts = urllib.parse.urlsplit(url)
        headers = {"Cookie": self.cookie_header, "Accept": "text/html"}
        body = None
        if fields is not None:
            headers.update({"Origin": f"{parts.scheme}://{parts.netloc}", "Content-Type": "application/x-www-form-urlencoded"})
            body = urllib.parse.urlencode(fields).encode()
        status, response_headers, text = _http(method, url, headers, body)
        self._keep_cookies(response_headers)
        return status, response_headers, text

    def _sign_in_by_email(self, login_url: str) -> str:
        """The sign-in page, the emailed link, the confirmation; returns where the server continues."""
        status, _, page = self._request("GET", login_url)
        if status != 200:
            raise RuntimeError(f"the sign-in page answered {status}")
        headings = _Headings()
        headings.feed(page)
        parser = _ConsentForm()
        parser.feed(page)
        form = next((f for f in parser.forms if f["action"].endswith("/login/email")), None)
        if form is None:
            raise RuntimeError("no email sign-in form on the sign-in page")
        fields = [pair for pair in form["fields"] if pair[0] != "email"] + [("email", self.sign_in_email)]
        status, _, text = self._request("POST", urllib.parse.urljoin(login_url, form["action"]), fields)
        if status != 303:
            raise RuntimeError(f"asking for a sign-in link answered {status}: {text[:300]}")
        base = "{0.scheme}://{0.netloc}".format(urllib.parse.urlsplit(login_url))
        status, _, outbox = _http("GET", base + "/dev/outbox.json", {"Accept": "application/json"})
        link = next((m["link"] for m in json.loads(outbox)["messages"] if m["recipient"] == self.sign_in_email), None)
        if link is None:
            raise RuntimeError("no sign-in link in the development outbox")
        status, _, confirm = self._request("GET", link)
        parser = _ConsentForm()
        parser.feed(confirm)
        form = next((f for f in parser.forms if f["method"] == "post"), None)
        if status != 200 or form is None:
            raise RuntimeError(f"the sign-in link's page answered {status} without a form")
        status, headers, text = self._request("POST", urllib.parse.urljoin(link, form["action"]), form["fields"])
        location = _header(headers, "Location")
        if status != 303 or not location:
            raise RuntimeError(f"confirming the link answered {status}: {text[:300]}")
        self.sign_in = {"heading": (headings.h1 or "").strip(), "link_has_next": "next" in link, "continued_to": location}
        return urllib.parse.urljoin(link, location)

    def _finish(self, location: str) -> dict[str, str | None]:
        if not location.startswith(self.redirect_uri.split("?")[0]):
            raise RuntimeError(f"the server redirected somewhere else than the redirect URI: {location}")
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query, keep_blank_values=True))
        if "error" in query:
            raise RuntimeError(f"authorization failed: {query.get('error')}: {query.get('error_description')}")
        return {"code": query.get("code"), "state": query.get("state"), "iss": query.get("iss")}

    def authorize(self, url: str) -> dict[str, str | None]:
        self.steps += 1
        if not self.allowed:
            raise RuntimeError("a browser step was needed but --no-browser was given")
        status, headers, text = self._request("GET", url)
        location = _header(headers, "Location")
        if status in (301, 302, 303, 307, 308) and location and self.sign_in_email and self.sign_in is None \
                and urllib.parse.urlsplit(location).path.endswith("/login"):
            # Signed out: sign in where the server says, then continue wherever it sends us.
            url = self._sign_in_by_email(urllib.parse.urljoin(url, location))
            status, headers, text = self._request("GET", url)
            location = _header(headers, "Location")
        if status in (301, 302, 303, 307, 308) and location:
            location = urllib.parse.urljoin(url, location)
            if location.startswith(self.redirect_uri.split("?")[0]):
                return self._finish(location)  # consent remembered: straight back to the client
            raise RuntimeError(f"the authorization page redirected to {location} (is the user signed in?)")
        if status != 200:
            raise RuntimeError(f"the authorization page answered {status}: {text[:500]}")
        self.consent_pages += 1
        parser = _ConsentForm()
        parser.feed(text)
        form = next((f for f in parser.forms if f["method"] == "post"
                     and urllib.parse.urlsplit(urllib.parse.urljoin(url, f["action"])).path.endswith("/oauth/authorize")), None)
        if form is None:
            raise RuntimeError(f"no consent form (method=post action=/oauth/authorize) on the page: {text[:500]}")
        if ("decision", "approve") not in form["buttons"]:
            raise RuntimeError(f"the consent form has no decision=approve button: {form['buttons']}")
        fields = [pair for pair in form["fields"] if pair[0] != "decision"] + [("decision", "approve")]
        status, headers, text = self._request("POST", urllib.parse.urljoin(url, form["action"]), fields)
        location = _header(headers, "Location")
        if status not in (301, 302, 303, 307, 308) or not location:
            raise RuntimeError(f"approving answered {status} without a redirect: {text[:500]}")
        return self._finish(urllib.parse.urljoin(url, location))


# --- the run ----------------------------------------------------------------------------------------

class Recorder:
    """Every HTTP exchange the SDK makes, as "METHOD /path -> status" (no query, no secrets)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.grants: list[str] = []

    async def on_request(self, request: Any) -> None:
        if request.method == "POST" and request.url.path.endswith("/token"):
            try:
                form = dict(urllib.parse.parse_qsl(request.content.decode()))
                self.grants.append(form.get("grant_type", "?"))
            except Exception:  # noqa: BLE001 - a streamed body; the grant is only informative
                self.grants.append("?")

    async def on_response(self, response: Any) -> None:
        request = response.request
        self.lines.append(f"{request.method} {request.url.path} -> {response.status_code}")


def make_provider(url: str, storage: FileStorage, browser: Browser, redirect_uri: str, client_name: str):
    async def redirect_handler(authorization_url: str) -> None:
        browser.result = await asyncio.to_thread(browser.authorize, authorization_url)

    async def callback_handler():
        result, browser.result = browser.result, None
        if result is None:
            raise RuntimeError("the callback came before the redirect")
        if SDK_MAJOR >= 2:
            return AuthorizationCodeResult(code=result["code"] or "", state=result["state"], iss=result["iss"])
        return result["code"] or "", result["state"]

    metadata = OAuthClientMetadata(
        client_name=client_name,
        redirect_uris=[redirect_uri],
        grant_types=["authorization_code", "refresh_token"],
        response_types=["code"],
        token_endpoint_auth_method="none",
    )
    provider = OAuthClientProvider(
        server_url=url, client_metadata=metadata, storage=storage,
        redirect_handler=redirect_handler, callback_handler=callback_handler,
    )
    return provider


async def _exercise(list_tools, call_tool) -> dict[str, Any]:
    tools = await list_tools()
    result = _dump(await call_tool("add", {"a": 2, "b": 3}))
    return {
        "tools": [tool.name for tool in tools.tools],
        "result": {"content": result.get("content", []), "structuredContent": result.get("structuredContent"),
                   "isError": bool(result.get("isError", False))},
    }


async def run(opts: argparse.Namespace, storage: FileStorage, browser: Browser, recorder: Recorder) -> dict[str, Any]:
    provider = make_provider(opts.url, storage, browser, opts.redirect_uri, opts.client_name)
    # The SDK keeps the access token's expiry only in memory; give it back what the file knows,
    # so an expired token is refreshed (not sent, 401'd and re-authorized through the browser).
    expires_at = storage.data.get("expires_at")
    if opts.expire_access_token and storage.data.get("tokens"):
        expires_at = time.time() - 1
    if expires_at is not None:
        provider.context.token_expiry_time = float(expires_at)

    hooks = {"request": [recorder.on_request], "response": [recorder.on_response]}
    async with _httpx.AsyncClient(auth=provider, timeout=TIMEOUT, event_hooks=hooks) as http:
        if SDK_MAJOR >= 2:
            mode = opts.mode
            async with Client(streamable_http_client(opts.url, http_client=http), mode=mode, cache=None) as client:
                out = await _exercise(lambda: client.list_tools(), lambda n, a: client.call_tool(n, a))
                out["protocol_version"] = client.protocol_version
        else:
            async with streamable_http_client(opts.url, http_client=http) as (read, write, _):
                async with ClientSession(read, write) as session:
                    init = await session.initialize()
                    out = await _exercise(lambda: session.list_tools(), lambda n, a: session.call_tool(n, a))
                    out["protocol_version"] = str(init.protocolVersion)
    return out


def _load_cookies(path: str | None) -> dict[str, str]:
    if not path:
        return {}
    data = json.loads(Path(path).read_text())
    if isinstance(data, dict) and isinstance(data.get("cookies"), (dict, list)):
        data = data["cookies"]
    if isinstance(data, list):
        return {item["name"]: item["value"] for item in data}
    return {str(k): str(v) for k, v in data.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="MCP endpoint, e.g. http://127.0.0.1:8080/mcp/<serverId>")
    parser.add_argument("--storage", required=True, help="JSON file for tokens and the registered client")
    parser.add_argument("--approver-cookie-file",
                        help='JSON {"bmm_session": "...", "bmm_csrf": "..."}: the signed-in person approving')
    parser.add_argument("--mode", default="auto", choices=["auto", "legacy", "2026-07-28"],
                        help="mcp 2.x connect mode (1.x always uses initialize)")
    parser.add_argument("--redirect-uri", default=DEFAULT_REDIRECT_URI)
    parser.add_argument("--client-name", default="BMM e2e OAuth client")
    parser.add_argument("--expire-access-token", action="store_true",
                        help="treat the stored access token as expired, so the SDK must refresh")
    parser.add_argument("--no-browser", action="store_true", help="fail instead of doing a browser step")
    parser.add_argument("--sign-in-email", help="start signed out and sign in by email when the server asks (development outbox)")
    opts = parser.parse_args(argv)

    storage = FileStorage(Path(opts.storage))
    browser = Browser(_load_cookies(opts.approver_cookie_file), opts.redirect_uri, allowed=not opts.no_browser,
                      sign_in_email=opts.sign_in_email)
    recorder = Recorder()
    mode = opts.mode if SDK_MAJOR >= 2 else "legacy"

    def report() -> dict[str, Any]:
        return {
            "sdk": SDK_VERSION, "mode": mode,
            "browser_steps": browser.steps, "browser_step_needed": browser.steps > 0,
            "consent_pages": browser.consent_pages,
            "sign_in": browser.sign_in,
            "registered": any(line.startswith("POST ") and line.split()[1].endswith("/register") for line in recorder.lines),
            "token_grants": recorder.grants,
            "client_id": (storage.data.get("client_info") or {}).get("client_id"),
            "requests": recorder.lines,
        }

    try:
        out = asyncio.run(run(opts, storage, browser, recorder))
    except BaseException as exc:  # noqa: BLE001 - report anything (ExceptionGroup included) as one line
        if isinstance(exc, KeyboardInterrupt):
            raise
        detail = "".join(traceback.format_exception(exc)).strip().splitlines()[-12:]
        error = "; ".join(f"{type(leaf).__name__}: {leaf}" for leaf in _leaves(exc))
        print(json.dumps({"ok": False, **report(), "error": error, "traceback": detail}))
        return 1
    print(json.dumps({"ok": True, **report(), **out}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The live server and its static export, read with a real HTTP client."""
import json
import pathlib
import re
import urllib.parse

import requests

PAGES = ["/", "/pricing", "/docs", "/docs/quickstart", "/docs/oauth", "/docs/faq", "/changelog",
         "/security", "/privacy", "/terms", "/agb", "/offline"]
FILES = ["/sitemap.xml", "/robots.txt", "/search-index.json", "/changelog/feed.xml", "/manifest.webmanifest", "/favicon.ico", "/sw.js"]


def exported_file(export_dir: pathlib.Path, path: str) -> pathlib.Path:
    if path == "/":
        return export_dir / "index.html"
    if re.search(r"\.[a-z]+$", path):
        return export_dir / path.lstrip("/")
    return export_dir / path.lstrip("/") / "index.html"


def without_marketplace(path: str, body: bytes) -> bytes:
    """The live sitemap adds the marketplace (read from the database); the export has none."""
    if path != "/sitemap.xml":
        return body
    return b"".join(line for line in body.splitlines(keepends=True) if b"/templates" not in line)


def test_exported_pages_equal_live_responses_byte_for_byte(server, export_dir):
    for path in PAGES + FILES:
        live = requests.get(server + path, timeout=10)
        assert live.status_code == 200, path
        assert exported_file(export_dir, path).read_bytes() == without_marketplace(path, live.content), f"{path} differs from its export"
    assert f"<loc>{server}/templates</loc>".encode() in requests.get(server + "/sitemap.xml", timeout=10).content


def test_every_exported_html_page_matches_live(server, export_dir):
    checked = 0
    for file in export_dir.rglob("index.html"):
        relative = file.relative_to(export_dir).parent.as_posix()
        path = "/" if relative == "." else "/" + relative
        assert requests.get(server + path, timeout=10).content == file.read_bytes(), path
        checked += 1
    assert checked >= 15


def test_static_server_serves_the_export_with_working_links(static_site, export_dir):
    html = requests.get(static_site + "/docs/quickstart", timeout=10)
    assert html.status_code == 200
    links = set(re.findall(r'href="(/[^"#?]*)', html.text))
    assert links, "no internal links found"
    for link in links:
        if link in ("/status", "/login", "/dashboard", "/templates"):  # answered by the app, not the static host
            continue
        assert requests.get(static_site + link, timeout=10).status_code == 200, link


def test_security_headers_over_http(server):
    for path in ["/", "/healthz", "/definitely-missing", "/docs/quickstart"]:
        response = requests.get(server + path, timeout=10)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"]


def test_unknown_route_is_a_friendly_404(server):
    response = requests.get(server + "/no/such/page", timeout=10)
    assert response.status_code == 404
    assert "text/html" in response.headers["Content-Type"]
    assert "Page not found" in response.text
    api = requests.get(server + "/v1/nope", timeout=10)
    assert api.status_code == 404
    assert api.json()["error"] == "not_found"


def test_health_and_readiness(server):
    assert requests.get(server + "/healthz", timeout=10).json() == {"status": "ok"}
    ready = requests.get(server + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"]["ok"] is True


def test_assets_are_immutable(server):
    home = requests.get(server + "/", timeout=10).text
    css = re.search(r'href="(/assets/css/site\.[0-9a-f]{10}\.css)"', home).group(1)
    response = requests.get(server + css, timeout=10)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_form_is_read_to_its_routes_own_limit_and_a_form_over_it_is_told_the_limit(server):
    # Forms are read before the route (for their CSRF field): once, that read took 64 KB for every form, and the
    # spec editor refused a 40 kB tool (its form percent-encodes to over 64 KB) with a bare "Payload Too Large".
    from accounts import signed_in_session
    session = signed_in_session(server)
    spec = {"name": "Big form", "slug": "big-form", "description": "Adds.",
            "tools": [{"name": "add", "description": "Add.", "inputSchema": {"type": "object"}, "implementation": "return 1;"}]}
    created = session.post(server + "/v1/servers", json={"spec": spec}, headers={"X-CSRF-Token": session.cookies["bmm_csrf"]}, timeout=30)
    assert created.status_code == 201, created.text
    page = f"{server}/servers/{created.json()['id']}"
    spec["tools"][0]["implementation"] = "// a comment line of ordinary code, sixty kilobytes of them\n" * 1_000 + "return 2;"
    form = {"csrf": session.cookies["bmm_csrf"], "spec": json.dumps(spec)}
    assert len(urllib.parse.urlencode(form)) > 65_536  # the old limit
    saved = session.post(page + "/spec", data=form, allow_redirects=False, timeout=30)
    assert saved.status_code == 303, saved.text[:500]
    # over the route's 1 MB: a page (not a bare status line) that names the limit and says nothing was changed
    spec["tools"][0]["implementation"] = "// x\n" * 200_000
    refused = session.post(page + "/spec", data={"csrf": session.cookies["bmm_csrf"], "spec": json.dumps(spec)}, timeout=30)
    assert refused.status_code == 413
    assert "text/html" in refused.headers["Content-Type"]
    assert "1 MB" in refused.text and "Nothing was changed" in refused.text, refused.text[:500]
    # a JSON client is told the limit too
    too_big = session.post(server + "/v1/tokens", json={"name": "x" * 70_000}, headers={"X-CSRF-Token": session.cookies["bmm_csrf"]}, timeout=10)
    assert too_big.status_code == 413 and too_big.json()["error"] == "payload_too_large" and "64 KB" in too_big.json()["message"]

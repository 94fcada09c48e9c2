"""The live server and its static export, read with a real HTTP client."""
import pathlib
import re

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

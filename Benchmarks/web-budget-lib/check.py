"""The web performance budget of the public site, checked against a running app.

For each page: the HTML and everything it loads before it can render and run (stylesheets,
scripts, module preloads and the modules those import; not images or the lazily fetched search
index), fetched the way a browser does (Accept-Encoding: gzip, br). Reports the bytes on the wire
against the budget and fails when:
  - a page and what it loads weigh more than the budget (compressed bytes on the wire);
  - a text response is sent without Content-Encoding;
  - a <script> in <head> blocks rendering (neither type=module, defer nor async);
  - a response carries no ETag or Last-Modified, or revalidating with either is not a 304.
Standard library only. Usage: check.py BASE_URL [--page PATH ...] [--budget BYTES] [--json FILE]
"""
import argparse
import gzip
import html.parser
import json
import re
import sys
import urllib.error
import urllib.parse
import urllib.request

TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml",
              "application/manifest+json", "application/atom+xml")
NOT_JAVASCRIPT = {"application/ld+json", "application/json", "importmap", "speculationrules"}


class HeadScan(html.parser.HTMLParser):
    """What a page loads before it renders: stylesheets, scripts, module preloads; and which
    scripts in <head> would block rendering."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_head = False
        self.loads = []
        self.blocking = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link":
            rel = (attributes.get("rel") or "").lower().split()
            if ("stylesheet" in rel or "modulepreload" in rel) and attributes.get("href"):
                self.loads.append(attributes["href"])
        elif tag == "script":
            kind = (attributes.get("type") or "").lower().strip()
            if kind in NOT_JAVASCRIPT:
                return
            if attributes.get("src"):
                self.loads.append(attributes["src"])
            deferred = kind == "module" or "defer" in attributes or "async" in attributes
            if self.in_head and not deferred:
                self.blocking.append(attributes.get("src") or "inline script")

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False


IMPORT = re.compile(r"""(?:^|;|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|;|\n)\s*import\s*['"]([^'"]+)['"]""")


def static_imports(source):
    return [a or b for a, b in IMPORT.findall(source)]


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def decoded(headers, body):
    encoding = (headers.get("Content-Encoding") or "").lower()
    if encoding == "gzip":
        return gzip.decompress(body)
    if encoding == "br":
        import brotli  # only needed when a server answers br; none of ours does live
        return brotli.decompress(body)
    if encoding not in ("", "identity"):
        raise ValueError(f"unexpected Content-Encoding {encoding}")
    return body


def is_text(content_type):
    return any(content_type.lower().startswith(prefix) for prefix in TEXT_TYPES)


def check_resource(url, problems):
    """Fetches `url` as a browser would, checks its encoding and validators; returns (row, body)."""
    status, headers, wire = fetch(url, {"Accept-Encoding": "gzip, br"})
    if status != 200:
        problems.append(f"{url}: HTTP {status}")
        return None, b""
    content_type = headers.get("Content-Type", "")
    encoding = headers.get("Content-Encoding", "")
    body = decoded(headers, wire)
    if is_text(content_type) and encoding not in ("gzip", "br"):
        problems.append(f"{url}: {content_type} sent without Content-Encoding")
    row = {"url": url, "type": content_type.split(";")[0], "wire": len(wire), "raw": len(body), "encoding": encoding or "-",
           "etag": "-", "last_modified": "-"}
    etag, modified = headers.get("ETag"), headers.get("Last-Modified")
    if not etag:
        problems.append(f"{url}: no ETag")
    else:
        row["etag"] = "304" if fetch(url, {"If-None-Match": etag, "Accept-Encoding": "gzip"})[0] == 304 else "no 304"
        if row["etag"] != "304":
            problems.append(f"{url}: If-None-Match with its own ETag did not answer 304")
    if not modified:
        problems.append(f"{url}: no Last-Modified")
    else:
        row["last_modified"] = "304" if fetch(url, {"If-Modified-Since": modified})[0] == 304 else "no 304"
        if row["last_modified"] != "304":
            problems.append(f"{url}: If-Modified-Since with its own Last-Modified did not answer 304")
    return row, body


def check_page(base, path, budget, problems):
    page_url = urllib.parse.urljoin(base, path)
    row, body = check_resource(page_url, problems)
    if row is None:
        return {"page": path, "rows": [], "wire": 0, "raw": 0}
    rows = [row]
    scan = HeadScan()
    scan.feed(body.decode("utf-8", "replace"))
    for blocking in scan.blocking:
        problems.append(f"{path}: render-blocking script in <head>: {blocking}")
    queue = [urllib.parse.urljoin(page_url, load) for load in scan.loads]
    seen = {page_url}
    while queue:
        url = queue.pop(0)
        if url in seen or urllib.parse.urlsplit(url).netloc != urllib.parse.urlsplit(base).netloc:
            continue
        seen.add(url)
        resource, source = check_resource(url, problems)
        if resource is None:
            continue
        rows.append(resource)
        if "javascript" in resource["type"]:
            queue += [urllib.parse.urljoin(url, spec) for spec in static_imports(source.decode("utf-8", "replace"))]
    wire = sum(r["wire"] for r in rows)
    raw = sum(r["raw"] for r in rows)
    if wire > budget:
        problems.append(f"{path}: {wire} bytes on the wire, over the budget of {budget}")
    return {"page": path, "rows": rows, "wire": wire, "raw": raw, "blocking": scan.blocking}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base")
    parser.add_argument("--page", action="append", dest="pages")
    parser.add_argument("--budget", type=int, default=50_000, help="bytes on the wire per page with what it loads")
    parser.add_argument("--json", help="also write the results here")
    arguments = parser.parse_args()
    pages = arguments.pages or ["/", "/docs/quickstart"]
    problems = []
    results = [check_page(arguments.base, page, arguments.budget, problems) for page in pages]

    print(f"| page | file | type | encoding | bytes on the wire | uncompressed | ETag | Last-Modified |")
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        for row in result["rows"]:
            path = urllib.parse.urlsplit(row["url"]).path
            print(f"| {result['page']} | {path} | {row['type']} | {row['encoding']} | {row['wire']:,} | {row['raw']:,} "
                  f"| {row['etag']} | {row['last_modified']} |")
        verdict = "within" if result["wire"] <= arguments.budget else "OVER"
        print(f"| {result['page']} | **total** | | | **{result['wire']:,}** | {result['raw']:,} | | {verdict} the {arguments.budget:,}-byte budget |")
    if arguments.json:
        with open(arguments.json, "w") as file:
            json.dump({"budget": arguments.budget, "pages": results, "problems": problems}, file, indent=2)
    if problems:
        print("\nBudget broken:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"\nEvery page within {arguments.budget:,} bytes; no render-blocking script; text compressed; validators answer 304.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

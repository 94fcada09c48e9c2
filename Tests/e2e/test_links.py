"""Debian's linkchecker, with its anchor check, over the static export (served by Python's plain static file
server) and over the live site signed out and signed in: no broken internal link or anchor.

The export links to pages only the app serves (sign-in, dashboard, status…): the self-hosting docs serve the
export and the app on one origin. Those targets are taken from the app's own route table (`bmm routes`: every
GET route no exported file answers) and only their syntax is checked in the export; the live crawls reach them.
Every finding goes to REPORTS/links-*.json."""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile

from conftest import BINARY, ROOT
from site_pages import REPORTS, site  # noqa: F401 (the fixture)

CONFIG = "[checking]\nthreads=10\ntimeout=30\n\n[filtering]\ncheckextern=0\n\n[AnchorCheck]\n"


def get_routes(tmp_path):
    """The GET routes of the app's route table, as `bmm routes` prints them (`/servers/:server`, `/docs/**`)."""
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path / "routes-data"))
    env.pop("DATABASE_URL", None)
    printed = subprocess.run([BINARY, "routes"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert printed.returncode == 0, printed.stdout + printed.stderr
    routes = re.findall(r"^\| GET +\| (\S+) +\|$", printed.stdout, re.M)
    assert "/dashboard" in routes and "/docs/**" in routes, printed.stdout
    return routes


def pattern(route):
    """A route as a regular expression for a path: `:name` is one segment, `**` the rest."""
    parts = [r"[^/]+" if part.startswith(":") else ".+" if part == "**" else re.escape(part)
             for part in route.strip("/").split("/")]
    return "/" + "/".join(parts) if route != "/" else "/"


def exported_paths(export_dir):
    paths = set()
    for file in export_dir.rglob("*"):
        if file.is_file():
            relative = "/" + file.relative_to(export_dir).as_posix()
            paths.add(relative)
            if relative.endswith("/index.html"):
                paths.add(relative[:-len("index.html")].rstrip("/") or "/")
    return paths


def app_only(routes, export_dir):
    """The routes no exported file answers."""
    paths = exported_paths(export_dir)
    return [route for route in routes if not any(re.fullmatch(pattern(route), path) for path in paths)]


def linkcheck(start, name, ignore=(), cookies=None, no_follow=()):
    """Runs linkchecker from `start`; a row for every URL it checked (`-v`), the valid ones included."""
    # linkchecker run as root drops to `nobody`: its files go in a folder anyone can read.
    folder = tempfile.mkdtemp(prefix="bmm-linkcheck-")
    try:
        os.chmod(folder, 0o755)
        config = os.path.join(folder, "linkcheckerrc")
        with open(config, "w") as file:
            file.write(CONFIG)
        arguments = ["linkchecker", "--config", config, "--no-status", "--no-robots", "--verbose", "--output", "csv"]
        if cookies:
            cookie_file = os.path.join(folder, "cookies")
            with open(cookie_file, "w") as file:
                host = start.split("/")[2].split(":")[0]
                file.write("".join(f"Host: {host}\nPath: /\nSet-cookie: {key}=\"{value}\"\n\n"
                                   for key, value in cookies.items()))
            arguments += ["--cookiefile", cookie_file]
        for expression in ignore:
            arguments += ["--ignore-url", expression]
        for expression in no_follow:
            arguments += ["--no-follow-url", expression]
        for file_name in os.listdir(folder):
            os.chmod(os.path.join(folder, file_name), 0o644)
        result = subprocess.run(arguments + [start], capture_output=True, text=True, timeout=600)
    finally:
        shutil.rmtree(folder)
    lines = [line for line in result.stdout.splitlines() if line and not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines)), delimiter=";"))
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"links-{name}.json").write_text(json.dumps(
        {"start": start, "ignored": list(ignore), "checked": len(rows), "results": rows}, indent=1))
    assert rows, result.stdout[-2000:] + result.stderr[-2000:]
    return rows, len({row["url"] for row in rows})


def broken(rows, base):
    """Errors, and warnings about anchors, on links inside the checked site."""
    found = []
    for row in rows:
        internal = row["url"].startswith(base)
        if internal and (row["valid"] != "True" or "Anchor" in row["warningstring"]):
            found.append(f"{row['urlname']} on {row['parentname']}:{row['line']}: "
                         f"{row['result']} {row['warningstring']}".strip())
    return found


def test_the_export_has_no_broken_links(static_site, export_dir, tmp_path):
    only_on_the_app = app_only(get_routes(tmp_path), export_dir)
    assert "/dashboard" in only_on_the_app and "/status" in only_on_the_app and "/login" in only_on_the_app
    assert not any(route.startswith("/docs") or route == "/" for route in only_on_the_app), only_on_the_app
    ignore = [f"^{re.escape(static_site)}{pattern(route)}([?#].*)?$" for route in only_on_the_app]
    rows, checked = linkcheck(static_site + "/", "export", ignore=ignore)
    problems = broken(rows, static_site)
    assert checked > 50, f"only {checked} URLs checked"
    assert not problems, f"{len(problems)} broken links or anchors in the export:\n" + "\n".join(problems)


def facets(base):
    """The marketplace's sort and category links multiply into dozens of lists: each is checked, none followed."""
    return [f"^{re.escape(base)}/templates\\?"]


def test_the_live_site_has_no_broken_links_signed_out(site):
    rows, checked = linkcheck(site.base + "/", "live-signed-out", no_follow=facets(site.base))
    problems = broken(rows, site.base)
    assert checked > 50, f"only {checked} URLs checked"
    assert not problems, f"{len(problems)} broken links or anchors on the live site:\n" + "\n".join(problems)


def test_the_live_site_has_no_broken_links_signed_in(site):
    # The public pages were crawled signed out: here their links are checked, not followed again.
    public = f"^{re.escape(site.base)}/(docs|changelog|templates\\?)"
    rows, checked = linkcheck(site.base + "/dashboard", "live-signed-in", cookies=site.cookies(), no_follow=[public])
    problems = broken(rows, site.base)
    assert checked > 50, f"only {checked} URLs checked"
    assert not problems, f"{len(problems)} broken links or anchors on the signed-in site:\n" + "\n".join(problems)

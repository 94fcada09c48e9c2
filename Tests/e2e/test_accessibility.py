"""axe-core in headless Chromium on every public and signed-in page, at a phone's 390x844 and a desktop's
1280x800: no serious or critical violation. axe's own script comes from the selenium-axe-python package
(Tests/e2e/requirements.txt pins it; only its axe.min.js is used) and is injected into each page.
The full results, minor and moderate findings included, are written as JSON to REPORTS/axe-*.json."""
import importlib.resources
import json

import pytest

from conftest import make_browser, screenshot
from site_pages import REPORTS, site  # noqa: F401 (the fixture)

AXE = (importlib.resources.files("selenium_axe_python") / "axe-core" / "axe.min.js").read_text()
VIEWPORTS = {"phone": dict(width=390, height=844, mobile=True), "desktop": dict(width=1280, height=800)}
BLOCKING = ("serious", "critical")

RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations", "incomplete"]})
  .then(results => done({version: axe.version, violations: results.violations, incomplete: results.incomplete}))
  .catch(error => done({error: String(error)}));
"""


def audit(driver, url):
    driver.get(url)
    driver.execute_script(AXE)
    driver.set_script_timeout(60)
    result = driver.execute_async_script(RUN)
    assert "error" not in result, f"axe failed on {url}: {result['error']}"
    return result


def summary(violation):
    targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:3]]
    return f"{violation['impact']} {violation['id']}: {violation['help']} ({len(violation['nodes'])}×, e.g. {targets})"


def check(driver, base, paths, name):
    report, blocking = {}, []
    for path in paths:
        result = audit(driver, base + path)
        report[path] = result
        serious = [v for v in result["violations"] if v["impact"] in BLOCKING]
        blocking += [f"{path}: {summary(v)}" for v in serious]
        if serious:
            screenshot(driver, f"axe_{name}" + path.split("?")[0].replace("/", "_"))
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"axe-{name}.json").write_text(json.dumps(
        {"axe": next(iter(report.values()))["version"], "pages": len(report), "results": report}, indent=1))
    assert not blocking, f"{len(blocking)} serious or critical axe violations:\n" + "\n".join(blocking)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_public_pages_have_no_serious_violations(site, viewport):
    driver = make_browser(**VIEWPORTS[viewport])
    try:
        check(driver, site.base, site.public, f"public-{viewport}")
    finally:
        driver.quit()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_signed_in_pages_have_no_serious_violations(site, viewport):
    driver = make_browser(**VIEWPORTS[viewport])
    try:
        driver.get(site.base + "/robots.txt")
        for name, value in site.cookies().items():
            driver.add_cookie({"name": name, "value": value, "path": "/"})
        check(driver, site.base, site.signed_in, f"signed-in-{viewport}")
    finally:
        driver.quit()

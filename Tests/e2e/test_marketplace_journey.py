"""The marketplace journey in Chromium, twice: with JavaScript on a desktop window and
without it on a 390 px phone. Each run reaches the same end state:

1. an author drafts a server in the wizard, adds a secret, builds it, and publishes it from
   the done page's "Share as template" box;
2. a second person finds it by searching /templates, forks it (filling in only the secret)
   and builds the fork;
3. the official MCP Python SDK calls the fork with the second person's token;
4. the author builds version 2 of the server and publishes it as the template's v2;
5. the fork's page offers the update, shows the change, applies it, and the SDK still calls
   the fork, now on the template's v2, with its secret kept.
"""
import json
import time
import uuid

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import make_browser, screenshot
from test_accounts import click
from test_mcp import Hosted, create_token, run_client, sdk_python
from test_wizard import sign_in

MODES = {
    "desktop-js": dict(width=1280, height=800, javascript=True, mobile=False),
    "phone-nojs": dict(width=390, height=844, javascript=False, mobile=True),
}


def api(driver, server, path):
    """A GET of the JSON API with the browser's own session (its cookie). Read beside the
    browser, not in it: a server page reloads itself when a build ends, and a navigation
    started just then can lose to that reload."""
    response = session_of(driver, server).get(server + path, timeout=10)
    assert response.status_code == 200, (path, response.status_code, response.text[:200])
    return response.json()


def session_of(driver, server):
    """A requests session carrying the browser's cookies, for the API calls a script would make."""
    session = requests.Session()
    for cookie in driver.get_cookies():
        session.cookies.set(cookie["name"], cookie["value"])
    session.headers["Origin"] = server
    session.headers["X-CSRF-Token"] = session.cookies.get("bmm_csrf")
    return session


def server_id_of(driver):
    return driver.current_url.split("/servers/")[1].split("?")[0].split("/")[0]


def wait_live(driver, server, server_id, other_than=None):
    """Polls the server's JSON until a build other than `other_than` made it live."""
    deadline = time.time() + 90
    while True:
        info = api(driver, server, f"/v1/servers/{server_id}")
        if info["status"] == "active" and info.get("buildId") != other_than:
            return info
        assert info["status"] != "failed", info
        assert time.time() < deadline, f"not live within 90 s: {info}"
        time.sleep(0.5)


def assert_fits(driver, mode):
    if MODES[mode]["mobile"]:
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= MODES[mode]["width"], f"{driver.current_url} scrolls sideways ({width} px)"


def convert(python, hosted):
    status, out = run_client(python, hosted, "--call", "convert_units",
                             "--args", json.dumps({"value": 10, "from": "km", "to": "mi"}))
    assert status == 0 and out["ok"], out
    result = out["calls"][0]["result"]
    assert not result.get("isError"), result
    return json.dumps(result)


@pytest.mark.parametrize("mode", list(MODES))
def test_publish_find_fork_call_update(server, mode):
    python = sdk_python("BMM_MCP2_PYTHON", ".venv-mcp2")
    author = make_browser(**MODES[mode])
    forker = make_browser(**MODES[mode])
    word = "u" + uuid.uuid4().hex[:7]
    title = f"Units {word}"
    try:
        # 1. the author drafts, adds a secret, builds
        sign_in(author, server)
        author.get(server + "/servers/new")
        author.find_element(By.ID, "prompt").send_keys("Convert units: kilometres to miles, celsius to fahrenheit")
        author.find_element(By.ID, "slug").send_keys("units-" + word)
        click(author, "#draft-button")
        WebDriverWait(author, 20).until(EC.url_matches(r"/servers/new/[0-9a-f-]{36}$"))
        rows = len(author.find_elements(By.CSS_SELECTOR, ".secret-row"))
        click(author, "#add-secret")
        WebDriverWait(author, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".secret-row")) == rows + 1)
        row = author.find_elements(By.CSS_SELECTOR, ".secret-row")[-1]
        row.find_element(By.CSS_SELECTOR, "input[name$='_key']").send_keys("UNITS_LICENSE")
        row.find_element(By.CSS_SELECTOR, "input[name$='_value']").send_keys("licence-of-the-author")
        row.find_element(By.CSS_SELECTOR, "input[name$='_description']").send_keys("Your units licence")
        screenshot(author, f"market_{mode}_1_wizard")
        click(author, "#build-button")
        WebDriverWait(author, 20).until(EC.url_matches(r"/servers/[0-9a-f-]{36}\?from=wizard$"))
        source_id = server_id_of(author)
        # the done page's box is pre-ticked and publishes only on its button
        WebDriverWait(author, 90).until(EC.presence_of_element_located((By.ID, "share-form")))
        assert author.find_element(By.ID, "share-checkbox").is_selected()
        assert api(author, server, "/v1/templates/mine")["templates"] == []
        author.get(server + f"/servers/{source_id}?from=wizard")
        field = author.find_element(By.ID, "template-title")
        field.clear()
        field.send_keys(title)
        hint = author.find_element(By.ID, "hint-UNITS_LICENSE-description")
        assert hint.get_attribute("value") == "Your units licence", "the hint starts from the secret's description"
        hint.clear()
        hint.send_keys("Ask the units office for a licence")
        author.find_element(By.ID, "hint-UNITS_LICENSE-url").send_keys("https://units.example.com/licence")
        assert_fits(author, mode)
        screenshot(author, f"market_{mode}_2_share_box")
        click(author, "#share-submit")
        WebDriverWait(author, 20).until(EC.url_contains("/templates/units-" + word))
        template_path = author.current_url[len(server):]
        slug = template_path.rsplit("/", 1)[1]
        assert title in author.find_element(By.TAG_NAME, "h1").text
        assert "Ask the units office for a licence" in author.page_source
        assert "licence-of-the-author" not in author.page_source, "a secret value is never public"
        screenshot(author, f"market_{mode}_3_template_page")

        # 2. a second person finds it by search and forks it
        sign_in(forker, server)
        forker.get(server + "/templates")
        assert_fits(forker, mode)
        box = forker.find_element(By.ID, "templates-q")
        box.send_keys(word)
        box.send_keys(Keys.ENTER)
        WebDriverWait(forker, 10).until(EC.url_contains("q=" + word))
        cards = forker.find_elements(By.CSS_SELECTOR, ".template-card-title a")
        assert [card.text for card in cards] == [title]
        screenshot(forker, f"market_{mode}_4_search")
        click(forker, ".template-card-title a")
        WebDriverWait(forker, 10).until(EC.url_contains(template_path))
        assert_fits(forker, mode)
        click(forker, f"form[action='{template_path}/fork'] button")
        WebDriverWait(forker, 20).until(EC.url_contains("/servers/new/fork"))
        form = forker.find_element(By.ID, "fork-form")
        secrets = form.find_elements(By.CSS_SELECTOR, "input[type='password']")
        assert len(secrets) == 1, "only the template's one secret is asked for"
        assert "Ask the units office for a licence" in form.text
        assert not form.find_elements(By.CSS_SELECTOR, "textarea"), "a fork's tools are not edited here"
        secrets[0].send_keys("licence-of-the-forker")
        assert_fits(forker, mode)
        screenshot(forker, f"market_{mode}_5_fork_wizard")
        click(forker, "#build-button")
        WebDriverWait(forker, 20).until(EC.url_matches(r"/servers/[0-9a-f-]{36}(\?from=wizard)?$"))
        fork_id = server_id_of(forker)
        assert fork_id != source_id
        fork = wait_live(forker, server, fork_id)
        assert api(forker, server, f"/v1/templates/{slug}")["template"]["forks"] == 1

        # 3. the official MCP SDK calls the fork with the forker's token
        session = session_of(forker, server)
        hosted = Hosted(server, session, create_token(session, server, f"journey {mode}"), fork_id, fork["endpoint"])
        first = convert(python, hosted)
        assert "6.2" in first, first

        # 4. the author builds version 2 (a new allowed domain) and publishes it as v2
        before = api(author, server, f"/v1/servers/{source_id}")["buildId"]
        author.get(server + f"/servers/{source_id}/settings")
        domains = author.find_element(By.ID, "settings-domains")
        domains.clear()
        domains.send_keys("units.example.com")
        domains.find_element(By.XPATH, "./ancestor::form").submit()
        # the form's answer must have arrived before the browser is sent anywhere else
        WebDriverWait(author, 20).until(EC.staleness_of(domains))
        wait_live(author, server, source_id, other_than=before)
        author.get(server + f"/servers/{source_id}/publish")
        button = author.find_element(By.CSS_SELECTOR, "#publish-version-form button")
        click(author, "#publish-version-form button")
        WebDriverWait(author, 20).until(EC.staleness_of(button))
        WebDriverWait(author, 20).until(lambda d: api(d, server, f"/v1/templates/{slug}")["template"]["latestVersion"] == 2)

        # 5. the fork's page offers the update; the forker reviews and applies it
        before = api(forker, server, f"/v1/servers/{fork_id}")["buildId"]
        forker.get(server + f"/servers/{fork_id}")
        banner = WebDriverWait(forker, 10).until(EC.presence_of_element_located((By.ID, "template-update-banner")))
        assert "v2" in banner.text
        click(forker, "#template-update-banner a")
        WebDriverWait(forker, 10).until(EC.url_contains("/template-update"))
        assert "units.example.com" in forker.page_source, "the diff shows the new allowed domain"
        assert_fits(forker, mode)
        screenshot(forker, f"market_{mode}_6_update")
        apply = forker.find_element(By.CSS_SELECTOR, "#template-update-form button[type='submit']")
        click(forker, "#template-update-form button[type='submit']")
        WebDriverWait(forker, 20).until(EC.staleness_of(apply))
        WebDriverWait(forker, 20).until(EC.url_matches(rf"/servers/{fork_id}(\?.*)?$"))
        wait_live(forker, server, fork_id, other_than=before)
        update = api(forker, server, f"/v1/servers/{fork_id}/template-update")
        assert update["available"] is False and update["currentVersion"] == 2, update
        assert convert(python, hosted) == first, "the fork still serves, its secret kept"
        forker.get(server + f"/servers/{fork_id}")
        assert not forker.find_elements(By.ID, "template-update-banner")
        screenshot(forker, f"market_{mode}_7_updated")
    finally:
        author.quit()
        forker.quit()

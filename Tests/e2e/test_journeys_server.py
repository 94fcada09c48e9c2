"""A signed-in person's journeys in the four modes of journey.py, in order on one account
per mode: the wizard builds a server, the playground calls it, an iteration builds
version 2 and a roll-back returns to version 1; settings (tokens, an invitation, the
workspace's name); then the server is deleted and the person signs out. Each journey
asserts the same end state with JavaScript on and off.

The server page's steps go through `open_server_section`, so they hold for the long
page and for the page with a tab per section alike."""
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from journey import (MODES, Journey, browser_for, click, follow, heading, open_server_section, path_of, scroll_to,
                     submit_and_wait, wait_for_build, wait_for_url)
from test_wizard import sign_in

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture(scope="module", params=list(MODES))
def account(request, server):
    """One browser per mode, signed in once; the journeys below pass their state on in `state`."""
    driver = browser_for(request.param)
    sign_in(driver, server)
    yield driver, request.param, {}
    driver.quit()


def needs(state, key):
    if key not in state:
        pytest.skip(f"an earlier journey of this mode did not get as far as {key}")
    return state[key]


def test_wizard_drafts_checks_and_builds(account, server):
    driver, mode, state = account
    journey = Journey(driver, "wizard", mode)
    driver.get(server + "/dashboard")
    follow(driver, "/servers/new")
    journey.step("describe", focus="#prompt")
    slug = "units-" + uuid.uuid4().hex[:6]
    driver.find_element(By.ID, "prompt").send_keys("Convert units: kilometres to miles, celsius to fahrenheit")
    driver.find_element(By.ID, "slug").send_keys(slug)
    click(driver, "#draft-button")
    wait_for_url(driver, rf"/servers/new/{UUID}$")
    journey.step("draft", focus="#tool-0-schema")

    schema = driver.find_element(By.ID, "tool-0-schema")
    original = schema.get_attribute("value")
    schema.send_keys("{")
    if journey.javascript:
        WebDriverWait(driver, 5).until(EC.visibility_of_element_located((By.ID, "tool-0-schema-error")))
    else:
        submit_and_wait(driver, "#build-button")
        assert "/servers/new/" in driver.current_url, "a broken schema is not built"
    assert "not valid JSON" in driver.find_element(By.ID, "tool-0-schema-error").text
    kept = driver.find_element(By.ID, "tool-0-schema").get_attribute("value")
    assert kept != original and kept.replace("{", "", 1) == original, "what was typed is kept"
    journey.step("schema error", focus="#tool-0-schema", status=None if journey.javascript else 422)
    schema = driver.find_element(By.ID, "tool-0-schema")
    schema.clear()
    schema.send_keys(original)
    if journey.javascript:
        WebDriverWait(driver, 5).until(EC.invisibility_of_element_located((By.ID, "tool-0-schema-error")))

    rows = len(driver.find_elements(By.CSS_SELECTOR, ".secret-row"))
    click(driver, "#add-secret")
    WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".secret-row")) == rows + 1)
    row = driver.find_elements(By.CSS_SELECTOR, ".secret-row")[-1]
    row.find_element(By.CSS_SELECTOR, "input[name$='_key']").send_keys("UNITS_LICENSE")
    row.find_element(By.CSS_SELECTOR, "input[name$='_value']").send_keys("licence-" + mode)
    row.find_element(By.CSS_SELECTOR, "input[name$='_description']").send_keys("A units licence, read only")
    journey.step("secrets", focus=f"#secret-{rows}-key")

    click(driver, "#build-button")
    wait_for_url(driver, rf"/servers/{UUID}\?from=wizard$")
    server_id = path_of(driver).split("/")[2]
    wait_for_build(driver)
    assert "is live" in driver.find_element(By.ID, "build-log").text
    journey.step("build log")

    open_server_section(driver, "Overview")
    endpoint = driver.find_element(By.CSS_SELECTOR, ".endpoint").text.strip()
    snippets = [s.get_attribute("id") for s in driver.find_elements(By.CSS_SELECTOR, ".snippet") if s.is_displayed()]
    journey.step("endpoint and install", focus="form[action*='/install-token'] button")
    assert endpoint == f"{server}/mcp/{server_id}"
    assert len(snippets) >= 5, snippets
    state.update(server_id=server_id, slug=slug)
    status = driver.find_element(By.ID, "server-status").text
    open_server_section(driver, "Secrets")
    secrets = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#secrets-title ~ form label code")]
    assert secrets == ["UNITS_LICENSE"]
    journey.step("secrets kept")
    journey.end(status=status, snippets=snippets, secrets=secrets)


def playground_arguments(driver, values):
    for name, value in values.items():
        field = driver.find_element(By.ID, "arg-" + name)
        if field.tag_name == "select":
            Select(field).select_by_value(value)
        else:
            field.clear()
            field.send_keys(value)


def test_playground_iterate_and_roll_back(account, server):
    driver, mode, state = account
    server_id = needs(state, "server_id")
    journey = Journey(driver, "playground", mode)
    driver.get(f"{server}/servers/{server_id}")
    open_server_section(driver, "Playground")
    playground_arguments(driver, {"value": "10", "from": "km", "to": "mi"})
    journey.step("playground", focus="#run-tool")
    submit_and_wait(driver, "#run-tool")
    result = driver.find_element(By.ID, "playground-result").text
    assert "Result" in result and "6.21" in result, result
    answer = driver.find_element(By.CSS_SELECTOR, "#playground-result pre").text
    scroll_to(driver, driver.find_element(By.ID, "playground-result"))
    journey.step("result")

    open_server_section(driver, "Versions")
    driver.find_element(By.ID, "iterate-change").send_keys("Also count the words of a text")
    journey.step("iterate", focus="#iterate-change")
    submit_and_wait(driver, "form[action$='/iterate'] button")
    assert heading(driver) == "Review the change", driver.current_url
    assert "count_words" in driver.find_element(By.TAG_NAME, "main").text or \
        "text_statistics" in driver.find_element(By.TAG_NAME, "main").text
    journey.step("review the change", focus="main form button[type='submit']")
    submit_and_wait(driver, "main form button[type='submit']")
    wait_for_build(driver)
    assert "Version 2 is live" in driver.find_element(By.ID, "build-log").text
    open_server_section(driver, "Versions")
    journey.step("version 2 live")
    assert live_version(driver) == "Version 2"

    journey.step("versions", focus="form[action$='/versions/1/activate'] button")
    submit_and_wait(driver, "form[action$='/versions/1/activate'] button")
    open_server_section(driver, "Versions")
    assert live_version(driver) == "Version 1"
    journey.step("rolled back")
    journey.end(answer=answer, live=live_version(driver),
                versions=[a.text for a in driver.find_elements(By.CSS_SELECTOR, ".version-list li > a")])


def live_version(driver):
    live = driver.find_elements(By.XPATH, "//ul[@class='version-list']/li[.//span[contains(@class,'status-active')]]/a")
    return [a.text.strip() for a in live][0] if live else None


def test_settings_tokens_invitation_and_rename(account, server):
    driver, mode, state = account
    journey = Journey(driver, "settings", mode)
    driver.get(server + "/dashboard")
    follow(driver, "/settings")
    journey.step("settings", focus="#token-name")
    # the token form's fields keep a usable width next to its group of options
    assert driver.find_element(By.ID, "token-name").size["width"] >= 150
    button = driver.find_element(By.CSS_SELECTOR, "form[action^='/settings/tokens'] button[type='submit']")
    assert button.size["height"] < 50, "the button's label does not wrap"

    driver.find_element(By.ID, "token-name").send_keys("journey token")
    submit_and_wait(driver, "form[action^='/settings/tokens'] button[type='submit']")
    assert driver.find_element(By.CSS_SELECTOR, ".new-token code").text.startswith("bmm_")
    # the answer opens at the tokens section: the one-time value is on screen, not screens below, on a phone too
    assert driver.execute_script(
        "const box = document.querySelector('.new-token').getBoundingClientRect();"
        "return box.top >= 0 && box.top < window.innerHeight;"), "the new token is in view"
    rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#tokens-title ~ .table-scroll tbody tr")
            if "journey token" in r.text]
    assert len(rows) == 1
    journey.step("token created", focus="#tokens-title ~ .table-scroll tbody button")
    button = rows[0].find_element(By.CSS_SELECTOR, "button")
    button.click()
    WebDriverWait(driver, 20).until(EC.staleness_of(button))
    assert "journey token" not in driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby='tokens-title']").text
    journey.step("token revoked")

    colleague = f"colleague-{uuid.uuid4().hex[:6]}@example.com"
    driver.find_element(By.ID, "invite-email").send_keys(colleague)
    journey.step("invite", focus="#invite-role")
    submit_and_wait(driver, "form[action$='/members'] button[type='submit']")
    assert colleague in driver.find_element(By.CSS_SELECTOR, ".pending-list").text
    journey.step("invited")

    name = driver.find_element(By.ID, "workspace-name")
    name.clear()
    name.send_keys("Journey workspace")
    journey.step("rename", focus="#workspace-name")
    submit_and_wait(driver, "form[action$='/workspace'] button[type='submit']")
    assert path_of(driver) == "/settings"
    assert driver.find_element(By.ID, "workspace-name").get_attribute("value") == "Journey workspace"
    assert driver.find_element(By.CSS_SELECTOR, ".page-lede").text.startswith("Journey workspace")
    journey.step("renamed")
    journey.end(workspace=driver.find_element(By.ID, "workspace-name").get_attribute("value"),
                tokens=len(driver.find_elements(By.CSS_SELECTOR, "#tokens-title ~ .table-scroll tbody tr")),
                pending=len(driver.find_elements(By.CSS_SELECTOR, ".pending-list li")))


def test_delete_the_server_and_sign_out(account, server):
    driver, mode, state = account
    server_id, slug = needs(state, "server_id"), needs(state, "slug")
    journey = Journey(driver, "delete", mode)
    driver.get(server + "/servers")
    follow(driver, f"/servers/{server_id}")
    open_server_section(driver, "Settings")
    driver.find_element(By.ID, "delete-confirm").send_keys(slug)
    journey.step("delete", focus="#delete-form button")
    submit_and_wait(driver, "#delete-form button")
    driver.get(server + "/servers")
    assert not driver.find_elements(By.CSS_SELECTOR, f"a[href='/servers/{server_id}']")
    journey.step("deleted")

    menu = driver.find_element(By.CSS_SELECTOR, ".user-menu > summary")
    journey.step("account menu", focus=".user-menu > summary")
    menu.click()
    journey.step("menu open", focus="form[action='/logout'] button")
    submit_and_wait(driver, "form[action='/logout'] button")
    assert path_of(driver) == "/"
    assert driver.get_cookie("bmm_session") is None
    journey.step("signed out", focus=".header-actions a[href='/login']")
    driver.get(server + "/dashboard")
    assert path_of(driver) == "/login"
    journey.end(path=path_of(driver), signed_in=driver.get_cookie("bmm_session") is not None)


"""The create-server wizard in Chromium: streaming draft, live checks, build."""
import uuid

import requests

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot
from test_accounts import click, newest_message


def sign_in(driver, server, email=None, lands="/dashboard"):
    """Signs in by email (a new account unless `email` is given), from the sign-in page the browser is on, if it is
    on one (it carries where to go next), and waits to land on `lands`."""
    email = email or f"wizard-{uuid.uuid4().hex[:8]}@example.com"
    if "/login" not in driver.current_url:
        driver.get(server + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    click(driver, "form[action='/login/email'] button")
    WebDriverWait(driver, 10).until(EC.url_contains("/login/check-email"))
    driver.get(newest_message(server, email)["link"])
    click(driver, "form[action='/auth/magic'] button")
    WebDriverWait(driver, 10).until(EC.url_contains(lands))
    return email


def test_wizard_streams_a_draft_then_builds(browser, server):
    sign_in(browser, server)
    browser.get(server + "/servers/new")
    assert "Offline drafter" in browser.find_element(By.CLASS_NAME, "drafter-note").text
    screenshot(browser, "wizard_step1")

    # a pasted key is caught in the browser before anything is sent
    prompt = browser.find_element(By.ID, "prompt")
    prompt.send_keys("Post to Slack with xoxb-" + "123456789012-123456789012-" + "Ab" * 12)
    click(browser, "#draft-button")
    error = WebDriverWait(browser, 5).until(EC.visibility_of_element_located((By.ID, "prompt-error")))
    assert "Slack" in error.text
    assert browser.current_url.endswith("/servers/new")

    prompt.clear()
    prompt.send_keys("Wikipedia search and a summary of an article")
    browser.find_element(By.ID, "slug").send_keys("wiki-" + uuid.uuid4().hex[:6])
    click(browser, "#draft-button")
    WebDriverWait(browser, 20).until(EC.url_matches(r"/servers/new/[0-9a-f-]{36}$"))
    screenshot(browser, "wizard_step2")

    cards = browser.find_elements(By.CSS_SELECTOR, ".tool-card")
    assert cards, "every drafted tool has a card"
    # the schema is checked as you type
    schema = browser.find_element(By.ID, "tool-0-schema")
    original = schema.get_attribute("value")
    schema.send_keys("{")
    schema_error = WebDriverWait(browser, 5).until(EC.visibility_of_element_located((By.ID, "tool-0-schema-error")))
    assert "not valid JSON" in schema_error.text
    # Build is refused in the browser while it is broken
    click(browser, "#build-button")
    assert "/servers/new/" in browser.current_url
    browser.execute_script("arguments[0].value = arguments[1]", schema, original)
    schema.send_keys(" ")
    WebDriverWait(browser, 5).until(EC.invisibility_of_element_located((By.ID, "tool-0-schema-error")))

    description = browser.find_element(By.ID, "tool-0-description")
    description.clear()
    description.send_keys("Search Wikipedia articles by keywords.")
    click(browser, "#build-button")
    WebDriverWait(browser, 20).until(EC.url_matches(r"/servers/[0-9a-f-]{36}\?from=wizard$"))
    # the build log follows live, and the page shows the server as live when it ends
    WebDriverWait(browser, 30).until(
        EC.text_to_be_present_in_element((By.ID, "server-status"), "Live"))
    log = browser.find_element(By.ID, "build-log").text
    assert "Compiled search_wikipedia" in log and "is live" in log
    endpoint = browser.find_element(By.CSS_SELECTOR, ".endpoint").text.strip()
    assert "/mcp/" in endpoint
    screenshot(browser, "server_page")

    # a call from an MCP client appears in the recent calls on the Logs tab as it happens
    click(browser, ".server-tabs a[href$='/logs']")
    WebDriverWait(browser, 10).until(EC.url_matches(r"/servers/[0-9a-f-]{36}/logs$"))
    WebDriverWait(browser, 10).until(EC.visibility_of_element_located((By.ID, "calls-live")))
    cookies = {c["name"]: c["value"] for c in browser.get_cookies()}
    token = requests.post(server + "/v1/tokens", json={"name": "tail"}, cookies=cookies,
                          headers={"X-CSRF-Token": cookies["bmm_csrf"], "Origin": server}, timeout=10).json()["token"]
    meta = {"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}}
    called = requests.post(endpoint, timeout=30, headers={
        "Authorization": f"Bearer {token}", "MCP-Protocol-Version": "2026-07-28", "Mcp-Method": "tools/call",
        "Mcp-Name": "search_wikipedia", "Accept": "application/json, text/event-stream"},
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/call",
              "params": {"name": "search_wikipedia", "arguments": {"query": "swift"}, "_meta": meta}})
    assert called.status_code == 200, called.text
    WebDriverWait(browser, 15).until(EC.text_to_be_present_in_element((By.ID, "calls-body"), "search_wikipedia"))


KEPT = "bmm:review:"


def kept_entries(driver):
    return driver.execute_script(
        "return Object.keys(localStorage).filter(k => k.startsWith(arguments[0]))"
        ".map(k => [k, localStorage.getItem(k)])", KEPT)


def test_wizard_keeps_unposted_edits_across_a_reload(browser, server):
    email = sign_in(browser, server)
    browser.get(server + "/servers/new")
    browser.find_element(By.ID, "prompt").send_keys("Wikipedia search and a summary of an article")
    click(browser, "#draft-button")
    WebDriverWait(browser, 20).until(EC.url_matches(r"/servers/new/[0-9a-f-]{36}$"))
    review = browser.current_url
    description = browser.find_element(By.ID, "tool-0-description")
    original = description.get_attribute("value")

    # edits, an added secret row with a value, nothing posted
    description.clear()
    description.send_keys("Kept across a reload.")
    click(browser, "#add-secret")
    key = WebDriverWait(browser, 5).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".secret-row:last-child input[name$='_key']")))
    key.send_keys("KEPT_KEY")
    index = key.get_attribute("name").split("_")[1]
    browser.find_element(By.ID, f"secret-{index}-value").send_keys("not-a-real-value-42")
    WebDriverWait(browser, 5).until(lambda d: kept_entries(d))
    [(_, stored)] = kept_entries(browser)
    assert "Kept across a reload." in stored and "KEPT_KEY" in stored
    assert "not-a-real-value-42" not in stored, "a secret's value is never written to the browser's storage"

    # a reload brings the edits back, says so, and asks for the secret's value again
    browser.get(review)
    notice = WebDriverWait(browser, 5).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".kept-edits")))
    assert "restored from this browser" in notice.text
    assert browser.find_element(By.ID, "tool-0-description").get_attribute("value") == "Kept across a reload."
    assert browser.find_element(By.ID, f"secret-{index}-key").get_attribute("value") == "KEPT_KEY"
    assert browser.find_element(By.ID, f"secret-{index}-value").get_attribute("value") == ""
    screenshot(browser, "wizard_kept_edits")

    # Discard puts the page back as the server sent it and forgets the edits
    click(browser, "#discard-kept-edits")
    assert browser.find_element(By.ID, "tool-0-description").get_attribute("value") == original
    assert not browser.find_elements(By.ID, f"secret-{index}-key")
    assert kept_entries(browser) == []
    browser.get(review)
    assert not browser.find_elements(By.CSS_SELECTOR, ".kept-edits")

    # a Build that meets an ended session keeps the edits: signed in again, the review page offers them back
    description = browser.find_element(By.ID, "tool-0-description")
    description.clear()
    description.send_keys("Kept through a sign-in.")
    WebDriverWait(browser, 5).until(lambda d: kept_entries(d))
    browser.delete_cookie("bmm_session")
    click(browser, "#build-button")
    WebDriverWait(browser, 10).until(EC.url_contains("/login"))
    sign_in(browser, server, email=email, lands=review.removeprefix(server))
    notice = WebDriverWait(browser, 5).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".kept-edits")))
    assert browser.find_element(By.ID, "tool-0-description").get_attribute("value") == "Kept through a sign-in."

    # building posts the edits; nothing is kept after it. Enter in a field builds: the form's first button is a
    # hidden Build, where it was "Add a secret" and Enter added a blank secret row.
    description = browser.find_element(By.ID, "tool-0-description")
    description.clear()
    description.send_keys("Posted with the build.")
    WebDriverWait(browser, 5).until(lambda d: kept_entries(d))
    browser.find_element(By.ID, "name").send_keys(Keys.ENTER)
    WebDriverWait(browser, 20).until(EC.url_matches(r"/servers/[0-9a-f-]{36}\?from=wizard$"))
    assert kept_entries(browser) == []


def test_wizard_without_javascript_on_a_phone(phone_without_js, server):
    driver = phone_without_js
    sign_in(driver, server)
    driver.get(server + "/servers/new")
    # an idea link fills the form without JS
    click(driver, ".example-chip")
    assert "Weather" in driver.find_element(By.ID, "prompt").get_attribute("value")
    click(driver, "#draft-button")
    WebDriverWait(driver, 20).until(EC.url_matches(r"/servers/new/[0-9a-f-]{36}$"))
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    screenshot(driver, "phone_wizard_step2")
    # "Add a secret" adds a row by a round trip
    rows = len(driver.find_elements(By.CSS_SELECTOR, ".secret-row"))
    click(driver, "#add-secret")
    WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".secret-row")) == rows + 1)
    # Enter in a field builds, as with the script: the form's first button is a hidden Build, not "Add a secret"
    driver.find_element(By.ID, "name").send_keys(Keys.ENTER)
    WebDriverWait(driver, 20).until(EC.url_matches(r"/servers/[0-9a-f-]{36}\?from=wizard$"))

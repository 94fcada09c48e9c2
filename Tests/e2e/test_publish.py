"""Publishing from the wizard's done page in Chromium, with JavaScript and without:
the "Share as template" box is pre-ticked and publishes only on its button."""
import json
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot
from test_accounts import click
from test_wizard import sign_in


def build_from_wizard(driver, server, prompt):
    """Drafts `prompt` with the offline drafter and builds it; returns at the done page."""
    sign_in(driver, server)
    driver.get(server + "/servers/new")
    driver.find_element(By.ID, "prompt").send_keys(prompt)
    driver.find_element(By.ID, "slug").send_keys("pub-" + uuid.uuid4().hex[:6])
    click(driver, "#draft-button")
    WebDriverWait(driver, 20).until(EC.url_matches(r"/servers/new/[0-9a-f-]{36}$"))
    click(driver, "#build-button")
    WebDriverWait(driver, 20).until(EC.url_matches(r"/servers/[0-9a-f-]{36}\?from=wizard$"))
    # The page reloads itself when the build ends (by script, or by its refresh without one),
    # and the box then holds the form.
    WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.ID, "share-form")))


def mine(driver, server):
    """The signed-in workspace's templates, read as the browser (its cookie) reads them."""
    driver.get(server + "/v1/templates/mine")
    return json.loads(driver.find_element(By.TAG_NAME, "body").text)["templates"]


def test_share_box_publishes_on_its_button(browser, server):
    build_from_wizard(browser, server, "Wikipedia search and a summary of an article")
    box = browser.find_element(By.ID, "share-template")
    assert "Secret values never leave your workspace" in box.text
    assert browser.find_element(By.ID, "share-checkbox").is_selected()
    assert browser.find_element(By.ID, "template-title").get_attribute("value")
    # the button says what it does with the box as it is
    submit = browser.find_element(By.ID, "share-submit")
    assert submit.text == "Publish template"
    click(browser, "#share-checkbox")
    assert submit.text == "Continue without sharing"
    click(browser, "#share-checkbox")
    assert submit.text == "Publish template"
    screenshot(browser, "share_box")
    title = "Wiki " + uuid.uuid4().hex[:6]
    field = browser.find_element(By.ID, "template-title")
    field.clear()
    field.send_keys(title)
    click(browser, "#share-submit")
    WebDriverWait(browser, 20).until(EC.url_contains("/templates/wiki-"))
    templates = mine(browser, server)
    assert [t["title"] for t in templates] == [title]
    assert templates[0]["status"] == "public" and templates[0]["version"] == 1


def test_unticked_box_publishes_nothing_without_javascript(phone_without_js, server):
    driver = phone_without_js
    build_from_wizard(driver, server, "Weather forecast for a city")
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 360
    screenshot(driver, "phone_share_box")
    done_path = driver.current_url[len(server):]
    click(driver, "#share-checkbox")
    click(driver, "#share-submit")
    WebDriverWait(driver, 20).until(EC.url_matches(r"/servers/[0-9a-f-]{36}\?notice=not-shared$"))
    assert "Not shared: the server stays private." in driver.find_element(By.TAG_NAME, "main").text
    # nothing was published: the page offers the Publish page instead of a template
    assert "Published as" not in driver.find_element(By.ID, "marketplace").text
    assert mine(driver, server) == []
    # ticked again on the done page, the same button publishes
    driver.get(server + done_path)
    click(driver, "#share-submit")
    WebDriverWait(driver, 20).until(EC.url_contains("/templates/"))
    assert [t["status"] for t in mine(driver, server)] == ["public"]

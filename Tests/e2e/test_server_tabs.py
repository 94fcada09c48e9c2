"""The server page's tabs in Chromium, with JavaScript on and off, on a phone (390x844) and a desktop (1280x800):
every tab is a real page reached from the tab row, nothing scrolls sideways or hides under the phone tab bar,
forms posted without JavaScript land back on their tab with their message, and the console stays clean."""
import re
import time

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from accounts import outbox_link, signed_in_session
from operations import call_tool
from conftest import make_browser, screenshot
from test_accounts import click

TABS = [("overview", "Overview"), ("tools", "Tools"), ("playground", "Playground"), ("logs", "Logs"),
        ("secrets", "Secrets"), ("versions", "Versions"), ("settings", "Settings")]
SIZES = {"phone": dict(width=390, height=844, mobile=True), "desktop": dict(width=1280, height=800)}

SPEC = {
    # One long word, as names in German or in emoji are: it must wrap on every page, not widen it.
    "name": "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung🚢", "slug": "tabs",
    "description": "Adds numbers, and says hello with a key.",
    "tools": [
        {"name": "add", "description": "Add two numbers.",
         "inputSchema": {"type": "object", "properties": {"a": {"type": "number"}, "b": {"type": "number"}},
                         "required": ["a", "b"]},
         "implementation": "return { sum: args.a + args.b };"},
        {"name": "greet", "description": "Say hello.",
         "inputSchema": {"type": "object", "properties": {"name": {"type": "string"}}},
         "implementation": "return 'Hello, ' + (args.name ?? 'world') + (ctx.secrets.GREETING_KEY ? '!' : '.');"},
    ],
    "requiredSecrets": [{"key": "GREETING_KEY", "description": "Any value", "howToGetUrl": "https://example.com/key"}],
    "allowedDomains": [],
}


def wait_active(session, base, server_id, other_than=None):
    """Waits until the server is live from a build other than `other_than`."""
    deadline = time.time() + 60
    while True:
        info = session.get(f"{base}/v1/servers/{server_id}", timeout=10).json()
        if info.get("status") == "active" and info.get("buildId") != other_than:
            return info
        assert info.get("status") != "failed" and time.time() < deadline, info
        time.sleep(0.3)


@pytest.fixture(scope="module")
def live(server):
    """A signed-in session with one live server: (session, server id)."""
    session = signed_in_session(server)
    # the dashboard greets the person by a display name of one long word
    renamed = session.patch(server + "/v1/account/profile", json={"displayName": "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetz"},
                            headers={"X-CSRF-Token": session.cookies.get("bmm_csrf", "")}, timeout=10)
    assert renamed.status_code == 200, renamed.text
    created = session.post(server + "/v1/servers", json={"spec": SPEC, "secrets": {"GREETING_KEY": ""}}, timeout=30)
    assert created.status_code == 201, created.text
    server_id = created.json()["id"].lower()
    wait_active(session, server, server_id)
    return session, server_id


def signed_in_browser(base, session, size, javascript):
    driver = make_browser(javascript=javascript, **SIZES[size])
    driver.get(base + "/login")
    for cookie in session.cookies:
        driver.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})
    return driver


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def current_tab(driver):
    links = driver.find_elements(By.CSS_SELECTOR, "nav[aria-label='Server'] a[aria-current='page']")
    assert len(links) == 1, [link.text for link in links]
    return links[0].text


def assert_fits(driver, size):
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= SIZES[size]["width"], f"{driver.current_url} scrolls sideways ({width} px)"


def assert_end_clear_of_tab_bar(driver):
    """Scrolled to the very end, the page's last line sits above the fixed phone tab bar."""
    driver.execute_script("window.scrollTo(0, document.documentElement.scrollHeight)")
    bar_top, last_bottom = driver.execute_script("""
        const bar = document.querySelector('.tab-bar').getBoundingClientRect();
        const last = document.querySelector('.site-footer .footer-bottom').getBoundingClientRect();
        return [bar.top, last.bottom];""")
    assert last_bottom <= bar_top + 0.5, f"{driver.current_url}: the page ends at {last_bottom}, under the tab bar at {bar_top}"


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
@pytest.mark.parametrize("size", SIZES)
def test_every_tab_is_a_page_of_its_own(server, live, size, javascript):
    session, server_id = live
    driver = signed_in_browser(server, session, size, javascript)
    try:
        page = f"{server}/servers/{server_id}"
        driver.get(page)
        for slug, title in TABS:
            # reached by the tab row's link, like a person would (back at the top, where the row is)
            driver.execute_script("window.scrollTo(0, 0)")
            click(driver, f"nav[aria-label='Server'] a[href$='/{server_id if slug == 'overview' else slug}']")
            expected = page if slug == "overview" else f"{page}/{slug}"
            WebDriverWait(driver, 10).until(lambda d, url=expected: d.current_url == url)
            assert current_tab(driver) == title
            assert_fits(driver, size)
            if javascript:
                # the current tab is scrolled into the row's view
                inside = driver.execute_script("""
                    const row = document.querySelector('.server-tabs').getBoundingClientRect();
                    const tab = document.querySelector('.server-tabs [aria-current="page"]').getBoundingClientRect();
                    return tab.left >= row.left - 1 && tab.right <= row.right + 1;""")
                assert inside, f"{title} is scrolled out of the tab row"
            screenshot(driver, f"server_tab_{size}_{'js' if javascript else 'nojs'}_{slug}")
            if size == "phone":
                assert_end_clear_of_tab_bar(driver)
        if javascript:
            # the tab's own scripts still work: the live call tail on Logs
            driver.get(page + "/logs")
            WebDriverWait(driver, 10).until(EC.visibility_of_element_located((By.ID, "calls-live")))
            # a call made now arrives as a row written as the server writes its own: "7 Dec 09:15:02" (UTC)
            token = session.post(server + "/v1/tokens", json={"name": f"tail {size}"}, timeout=10).json()["token"]
            before = len(driver.find_elements(By.CSS_SELECTOR, "#calls-body tr"))
            assert call_tool(server, server_id, token, "greet", {}).status_code == 200
            WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#calls-body tr")) > before)
            arrived = driver.find_element(By.CSS_SELECTOR, "#calls-body tr td").text
            assert re.fullmatch(r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d\d:\d\d:\d\d", arrived), arrived
            # the Playground's tool choice waits for Choose: picking alone never reloads the page
            driver.get(page + "/playground")
            Select(driver.find_element(By.ID, "playground-tool")).select_by_value("greet")
            time.sleep(0.5)
            assert "tool=greet" not in driver.current_url
            click(driver, "#choose-tool")
            WebDriverWait(driver, 10).until(EC.url_contains("tool=greet"))
            assert current_tab(driver) == "Playground"
            assert driver.find_element(By.ID, "run-tool").text == "Run greet"
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_forms_land_on_their_tab_without_javascript(server, live):
    session, server_id = live
    driver = signed_in_browser(server, session, "phone", javascript=False)
    page = f"{server}/servers/{server_id}"
    try:
        # a secret: back on Secrets with its message
        driver.get(page + "/secrets")
        driver.find_element(By.ID, "secret-GREETING_KEY").send_keys("hello-key")
        click(driver, "form.secret-replace button[type='submit']")
        WebDriverWait(driver, 10).until(EC.url_contains("/secrets?notice=secret"))
        assert "Secret saved" in driver.find_element(By.CSS_SELECTOR, ".notice[role='status']").text
        assert current_tab(driver) == "Secrets"
        screenshot(driver, "server_form_phone_secrets")

        # a playground call without JavaScript: the answer on Playground
        driver.get(page + "/playground?tool=add")
        driver.find_element(By.ID, "arg-a").send_keys("2")
        driver.find_element(By.ID, "arg-b").send_keys("3")
        click(driver, "#run-tool")
        result = WebDriverWait(driver, 20).until(EC.presence_of_element_located((By.ID, "playground-result")))
        assert '"sum":5' in result.text.replace(" ", "")
        assert current_tab(driver) == "Playground"
        assert_fits(driver, "phone")
        screenshot(driver, "server_form_phone_playground")

        # settings: a new version builds; back on Settings with its message
        before = session.get(f"{server}/v1/servers/{server_id}", timeout=10).json()["buildId"]
        driver.get(page + "/settings")
        name = driver.find_element(By.ID, "settings-name")
        name.clear()
        name.send_keys("Tabs two")
        click(driver, "#settings-form button[type='submit']")
        WebDriverWait(driver, 10).until(EC.url_contains("/settings?notice=settings"))
        assert "Settings saved" in driver.find_element(By.CSS_SELECTOR, ".notice[role='status']").text
        assert current_tab(driver) == "Settings"
        screenshot(driver, "server_form_phone_settings")
        wait_active(session, server, server_id, other_than=before)

        # rolling back: back on Versions with its message
        driver.get(page + "/versions")
        click(driver, ".version-list form button")
        WebDriverWait(driver, 10).until(EC.url_contains("/versions?notice=rollback"))
        assert "Version activated" in driver.find_element(By.CSS_SELECTOR, ".notice[role='status']").text
        assert current_tab(driver) == "Versions"
        screenshot(driver, "server_form_phone_versions")

        assert console_errors(driver) == []
        # a wrong delete confirmation is explained on Settings (with status 422, which the console notes), and nothing
        # is deleted
        driver.get(page + "/settings")
        driver.find_element(By.ID, "delete-confirm").send_keys("not-the-slug")
        click(driver, "#delete-form button[type='submit']")
        alert = WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.ID, "delete-confirm-error")))
        assert "to confirm deletion" in alert.text
        assert driver.switch_to.active_element.get_attribute("id") == "delete-confirm"
        assert current_tab(driver) == "Settings"
        assert re.search(r"/servers/[0-9a-f-]{36}/delete$", driver.current_url)
        assert [e for e in console_errors(driver) if not (e["source"] == "network" and "422" in e["message"])] == []
    finally:
        driver.quit()


@pytest.mark.parametrize("size", SIZES)
def test_signed_in_pages_end_above_the_phone_tab_bar(server, live, size):
    session, server_id = live
    driver = signed_in_browser(server, session, size, javascript=True)
    try:
        for path in ("/dashboard", "/servers", f"/servers/{server_id}/settings", "/settings"):
            driver.get(server + path)
            assert_fits(driver, size)
            bar = driver.find_element(By.CSS_SELECTOR, ".tab-bar")
            if size == "phone":
                assert bar.is_displayed()
                assert_end_clear_of_tab_bar(driver)
            else:
                assert not bar.is_displayed()
        assert console_errors(driver) == []
    finally:
        driver.quit()


def test_spec_sent_after_the_session_ended_is_kept_to_send_again(server):
    """A hand-edited spec sent after the session ended (signed out on another device) is not lost: the page that
    answers holds it, sign-in opens in a new tab, and "Send it again" there builds it as typed."""
    session = signed_in_session(server)
    created = session.post(server + "/v1/servers", json={"spec": dict(SPEC, name="Kept", slug="kept"), "secrets": {"GREETING_KEY": ""}},
                           timeout=30)
    assert created.status_code == 201, created.text
    server_id = created.json()["id"].lower()
    first_build = wait_active(session, server, server_id)["buildId"]
    old_link = outbox_link(server, session.email)
    driver = signed_in_browser(server, session, "desktop", javascript=True)
    try:
        driver.get(f"{server}/servers/{server_id}/versions")
        box = driver.find_element(By.ID, "spec-json")
        typed = box.get_attribute("value").replace(SPEC["description"], "Kept <while> signed out & sent again.")
        assert typed != box.get_attribute("value")
        driver.execute_script("arguments[0].value = arguments[1]", box, typed)
        # the session ends elsewhere while the form is open
        assert session.post(server + "/v1/auth/logout", timeout=10).status_code in (200, 204)
        click(driver, "form[action$='/spec'] button[type='submit']")

        WebDriverWait(driver, 10).until(EC.text_to_be_present_in_element((By.TAG_NAME, "h1"), "You were signed out"))
        kept = driver.find_element(By.CSS_SELECTOR, "#unsent-form textarea[name='spec']")
        assert kept.get_attribute("value") == typed
        assert kept.get_attribute("readonly") is not None
        screenshot(driver, "unsent_spec_signed_out")

        # sign in again in the tab the page opens, as the page says
        original = driver.current_window_handle
        click(driver, ".error-actions a[target='_blank']")
        WebDriverWait(driver, 10).until(lambda d: len(d.window_handles) == 2)
        driver.switch_to.window(next(handle for handle in driver.window_handles if handle != original))
        WebDriverWait(driver, 10).until(EC.presence_of_element_located((By.ID, "email"))).send_keys(session.email)
        click(driver, "form[action='/login/email'] button[type='submit']")
        deadline = time.time() + 10
        while (link := outbox_link(server, session.email)) == old_link:
            assert time.time() < deadline, "no new sign-in link"
            time.sleep(0.2)
        driver.get(link)
        click(driver, "form input[name='token'] ~ button[type='submit']")
        WebDriverWait(driver, 10).until(EC.url_contains(f"/servers/{server_id}/versions"))
        driver.close()

        # back on the first tab, the form goes again and builds the spec as typed
        driver.switch_to.window(original)
        click(driver, "#unsent-form button[type='submit']")
        WebDriverWait(driver, 10).until(EC.url_matches(rf"/servers/{server_id}(\?|$)"))
        browser_session = requests.Session()
        for cookie in driver.get_cookies():
            browser_session.cookies.set(cookie["name"], cookie["value"])
        live = wait_active(browser_session, server, server_id, other_than=first_build)
        assert live["description"] == "Kept <while> signed out & sent again."
        # the 401 page is one the console notes; nothing else
        assert [e for e in console_errors(driver) if not (e["source"] == "network" and "401" in e["message"])] == []
    finally:
        driver.quit()

"""The site in headless Chromium, as a visitor on a phone or desktop sees it."""
import contextlib
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import screenshot

PAGES = ["/", "/pricing", "/docs", "/docs/quickstart", "/docs/authoring-tools", "/docs/api", "/changelog", "/login",
         "/privacy", "/agb", "/status"]


def wait(driver, seconds=10):
    return WebDriverWait(driver, seconds)


@pytest.mark.parametrize("path", PAGES)
def test_no_horizontal_scroll_at_360px(phone, server, path):
    phone.get(server + path)
    width = phone.execute_script("return document.documentElement.scrollWidth")
    viewport = phone.execute_script("return window.innerWidth")
    assert viewport == 360, "the phone emulation is not 360 px wide"
    screenshot(phone, "phone" + path.replace("/", "_"))
    assert width <= viewport, f"{path} scrolls sideways: {width}px content in a {viewport}px viewport"


def test_hamburger_menu_works_without_javascript(phone_without_js, server):
    driver = phone_without_js
    driver.get(server + "/")
    assert driver.execute_script("return document.querySelectorAll('script[type=module]').length") > 0
    panel_links = driver.find_elements(By.CSS_SELECTOR, ".nav-menu-panel a")
    assert panel_links and not any(link.is_displayed() for link in panel_links)
    driver.find_element(By.CSS_SELECTOR, ".nav-menu summary").click()
    # the panel fades in (unless reduced motion is asked for): wait until it is all there
    wait(driver).until(lambda d: all(link.is_displayed() for link in d.find_elements(By.CSS_SELECTOR, ".nav-menu-panel a")))
    visible = [link.text for link in driver.find_elements(By.CSS_SELECTOR, ".nav-menu-panel a") if link.is_displayed()]
    screenshot(driver, "phone_menu_open_nojs")
    assert "Docs" in visible and "Pricing" in visible
    driver.find_element(By.LINK_TEXT, "Pricing").click()
    assert driver.current_url.endswith("/pricing")


def test_desktop_hides_the_hamburger(browser, server):
    browser.get(server + "/")
    assert not browser.find_element(By.CSS_SELECTOR, ".nav-menu summary").is_displayed()
    assert browser.find_element(By.CSS_SELECTOR, ".site-nav a[href='/docs']").is_displayed()
    screenshot(browser, "desktop_home")


def test_pricing_toggle_works_without_javascript(phone_without_js, server):
    driver = phone_without_js
    driver.get(server + "/pricing")
    monthly = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".price-monthly .price-amount") if e.is_displayed()]
    assert "€199" in monthly
    driver.find_element(By.CSS_SELECTOR, "label[for='billing-yearly']").click()
    yearly = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".price-yearly .price-amount") if e.is_displayed()]
    screenshot(driver, "phone_pricing_yearly_nojs")
    assert "€165" in yearly
    assert not any(e.is_displayed() for e in driver.find_elements(By.CSS_SELECTOR, ".price-monthly"))


def test_docs_search_works_in_the_static_export(browser, static_site):
    browser.get(static_site + "/docs/quickstart")
    box = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".docs-search-input")))
    box.click()
    box.send_keys("refresh token")
    results = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".docs-search-results")))
    wait(browser).until(lambda _: results.find_elements(By.CSS_SELECTOR, "[role=option] .result-link"))
    screenshot(browser, "export_docs_search")
    # a click on a result opens it (the keyboard's Enter is the journeys')
    results.find_elements(By.CSS_SELECTOR, "[role=option]")[0].click()
    wait(browser).until(lambda d: "/docs/" in d.current_url and not d.current_url.endswith("/quickstart"))

    # a result found by a section's heading opens the page at that section
    box = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".docs-search-input")))
    box.click()
    box.send_keys("revoke")
    results = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".docs-search-results")))
    wait(browser).until(lambda _: results.find_elements(By.CSS_SELECTOR, "[role=option] .result-link"))
    results.find_elements(By.CSS_SELECTOR, "[role=option]")[0].click()
    wait(browser).until(lambda d: "#" in d.current_url)
    fragment = browser.current_url.split("#", 1)[1]
    heading = browser.find_element(By.ID, fragment)
    assert heading.tag_name == "h2" and "revoke" in heading.text.lower(), heading.text

    box = wait(browser).until(EC.visibility_of_element_located((By.CSS_SELECTOR, ".docs-search-input")))
    box.click()
    box.send_keys("zzqxw-nothing-matches")
    wait(browser).until(lambda d: "No results" in d.find_element(By.CSS_SELECTOR, ".docs-search-results").text)


def test_code_blocks_get_a_copy_button(browser, server):
    browser.get(server + "/docs/oauth")
    buttons = wait(browser).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".copy-button"))
    assert len(buttons) == len(browser.find_elements(By.CSS_SELECTOR, "pre > code"))


def test_docs_without_javascript_hide_search_but_keep_navigation(phone_without_js, server):
    driver = phone_without_js
    driver.get(server + "/docs/oauth")
    assert not driver.find_element(By.CSS_SELECTOR, ".docs-search").is_displayed()
    driver.find_element(By.CSS_SELECTOR, "label[for='docs-menu-toggle']").click()
    nav = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".docs-nav a") if a.is_displayed()]
    assert "Quickstart" in nav


def test_status_page_reprobes(browser, server):
    browser.get(server + "/status")
    # The server's check time; the script re-probes every 10 s and moves it on.
    first = browser.execute_script("return Date.parse(document.querySelector('[data-checked-at]').dateTime)")
    wait(browser, 25).until(lambda d: d.execute_script(
        "return Date.parse(document.querySelector('[data-checked-at]').dateTime)") >= first + 5000)
    assert "operational" in browser.find_element(By.TAG_NAME, "main").text.lower()
    screenshot(browser, "status")


@contextlib.contextmanager
def offline_after_the_service_worker(browser, base, visit=()):
    """Opens `base`, waits for the service worker, visits `visit` online, then keeps the browser offline inside."""
    browser.get(base + "/")
    browser.execute_async_script(
        "const done = arguments[0]; navigator.serviceWorker.ready.then(() => done(true));")
    time.sleep(0.5)
    for path in visit:
        browser.get(base + path)
        wait(browser).until(lambda d: d.find_element(By.TAG_NAME, "h1").text)
    browser.set_network_conditions(offline=True, latency=0, download_throughput=-1, upload_throughput=-1)
    try:
        yield
    finally:
        browser.set_network_conditions(offline=False, latency=0, download_throughput=-1, upload_throughput=-1)


def test_offline_fallback_from_the_service_worker(browser, server):
    with offline_after_the_service_worker(browser, server):
        browser.get(server + "/changelog")
        wait(browser).until(lambda d: "offline" in d.find_element(By.TAG_NAME, "h1").text.lower())
        screenshot(browser, "offline")


def test_the_exported_site_works_offline_on_a_host_that_redirects_folders(browser, static_site):
    # Python's static server answers /offline and /pricing with a redirect to the folder (/offline/, /pricing/), as
    # GitHub Pages and S3 do: the kept offline page is marked redirected, and pages are kept under the folder's address.
    with offline_after_the_service_worker(browser, static_site, visit=["/pricing"]):
        # a page visited before opens from the cache, by the address the links use
        browser.get(static_site + "/pricing")
        wait(browser).until(lambda d: "pricing" in d.title.lower() and "offline" not in d.title.lower())
        # one never visited shows the site's offline page, not the browser's error
        browser.get(static_site + "/docs/faq")
        wait(browser).until(lambda d: "offline" in d.find_element(By.TAG_NAME, "h1").text.lower())
        screenshot(browser, "offline-export")


def test_focus_stays_visible_in_forced_colors(browser, server):
    # Windows high contrast drops box-shadow, the focus ring of buttons and menus elsewhere (WCAG 2.4.7).
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "forced-colors", "value": "active"}]})
    try:
        browser.get(server + "/")
        assert browser.execute_script("return matchMedia('(forced-colors: active)').matches")
        button = browser.find_element(By.CSS_SELECTOR, "a.button")
        body = browser.find_element(By.TAG_NAME, "body")
        body.send_keys(Keys.TAB)
        for _ in range(40):
            if browser.switch_to.active_element == button:
                break
            browser.switch_to.active_element.send_keys(Keys.TAB)
        assert browser.switch_to.active_element == button, "the first button is not reached by Tab"
        style = browser.execute_script(
            "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, parseFloat(s.outlineWidth)];", button)
        assert style[0] == "solid" and style[1] >= 2, style
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})

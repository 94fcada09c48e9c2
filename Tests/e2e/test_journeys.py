"""Journeys of people who are not signed in yet, in the four modes of journey.py: a
visitor reading the site, signing up by email link and by SMS code, and browsing the
marketplace. Each ends in the same state with JavaScript on and off."""
import re
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from journey import MODES, Journey, browser_for, click, follow, heading, path_of, submit_and_wait
from test_accounts import newest_message
from test_marketplace_browser import market  # noqa: F401 (a fixture: 60 seeded templates)


@pytest.fixture(scope="module", params=list(MODES))
def mode(request):
    return request.param


@pytest.fixture(scope="module")
def browser_of_mode(mode):
    browser = browser_for(mode)
    yield browser
    browser.quit()


@pytest.fixture
def driver(browser_of_mode):
    """The mode's browser, signed out: every journey here starts as a stranger."""
    browser_of_mode.execute_cdp_cmd("Network.clearBrowserCookies", {})
    return browser_of_mode


def test_visitor_reads_pricing_docs_and_changelog(driver, mode, server):
    journey = Journey(driver, "visitor", mode)
    driver.get(server + "/")
    journey.step("landing", focus=".hero-actions a.button-primary")

    follow(driver, "/pricing")
    journey.step("pricing", focus="main a.button")

    follow(driver, "/docs")
    journey.step("docs")
    if journey.javascript:
        box = WebDriverWait(driver, 10).until(EC.visibility_of_element_located((By.ID, "docs-search-input")))
        box.send_keys("oauth")
        WebDriverWait(driver, 10).until(EC.visibility_of_element_located((By.ID, "docs-search-results")))
        journey.step("search results", focus="#docs-search-input")
        box.send_keys(Keys.ENTER)
        WebDriverWait(driver, 10).until(lambda d: path_of(d) == "/docs/oauth")
    else:
        assert not driver.find_element(By.CSS_SELECTOR, ".docs-search").is_displayed(), "no search box that cannot work"
        if journey.phone:
            click(driver, ".docs-menu-label")
            journey.step("docs menu", focus=".docs-nav a")
        follow(driver, "/docs/oauth")
    assert "OAuth" in heading(driver)
    journey.step("docs page", focus=".docs-nav a[aria-current='page'], .docs-article .prose a[href]")

    follow(driver, "/changelog")
    assert heading(driver) == "Changelog"
    assert driver.find_elements(By.CSS_SELECTOR, "main article, main section"), "the changelog lists releases"
    journey.step("changelog", focus="main a")
    journey.end(path=path_of(driver), heading=heading(driver))


def sign_up_by_email(driver, server, journey):
    email = f"journey-{uuid.uuid4().hex[:8]}@example.com"
    driver.get(server + "/login")
    journey.step("login", focus="#email")
    driver.find_element(By.ID, "email").send_keys(email)
    submit_and_wait(driver, "form[action='/login/email'] button")
    assert path_of(driver) == "/login/check-email"
    journey.step("check email")
    driver.get(newest_message(server, email)["link"])
    journey.step("confirm", focus="form[action='/auth/magic'] button")
    submit_and_wait(driver, "form[action='/auth/magic'] button")
    return email


def test_sign_up_by_email_link(driver, mode, server):
    journey = Journey(driver, "signup-email", mode)
    sign_up_by_email(driver, server, journey)
    assert path_of(driver) == "/dashboard"
    assert heading(driver).startswith("Welcome")
    journey.step("dashboard", focus="nav a[aria-current='page']")
    journey.end(path=path_of(driver), signed_in=driver.get_cookie("bmm_session") is not None)


def test_sign_up_by_sms_code(driver, mode, server):
    journey = Journey(driver, "signup-sms", mode)
    national = "79 " + str(uuid.uuid4().int)[:3] + " 45 67"
    driver.get(server + "/login")
    driver.find_element(By.ID, "national").send_keys(national)
    journey.step("phone number", focus="form[action='/login/sms'] button")
    submit_and_wait(driver, "form[action='/login/sms'] button")
    assert path_of(driver) == "/login/sms/verify"
    code = re.match(r"\d{6}", newest_message(server, "+41" + national.replace(" ", ""))["body"]).group(0)
    journey.step("code", focus="#code")
    driver.find_element(By.ID, "code").send_keys(code)
    submit_and_wait(driver, "form[action='/login/sms/verify'] button")
    assert path_of(driver) == "/dashboard"
    assert heading(driver).startswith("Welcome")
    journey.step("dashboard", focus="nav a[aria-current='page']")
    journey.end(path=path_of(driver), signed_in=driver.get_cookie("bmm_session") is not None)


def test_marketplace_browse_to_a_template(driver, mode, market):  # noqa: F811
    base, _ = market
    journey = Journey(driver, "marketplace", mode)
    driver.get(base + "/templates")
    journey.step("listing", focus="#templates-q")
    first = driver.find_element(By.CSS_SELECTOR, ".template-card-title a")
    title, href = first.text.strip(), first.get_attribute("href")
    click(driver, ".template-card-title a")
    WebDriverWait(driver, 10).until(lambda d: d.current_url == href)
    assert heading(driver).startswith(title)
    journey.step("template", focus="main form button, main a.button")
    journey.end(path=path_of(driver), heading=heading(driver))

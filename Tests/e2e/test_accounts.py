"""Signing in as a person does: in Chromium, through the forms, with the dev outbox."""
import re
import urllib.parse
import uuid

import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import screenshot
from journey import submit_and_wait


def click(driver, selector):
    """Clicks like a person: scrolled into view first (by WebDriver actions, so it
    works with JavaScript off too)."""
    element = driver.find_element(By.CSS_SELECTOR, selector)
    ActionChains(driver).scroll_to_element(element).perform()
    try:
        element.click()
    except ElementClickInterceptedException:
        # WebDriver scrolls just far enough to bring the element to the viewport's bottom edge, where the phone's
        # fixed tab bar covers it; a person scrolls a little further.
        ActionChains(driver).scroll_by_amount(0, 200).perform()
        element.click()


def newest_message(server, recipient):
    messages = requests.get(server + "/dev/outbox.json", timeout=10).json()["messages"]
    return next(m for m in messages if m["recipient"] == recipient)


def test_magic_link_sign_in_in_the_browser(browser, server):
    email = f"person-{uuid.uuid4().hex[:8]}@example.com"
    browser.get(server + "/login")
    screenshot(browser, "login")
    browser.find_element(By.ID, "email").send_keys(email)
    click(browser, "form[action='/login/email'] button")
    WebDriverWait(browser, 10).until(EC.url_contains("/login/check-email"))
    assert "Check your email" in browser.find_element(By.TAG_NAME, "h1").text

    link = newest_message(server, email)["link"]
    assert link.startswith(server + "/auth/magic?token=")
    browser.get(link)
    click(browser, "form[action='/auth/magic'] button")
    WebDriverWait(browser, 10).until(EC.url_contains("/dashboard"))
    assert "Welcome" in browser.find_element(By.TAG_NAME, "h1").text
    screenshot(browser, "dashboard")

    session = browser.get_cookie("bmm_session")
    assert session["httpOnly"] is True
    assert session["sameSite"] == "Lax"

    # the public header notices the session (site.js asks /v1/auth/me)
    browser.get(server + "/pricing")
    dashboard_link = WebDriverWait(browser, 10).until(
        EC.visibility_of_element_located((By.CSS_SELECTOR, ".header-actions [data-signed-in]")))
    assert dashboard_link.get_attribute("href").endswith("/dashboard")

    # the signed-in pages fit a phone, tab bar included
    for path in ("/dashboard", "/settings", "/audit"):
        browser.get(server + path)
        assert browser.find_element(By.CSS_SELECTOR, ".app-nav a[aria-current='page']").get_attribute("href").endswith(path)

    # signing out ends the session
    browser.get(server + "/dashboard")
    click(browser, ".logout-form button")
    WebDriverWait(browser, 10).until(lambda d: d.current_url.rstrip("/") == server)
    assert browser.get_cookie("bmm_session") is None
    browser.get(server + "/dashboard")
    assert "/login" in browser.current_url


def test_sms_sign_in_without_javascript(phone_without_js, server):
    driver = phone_without_js
    national = "79 " + str(uuid.uuid4().int)[:3] + " 45 67"
    driver.get(server + "/login")
    assert Select(driver.find_element(By.ID, "country")).first_selected_option.get_attribute("value") == "CH"
    driver.find_element(By.ID, "national").send_keys(national)
    click(driver, "form[action='/login/sms'] button")
    WebDriverWait(driver, 10).until(EC.url_contains("/login/sms/verify"))
    e164 = "+41" + national.replace(" ", "")
    code = re.match(r"\d{6}", newest_message(server, e164)["body"]).group(0)
    screenshot(driver, "phone_sms_code")
    driver.find_element(By.ID, "code").send_keys(code)
    click(driver, "form[action='/login/sms/verify'] button")
    WebDriverWait(driver, 10).until(lambda d: urllib.parse.urlparse(d.current_url).path == "/dashboard")
    assert "Welcome" in driver.find_element(By.TAG_NAME, "h1").text
    for path in ("/dashboard", "/settings", "/audit"):
        driver.get(server + path)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= 360, path
        tab = driver.find_element(By.CSS_SELECTOR, ".tab-bar a[aria-current='page']")
        assert tab.is_displayed() and tab.get_attribute("href").endswith(path)
        screenshot(driver, "phone_app" + path.replace("/", "_"))


def test_invalid_phone_keeps_what_was_typed(phone_without_js, server):
    driver = phone_without_js
    driver.get(server + "/login")
    driver.find_element(By.ID, "national").send_keys("12")
    # The login page always holds a hidden #phone-error: wait for the answer's page first.
    submit_and_wait(driver, "form[action='/login/sms'] button")
    error = driver.find_element(By.ID, "phone-error")
    assert "short" in error.text.lower()
    assert driver.find_element(By.ID, "national").get_attribute("value") == "12"
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= driver.execute_script("return window.innerWidth")
    screenshot(driver, "phone_login_error")


def test_oversized_body_is_refused_with_413(server):
    body = '{"email":"' + "a" * 100_000 + '@example.com"}'
    response = requests.post(server + "/v1/auth/magic-link", data=body,
                             headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"


def test_phone_is_checked_in_the_browser_too(phone, server):
    phone.get(server + "/login")
    phone.find_element(By.ID, "national").send_keys("12")
    click(phone, "form[action='/login/sms'] button")
    error = WebDriverWait(phone, 5).until(EC.visibility_of_element_located((By.ID, "phone-error")))
    assert error.text == "That number looks too short for Switzerland."
    assert urllib.parse.urlparse(phone.current_url).path == "/login"  # nothing was sent
    screenshot(phone, "phone_login_checked_in_browser")

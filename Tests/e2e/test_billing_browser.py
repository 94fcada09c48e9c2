"""Upgrading in headless Chromium against the `fake-stripe` server (built next to `bmm`): with JavaScript the
checkout button opens the embedded Checkout in a dialog (the fake Stripe.js shows the client secret it was given);
without JavaScript the same button posts and is redirected to the hosted Checkout URL the fake returns. Paying there
completes the session as Stripe does: the fake sends its signed webhook events to `bmm`, and the billing page of the
subscribed workspace is then checked, through a plan change, a cancellation and a reactivation. At a 390 x 844 phone
and a 1280 x 800 desktop."""
import os
import pathlib
import subprocess
import time
import uuid

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BINARY, ROOT, free_port, make_browser, screenshot, wait_for
from test_accounts import click, newest_message

FAKE_STRIPE = pathlib.Path(BINARY).parent / "fake-stripe"
SIZES = {"phone390": (390, 844, True), "desktop1280": (1280, 800, False)}
# Obviously fake; the fake signs its webhook events with it and `bmm` verifies them with it.
WEBHOOK_SECRET = "whsec_BmmFakeBrowserJourney"


@pytest.fixture(scope="module")
def billing(tmp_path_factory):
    """`fake-stripe`, sending its webhook events to `bmm serve`, and `bmm serve` with billing on, pointed at it;
    yields (bmm base URL, fake base URL)."""
    assert FAKE_STRIPE.exists(), f"build it first: swift build --product fake-stripe ({FAKE_STRIPE})"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path_factory.mktemp("billing")
    fake_log = open(data / "fake-stripe.log", "w")
    fake = subprocess.Popen([str(FAKE_STRIPE), "0", "--webhook", base + "/v1/billing/webhook",
                             "--webhook-secret", WEBHOOK_SECRET],
                            stdout=subprocess.PIPE, stderr=fake_log, text=True)
    try:
        fake_base = f"http://127.0.0.1:{int(fake.stdout.readline())}"
        env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_RELOAD="off",
                   BMM_SIGNIN_SENDS_PER_IP="1000", BMM_DEFAULT_PLAN="hobby", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                   STRIPE_SECRET_KEY="sk_test_51BmmFakeSecretKey0123456789abcdefABCDEF",
                   STRIPE_PUBLISHABLE_KEY="pk_test_51BmmFakePublishable", STRIPE_API_BASE=fake_base,
                   STRIPE_JS_URL=fake_base + "/endive/stripe.js",
                   STRIPE_PRICE_PRO_MONTHLY="price_pro_month", STRIPE_PRICE_PRO_YEARLY="price_pro_year",
                   STRIPE_PRICE_TEAM_MONTHLY="price_team_month", STRIPE_PRICE_TEAM_YEARLY="price_team_year")
        env.pop("DATABASE_URL", None)
        log = open(data / "serve.log", "w")
        process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_for(base + "/healthz")
            yield base, fake_base
        finally:
            process.terminate()
            process.wait(timeout=20)
            log.close()
    finally:
        fake.terminate()
        fake.wait(timeout=10)
        fake_log.close()


def browser_for(size, javascript):
    width, height, mobile = SIZES[size]
    return make_browser(width=width, height=height, javascript=javascript, mobile=mobile)


def sign_in(driver, base):
    email = f"billing-{uuid.uuid4().hex[:8]}@example.com"
    driver.get(base + "/login")
    driver.find_element(By.ID, "email").send_keys(email)
    click(driver, "form[action='/login/email'] button")
    WebDriverWait(driver, 10).until(EC.url_contains("/login/check-email"))
    driver.get(newest_message(base, email)["link"])
    click(driver, "form[action='/auth/magic'] button")
    WebDriverWait(driver, 10).until(EC.url_contains("/dashboard"))


def upgrade_button(driver):
    buttons = driver.find_elements(By.CSS_SELECTOR, "form[action='/settings/billing/checkout'] button.button-primary")
    assert len(buttons) == 1, "the plan from the query is preselected"
    assert "Upgrade to Pro, monthly" in buttons[0].text
    return buttons[0]


@pytest.mark.parametrize("size", list(SIZES))
def test_upgrade_with_javascript_opens_the_embedded_checkout(billing, size):
    base, _ = billing
    driver = browser_for(size, javascript=True)
    try:
        sign_in(driver, base)
        driver.get(base + "/settings/billing?plan=pro&interval=month")
        assert driver.execute_script("return document.documentElement.scrollWidth") <= SIZES[size][0]
        screenshot(driver, f"billing_{size}")
        upgrade_button(driver).click()
        secret = WebDriverWait(driver, 15).until(
            EC.visibility_of_element_located((By.CSS_SELECTOR, "dialog[open] [data-client-secret]")))
        assert "_secret_" in secret.text and secret.text.startswith("cs_test_")
        # the dialog opens at its heading, not at Close, its last control (WCAG 2.4.3)
        assert driver.switch_to.active_element.get_attribute("id") == "checkout-title"
        assert driver.current_url.endswith("/settings/billing?plan=pro&interval=month"), "no navigation"
        screenshot(driver, f"billing_{size}_embedded_checkout")
        # Escape closes the dialog and destroys the checkout
        driver.find_element(By.CSS_SELECTOR, "dialog[open]").send_keys(Keys.ESCAPE)
        # (the dialog's `close` event, which destroys the checkout, is dispatched just after it closes)
        WebDriverWait(driver, 5).until(lambda d: not d.find_elements(By.CSS_SELECTOR, "dialog[open], [data-client-secret]"))
    finally:
        driver.quit()


@pytest.mark.parametrize("size", list(SIZES))
def test_upgrade_without_javascript_redirects_to_hosted_checkout(billing, size):
    base, fake_base = billing
    driver = browser_for(size, javascript=False)
    try:
        sign_in(driver, base)
        driver.get(base + "/settings/billing?plan=pro&interval=month")
        upgrade_button(driver).click()
        WebDriverWait(driver, 15).until(EC.url_contains("/c/pay/cs_test_"))
        assert driver.current_url.startswith(fake_base + "/c/pay/cs_test_")
        assert driver.find_element(By.TAG_NAME, "h1").text == "Fake hosted Checkout"
        screenshot(driver, f"billing_{size}_hosted_checkout")
    finally:
        driver.quit()


def lede(driver):
    return driver.find_element(By.CSS_SELECTOR, ".page-lede").text


def reload_until(driver, condition, what, timeout=30):
    """Reloads until `condition(driver)` holds: the plan follows Stripe's webhook, which lands shortly after the
    redirect."""
    deadline = time.time() + timeout
    while not condition(driver):
        assert time.time() < deadline, f"{what} never showed; the page says: {lede(driver)}"
        time.sleep(0.3)
        driver.refresh()


def button_texts(driver):
    return [button.text for button in driver.find_elements(By.CSS_SELECTOR, ".billing-page button")]


def check_subscribed_page(driver, size, plan="Pro"):
    """The page of a workspace that pays: the plan and its renewal, the plan switcher, cancel, the portal, the
    invoice from Stripe with its links, and the usage bars; nothing wider than the screen."""
    reload_until(driver, lambda d: lede(d).startswith(f"{plan} plan") and "Renews on" in lede(d), f"the {plan} plan")
    buttons = button_texts(driver)
    assert "Cancel at the end of the period" in buttons
    assert "Manage payment methods in Stripe" in buttons
    assert any(text.startswith("Switch to Team") for text in buttons), buttons
    assert driver.find_element(By.CSS_SELECTOR, ".billing-options .badge").text.startswith(f"Current: {plan}")
    rows = driver.find_elements(By.CSS_SELECTOR, ".billing-page tbody tr")
    assert len(rows) == 1, "the first invoice, from the completed checkout"
    assert "Paid" in rows[0].text and "€" in rows[0].text
    links = [link.get_attribute("href") for link in rows[0].find_elements(By.TAG_NAME, "a")]
    assert any(link.startswith("https://pay.stripe.com/invoice/") and link.endswith("/pdf") for link in links), links
    assert any(link.startswith("https://invoice.stripe.com/i/") for link in links), links
    assert len(driver.find_elements(By.CSS_SELECTOR, ".quota-list .quota-bar")) >= 5, "a bar per quota"
    assert driver.execute_script("return document.documentElement.scrollWidth") <= SIZES[size][0]


def pay_hosted(driver, base, fake_base):
    """From the preselected Pro monthly button to the billing page, through the fake's hosted Checkout."""
    driver.get(base + "/settings/billing?plan=pro&interval=month")
    upgrade_button(driver).click()
    WebDriverWait(driver, 15).until(EC.url_contains("/c/pay/cs_test_"))
    assert driver.current_url.startswith(fake_base + "/c/pay/cs_test_")
    click(driver, "form button[type='submit']")
    WebDriverWait(driver, 15).until(EC.url_contains("/settings/billing?saved=checkout"))
    assert driver.current_url.startswith(base)


@pytest.mark.parametrize("size", list(SIZES))
def test_paying_on_hosted_checkout_without_javascript_shows_the_subscribed_page(billing, size):
    base, fake_base = billing
    driver = browser_for(size, javascript=False)
    try:
        sign_in(driver, base)
        pay_hosted(driver, base, fake_base)
        check_subscribed_page(driver, size)
        assert driver.find_element(By.CSS_SELECTOR, ".notice").text == "Thanks! The Pro plan is active."
        screenshot(driver, f"billing_subscribed_{size}")
        invoices = driver.find_element(By.ID, "invoices-title")
        driver.execute_script("arguments[0].scrollIntoView()", invoices)
        screenshot(driver, f"billing_subscribed_{size}_invoices")
    finally:
        driver.quit()


def test_paying_in_the_embedded_checkout_then_changing_cancelling_and_reactivating(billing):
    """With JavaScript: Pay inside the dialog; then the page's forms (the same with and without JavaScript) switch
    to Team with the proration preview, cancel at the period's end and reactivate, each confirmed by Stripe's
    `customer.subscription.updated` webhook."""
    base, _ = billing
    size = "desktop1280"
    driver = browser_for(size, javascript=True)
    try:
        sign_in(driver, base)
        driver.get(base + "/settings/billing?plan=pro&interval=month")
        upgrade_button(driver).click()
        pay = WebDriverWait(driver, 15).until(
            EC.element_to_be_clickable((By.CSS_SELECTOR, "dialog[open] [data-fake-stripe-checkout] button")))
        pay.click()
        WebDriverWait(driver, 15).until(EC.url_contains("/settings/billing?saved=checkout"))
        check_subscribed_page(driver, size)

        # the switcher previews the proration, then changes the plan
        switch = driver.find_element(By.XPATH, "//form[@method='get']/button[normalize-space()='Switch to Team, monthly']")
        ActionChains(driver).scroll_to_element(switch).perform()
        switch.click()
        title = WebDriverWait(driver, 15).until(EC.visibility_of_element_located((By.ID, "preview-title")))
        assert title.text == "Switch to Team, monthly?"
        amounts = [dd.text for dd in driver.find_elements(By.CSS_SELECTOR, ".billing-preview dd")]
        assert len(amounts) == 2 and all(amount.startswith("€") for amount in amounts), amounts
        assert amounts[0] != "€0.00", "a proration amount"
        screenshot(driver, f"billing_change_preview_{size}")
        click(driver, "#preview-title ~ form button[type='submit']")
        WebDriverWait(driver, 15).until(EC.url_contains("saved=changed"))
        check_subscribed_page(driver, size, plan="Team")
        assert "Switch to Pro, monthly" in button_texts(driver)

        # cancel at the end of the period, then keep it
        click(driver, "form[action='/settings/billing/cancel'] button")
        WebDriverWait(driver, 15).until(EC.url_contains("saved=cancelled"))
        reload_until(driver, lambda d: "Ends on" in lede(d) and "Keep the subscription" in button_texts(d), "the end date")
        assert lede(driver).startswith("Team plan")
        assert "Cancel at the end of the period" not in button_texts(driver)
        screenshot(driver, f"billing_cancelling_{size}")
        click(driver, "form[action='/settings/billing/reactivate'] button")
        WebDriverWait(driver, 15).until(EC.url_contains("saved=reactivated"))
        reload_until(driver, lambda d: "Renews on" in lede(d) and "Cancel at the end of the period" in button_texts(d),
                     "the renewal")
    finally:
        driver.quit()

"""Upgrading in headless Chromium against the `fake-stripe` server (built next to `bmm`): with JavaScript the
checkout button opens the embedded Checkout in a dialog (the fake Stripe.js shows the client secret it was given);
without JavaScript the same button posts and is redirected to the hosted Checkout URL the fake returns. At a
390 x 844 phone and a 1280 x 800 desktop."""
import os
import pathlib
import subprocess
import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BINARY, ROOT, free_port, make_browser, screenshot, wait_for
from test_accounts import click, newest_message

FAKE_STRIPE = pathlib.Path(BINARY).parent / "fake-stripe"
SIZES = {"phone390": (390, 844, True), "desktop1280": (1280, 800, False)}


@pytest.fixture(scope="module")
def billing(tmp_path_factory):
    """`fake-stripe` and `bmm serve` with billing on, pointed at it; yields (bmm base URL, fake base URL)."""
    assert FAKE_STRIPE.exists(), f"build it first: swift build --product fake-stripe ({FAKE_STRIPE})"
    fake = subprocess.Popen([str(FAKE_STRIPE), "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        fake_base = f"http://127.0.0.1:{int(fake.stdout.readline())}"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        data = tmp_path_factory.mktemp("billing")
        env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_RELOAD="off",
                   BMM_SIGNIN_SENDS_PER_IP="1000", BMM_DEFAULT_PLAN="hobby",
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
    buttons = driver.find_elements(By.CSS_SELECTOR, "form[action='/settings/billing/checkout'] button[aria-pressed='true']")
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

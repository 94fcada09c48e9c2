"""The landing page's finishing touches in Chromium: the hero fills the first screen below the header, and the main
calls to action glow from where they are pressed without holding navigation back, and not at all under reduced
motion; the strict CSP logs nothing about it."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import make_browser, screenshot

SIZES = {"phone": dict(width=390, height=844, mobile=True), "desktop": dict(width=1280, height=800)}


def motion(driver, preference):
    """The browsers here start with reduced motion forced; each test chooses its own."""
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-reduced-motion", "value": preference}]})


def console_errors(driver):
    return [entry for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.mark.parametrize("size", SIZES)
def test_hero_fills_the_first_screen(server, size):
    driver = make_browser(**SIZES[size])
    try:
        driver.get(server + "/")
        hero, header, viewport = driver.execute_script("""
            return [document.querySelector('.hero').getBoundingClientRect().height,
                    document.querySelector('.site-header').getBoundingClientRect().height,
                    window.innerHeight];""")
        assert hero >= viewport - header - 1, (hero, header, viewport)
        assert driver.execute_script("return document.documentElement.scrollWidth") <= SIZES[size]["width"]
        screenshot(driver, f"landing_hero_{size}")
        assert console_errors(driver) == []
    finally:
        driver.quit()


@pytest.mark.parametrize("size", SIZES)
def test_calls_to_action_glow_from_the_press_and_still_navigate(server, size):
    driver = make_browser(**SIZES[size])
    try:
        motion(driver, "no-preference")
        driver.get(server + "/")
        docs = driver.find_element(By.CSS_SELECTOR, ".hero-actions a[data-glow][href='/docs']")
        # pressed (not yet released) near its left edge: the glow starts there
        ActionChains(driver).move_to_element_with_offset(docs, -docs.size["width"] // 2 + 10, 0).click_and_hold().perform()
        state = driver.execute_script("""
            const a = arguments[0];
            return [a.classList.contains('is-glowing'), a.style.getPropertyValue('--glow-x'),
                    getComputedStyle(a, '::after').animationName];""", docs)
        assert state[0] and state[2] == "cta-glow", state
        assert 0 <= float(state[1].removesuffix("px")) < docs.size["width"] / 2, state
        screenshot(driver, f"landing_glow_{size}")
        # released: the link navigates at once, as without the script
        ActionChains(driver).release().perform()
        WebDriverWait(driver, 10).until(EC.url_to_be(server + "/docs"))

        # the other calls to action carry it too
        driver.get(server + "/")
        assert driver.find_elements(By.CSS_SELECTOR, ".hero-actions a[data-glow][href='/docs/quickstart']")
        assert driver.find_elements(By.CSS_SELECTOR, ".header-actions a[data-glow][data-signed-out]")
        assert driver.find_elements(By.CSS_SELECTOR, ".header-actions a[data-glow][data-signed-in]")
        assert console_errors(driver) == [], "no CSP violation or script error"
    finally:
        driver.quit()


def test_no_glow_under_reduced_motion(server):
    driver = make_browser(**SIZES["desktop"])
    try:
        motion(driver, "reduce")
        driver.get(server + "/")
        start = driver.find_element(By.CSS_SELECTOR, ".hero-actions a[data-glow][href='/docs/quickstart']")
        ActionChains(driver).click_and_hold(start).perform()
        assert not driver.execute_script("return arguments[0].classList.contains('is-glowing')", start)
        ActionChains(driver).release().perform()
        WebDriverWait(driver, 10).until(EC.url_to_be(server + "/docs/quickstart"))
        assert console_errors(driver) == []
    finally:
        driver.quit()

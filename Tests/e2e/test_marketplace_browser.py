"""The marketplace in headless Chromium on a 390 px phone, with and without JavaScript:
a listing and template pages seeded by the benchmark's seed script."""
import json
import os
import subprocess
import sys

import pytest
import requests
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import BINARY, ROOT, free_port, make_browser, screenshot, wait_for


@pytest.fixture(scope="module")
def market(tmp_path_factory):
    """A running app whose database holds 60 seeded templates; yields (base URL, a public slug)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    data = tmp_path_factory.mktemp("market")
    env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_RELOAD="off")
    env.pop("DATABASE_URL", None)
    migrated = subprocess.run([BINARY, "migrate"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    seeded = subprocess.run([sys.executable, str(ROOT / "Benchmarks/templates/seed.py"), str(data / "bmm.sqlite"),
                             "--templates", "60"], capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    log = open(data / "serve.log", "w")
    process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(base + "/healthz")
        slug = requests.get(base + "/v1/templates?sort=top", timeout=10).json()["templates"][0]["slug"]
        yield base, slug
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture
def phone390():
    driver = make_browser(width=390, height=844, mobile=True)
    yield driver
    driver.quit()


@pytest.fixture
def phone390_without_js():
    driver = make_browser(width=390, height=844, javascript=False, mobile=True)
    yield driver
    driver.quit()


@pytest.mark.parametrize("path", ["/templates", "/templates?sort=top&category=devops", "/templates?q=weather",
                                  "/templates?q=no-such-thing-at-all", "TEMPLATE"])
def test_no_horizontal_scroll_at_390px(phone390, market, path):
    base, slug = market
    path = f"/templates/{slug}" if path == "TEMPLATE" else path
    phone390.get(base + path)
    # open every collapsed code block and schema: their content must not widen the page either
    phone390.execute_script("document.querySelectorAll('details').forEach(d => d.open = true)")
    width = phone390.execute_script("return document.documentElement.scrollWidth")
    viewport = phone390.execute_script("return window.innerWidth")
    assert viewport == 390
    screenshot(phone390, "phone390" + path.replace("/", "_").replace("?", "_"))
    assert width <= viewport, f"{path} scrolls sideways: {width}px content in a {viewport}px viewport"


def test_tabs_search_and_pages_work_without_javascript(phone390_without_js, market):
    base, _ = market
    driver = phone390_without_js
    driver.get(base + "/templates")
    driver.find_element(By.LINK_TEXT, "Newest").click()
    assert "sort=newest" in driver.current_url
    assert driver.find_element(By.CSS_SELECTOR, ".templates-tab[aria-current=page]").text == "Newest"
    first_page = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, ".template-card-title a")]
    assert len(first_page) == 20
    driver.find_element(By.CSS_SELECTOR, "a[rel=next]").click()
    second_page = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, ".template-card-title a")]
    assert second_page and not set(first_page) & set(second_page)
    box = driver.find_element(By.ID, "templates-q")
    box.send_keys("weather")
    box.submit()
    # submit() returns before the results page has replaced this one (a click waits for it; a submit does not)
    WebDriverWait(driver, 20).until(EC.staleness_of(box))
    assert "q=weather" in driver.current_url and "sort=newest" in driver.current_url
    cards = driver.find_elements(By.CSS_SELECTOR, ".template-card")
    listed = requests.get(base + "/v1/templates?sort=newest&q=weather", timeout=10).json()["templates"]
    assert len(cards) == len(listed[:20])

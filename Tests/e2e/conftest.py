"""Fixtures for end-to-end tests: a real `bmm serve` process, a static export of
the same site served by a plain static file server, and headless Chromium."""
import contextlib
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import time

import pytest
import requests
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.remote.errorhandler import ErrorHandler

ROOT = pathlib.Path(__file__).resolve().parents[2]
BINARY = os.environ.get("BMM_BINARY", str(ROOT / ".build" / "debug" / "bmm"))
SCREENSHOTS = pathlib.Path(os.environ.get("BMM_SCREENSHOTS", tempfile.gettempdir() + "/bmm-screenshots"))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up within {timeout}s")


@contextlib.contextmanager
def running_app(data, **settings):
    """`bmm serve` on SQLite in the data folder `data`, with any extra BMM_* `settings`; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Every test signs in from 127.0.0.1; the per-address limit is for the real world.
    # Without development reload, whose script is the one thing the export leaves out.
    env = dict(os.environ, BMM_DATA_DIR=str(data), BMM_PORT=str(port), BMM_PUBLIC_URL=base, BMM_SIGNIN_SENDS_PER_IP="1000",
               BMM_RELOAD="off", **settings)
    env.pop("DATABASE_URL", None)
    log = open(data / "serve.log", "w")
    process = subprocess.Popen([BINARY, "serve"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_for(base + "/healthz")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """A running app on SQLite in a fresh data folder; yields its base URL."""
    with running_app(tmp_path_factory.mktemp("data")) as base:
        yield base


@pytest.fixture(scope="session")
def export_dir(server, tmp_path_factory):
    """The site exported with the live server's base URL, so pages must match byte for byte."""
    out = tmp_path_factory.mktemp("export") / "site"
    env = dict(os.environ, BMM_DATA_DIR=str(tmp_path_factory.mktemp("export-data")))
    result = subprocess.run([BINARY, "export", "--out", str(out), "--base-url", server],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="session")
def static_site(export_dir):
    """The export served by Python's plain static file server."""
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                                "--directory", str(export_dir)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


class DocumentAwareErrors(ErrorHandler):
    """Selenium's error handler, but a node of a page being torn down is a stale element.

    Asked about an element while the page reloads or navigates, chromedriver sometimes answers
    with an inspector error ("Node with given id does not belong to the document") or says the
    command was "aborted by navigation" instead of a stale reference. Both mean the same thing,
    and Selenium's waits already retry on a stale reference (or, waiting for staleness, stop),
    so every wait in the suite rides out a reload instead of failing on timing.
    """

    def check_response(self, response):
        try:
            super().check_response(response)
        except StaleElementReferenceException:
            raise
        except WebDriverException as error:
            if any(sign in (error.msg or "") for sign in ("does not belong to the document", "aborted by navigation")):
                raise StaleElementReferenceException(error.msg) from error
            raise


def make_browser(width=1280, height=900, javascript=True, mobile=False):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    # Debian's browser and driver: Selenium's own manager cannot download anything here.
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--hide-scrollbars",
                     # Smooth scrolling would move an element between scrolling to it and clicking it.
                     "--force-prefers-reduced-motion"):
        options.add_argument(argument)
    if mobile:
        # Headless Chrome will not make a window narrower than 500 px; device
        # emulation gives the page a real 360 px viewport.
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1, "touch": False}})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    # Console messages (script errors, CSP violations) for tests that assert there are none.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=options)
    driver.error_handler = DocumentAwareErrors()
    driver.set_page_load_timeout(30)
    return driver


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


@pytest.fixture
def phone():
    driver = make_browser(width=360, height=780, mobile=True)
    yield driver
    driver.quit()


@pytest.fixture
def phone_without_js():
    driver = make_browser(width=360, height=780, javascript=False, mobile=True)
    yield driver
    driver.quit()


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / f"{name}.png"))

"""A server page open while its build runs, in Chromium against the real binary: it reloads
itself when the build ends, unless the person is already on their way to another page."""
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from accounts import signed_in_session
from conftest import make_browser
from operations import LOOPBACK_EGRESS, SLOW_SPEC, Serve, SlowServer, create_server, hold_the_only_worker, wait_active, wait_until
from test_mcp import create_token

MARK = "return window.sameDocument || null"


def open_as(driver, base, session, path):
    """Opens `path` in the browser as the requests session's signed-in person (its cookies)."""
    driver.get(base + "/robots.txt")
    for cookie in session.cookies:
        driver.add_cookie({"name": cookie.name, "value": cookie.value, "path": "/"})
    driver.get(base + path)


def test_a_finished_build_reloads_the_page_only_while_the_person_stays(tmp_path):
    slow = SlowServer()
    # One sandbox worker: while a slow tool call holds it, the next build waits in its compile step.
    app = Serve(tmp_path, BMM_SANDBOX_WORKERS="1", **LOOPBACK_EGRESS).start()
    staying, leaving = make_browser(), make_browser()
    try:
        session = signed_in_session(app.base)
        token = create_token(session, app.base, "build page")
        hold_the_only_worker(app, session, token, slow, seconds=8)
        second = create_server(session, app.base, dict(SLOW_SPEC, slug=f"waiting-{uuid.uuid4().hex[:8]}"))

        # given two people on the building page; one has just clicked away (the event a browser
        # sends a page before it navigates elsewhere)
        for driver in (staying, leaving):
            open_as(driver, app.base, session, f"/servers/{second['id']}")
            page = driver.find_element(By.ID, "server-page")
            assert page.get_attribute("data-building") == "true", "the build ended before the page opened"
            driver.execute_script("window.sameDocument = 'still'")
        leaving.execute_script("window.dispatchEvent(new Event('beforeunload'))")

        # when the build ends
        wait_active(session, app.base, second["id"])

        # then the page of the one who stayed shows the finished build
        WebDriverWait(staying, 20).until(lambda d: d.execute_script(MARK) is None)
        assert staying.find_element(By.ID, "server-page").get_attribute("data-building") == "false"
        # and the other page is not pulled back over the navigation under way
        assert not wait_until(lambda: leaving.execute_script(MARK) is None, 2), "reloaded while leaving"
        # unless it is still there seconds later (a download, a mail link): then it shows the build too
        WebDriverWait(leaving, 20).until(lambda d: d.execute_script(MARK) is None)
        assert leaving.find_element(By.ID, "server-page").get_attribute("data-building") == "false"
    finally:
        staying.quit()
        leaving.quit()
        app.stop()
        slow.close()

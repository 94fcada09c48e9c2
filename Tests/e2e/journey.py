"""The step machinery of the browser journeys (test_journeys*.py).

Every journey runs in four modes: JavaScript on and off, on a 390x844 phone and a
1280x800 desktop. After each step `Journey.step` keeps a screenshot and checks what a
person would notice: no console error, no sideways scrolling, and (given the step's
main control) a focus that is visible when the control is reached with the Tab key.

WebDriver's script calls and CDP commands run in the browser's own context, so they
measure pages whose own JavaScript is switched off too.
"""
import re
import time
import urllib.parse

from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from conftest import SCREENSHOTS, make_browser

MODES = {
    "js-phone": dict(width=390, height=844, javascript=True, mobile=True),
    "nojs-phone": dict(width=390, height=844, javascript=False, mobile=True),
    "js-desktop": dict(width=1280, height=800, javascript=True, mobile=False),
    "nojs-desktop": dict(width=1280, height=800, javascript=False, mobile=False),
}

FOCUSABLE = ("a[href], button, input:not([type=hidden]), select, textarea, summary, "
             "[tabindex]:not([tabindex='-1'])")

# The computed properties a focus indicator can change.
FOCUS_STYLE = """
const style = getComputedStyle(arguments[0]);
return {outline: style.outlineStyle + ' ' + style.outlineWidth + ' ' + style.outlineColor,
        shadow: style.boxShadow, border: style.borderColor, background: style.backgroundColor};
"""

PREVIOUS_FOCUSABLE = """
const target = arguments[0];
const all = [...document.querySelectorAll(arguments[1])].filter((element) =>
  !element.disabled && element.checkVisibility({ visibilityProperty: true }));
const index = all.indexOf(target);
return index > 0 ? all[index - 1] : null;
"""


def browser_for(mode):
    return make_browser(**MODES[mode])


def path_of(driver):
    return urllib.parse.urlparse(driver.current_url).path


def heading(driver):
    return driver.find_element(By.TAG_NAME, "h1").text.strip()


# What each journey ended with, by journey and mode, for the JavaScript-off run to be
# compared with the JavaScript run on the same device.
END_STATES = {}


class Journey:
    """One journey in one mode: numbered, checked, screenshotted steps."""

    def __init__(self, driver, name, mode):
        self.driver = driver
        self.name = name
        self.mode = mode
        self.javascript = MODES[mode]["javascript"]
        self.phone = MODES[mode]["mobile"]
        self.number = 0
        # Errors logged before the journey began (another journey in the same browser) are not this one's.
        console_errors(driver)

    def step(self, label, focus=None, status=None):
        """Checks the page as it stands now; `focus` is the CSS selector of the step's main control.
        A page answered with an error `status` (a form sent back with its errors, 422) makes the
        browser log exactly one console error, for the page itself; that one is expected."""
        self.number += 1
        where = f"{self.name}/{self.mode} step {self.number} ({label}) at {self.driver.current_url}"
        WebDriverWait(self.driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")
        assert_no_overflow(self.driver, MODES[self.mode]["width"], where)
        if focus:
            assert_focus_visible(self.driver, focus, where)
        errors = console_errors(self.driver)
        if status:
            expected = f"{self.driver.current_url} - Failed to load resource: the server responded with a status of {status}"
            assert [e for e in errors if e.startswith(expected)], f"{where}: not answered with {status}: {errors}"
            errors = [e for e in errors if not e.startswith(expected)]
        self.screenshot(label)
        assert not errors, f"{where}: console errors {errors}"

    def end(self, **state):
        """Records where the journey ended; the second of a device's two runs (JavaScript on
        and off, in either order) asserts that both ended the same."""
        js, device = self.mode.split("-")
        runs = END_STATES.setdefault((self.name, device), {})
        runs[js] = state
        if len(runs) == 2:
            assert runs["js"] == runs["nojs"], f"{self.name} on a {device}: with and without JavaScript differ: {runs}"

    def screenshot(self, label):
        folder = SCREENSHOTS / "journeys"
        folder.mkdir(parents=True, exist_ok=True)
        js, device = self.mode.split("-")
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.driver.save_screenshot(str(folder / f"{self.name}-{js}-{device}-{self.number:02d}-{slug}.png"))


def console_errors(driver):
    """SEVERE entries of the browser's console log since the last call (reading drains it)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# The innermost elements wider than the device; fixed bars (which span any viewport) and
# what a scrolling box clips are left out.
WIDEST = """
const limit = arguments[0];
const contained = (element) => {
  for (let node = element.parentElement; node; node = node.parentElement) {
    const style = getComputedStyle(node);
    if (style.position === 'fixed' || style.overflowX !== 'visible') return true;
  }
  return getComputedStyle(element).position === 'fixed';
};
const wide = [...document.querySelectorAll('body *')]
  .filter((element) => element.getBoundingClientRect().width > limit + 1 && !contained(element));
return wide.filter((element) => !wide.some((other) => other !== element && element.contains(other)))
  .slice(0, 4)
  .map((element) => `${element.tagName.toLowerCase()}${element.id ? '#' + element.id : ''}.${element.className}: ${Math.round(element.getBoundingClientRect().width)} px`);
"""


def assert_no_overflow(driver, width, where):
    """The page is no wider than the device, by the DOM and by the browser's own layout metrics.
    A phone lays out a page wider than its screen in a wider viewport (and zooms out), so the
    viewport itself must keep the device's width."""
    scroll_width, viewport = driver.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    content = metrics["cssContentSize"]["width"]
    layout = metrics["cssLayoutViewport"]["clientWidth"]
    if max(scroll_width, viewport, content, layout) > width:
        raise AssertionError(f"{where}: the page is {max(scroll_width, content)} px wide on a {width} px screen "
                             f"(viewport {viewport} px); widest: {driver.execute_script(WIDEST, width)}")


def assert_focus_visible(driver, selector, where):
    """Reaches `selector` with the Tab key from the control before it and checks that focusing
    it changes how it looks: an outline, a ring (box-shadow), a border or a background."""
    shown = [e for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]
    assert shown, f"{where}: no visible {selector}"
    target = shown[0]
    unfocused = unfocused_style(driver, target)
    previous = driver.execute_script(PREVIOUS_FOCUSABLE, target, FOCUSABLE)
    # From the control before it one Tab is enough; where that cannot take focus, from the top of the page.
    if previous is not None:
        driver.execute_script("arguments[0].focus()", previous)
        if not driver.execute_script("return document.activeElement === arguments[0]", previous):
            previous = None
    reached = False
    for _ in range(250 if previous is None else 3):
        ActionChains(driver).send_keys(Keys.TAB).perform()
        if driver.execute_script("return document.activeElement === arguments[0]", target):
            reached = True
            break
    assert reached, f"{where}: Tab never reaches {selector}"
    focused = driver.execute_script(FOCUS_STYLE, target)
    assert focused != unfocused, f"{where}: {selector} looks the same focused and unfocused: {focused}"
    visible = (not focused["outline"].startswith("none") and not focused["outline"].startswith("0px")) \
        or focused["shadow"] != "none" or focused["border"] != unfocused["border"] \
        or focused["background"] != unfocused["background"]
    assert visible, f"{where}: {selector} has no visible focus indicator: {focused}"


def unfocused_style(driver, target):
    """How `target` looks without focus. A field with `autofocus` may take focus a moment
    after the page has loaded, so blurring is repeated until it holds."""
    for _ in range(20):
        driver.execute_script("document.activeElement?.blur?.()")
        time.sleep(0.05)
        style = driver.execute_script(FOCUS_STYLE, target)
        if not driver.execute_script("return document.activeElement === arguments[0]", target):
            return style
    raise AssertionError("the control keeps taking focus")


def click(driver, selector):
    """Clicks like a person: scrolled into view first (this works with JavaScript
    off too: WebDriver's scripts run even where the page's may not)."""
    element = driver.find_element(By.CSS_SELECTOR, selector)
    scroll_to(driver, element)
    element.click()
    return element


def scroll_to(driver, element):
    # Centred, as a person scrolls: WebDriver's own scrolling stops at the viewport's edge,
    # under the phone's fixed tab bar.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element)


def submit_and_wait(driver, selector):
    """Clicks a submit button and waits until its page has been replaced."""
    button = click(driver, selector)
    wait_stale(driver, button)


def wait_stale(driver, element, timeout=30):
    # conftest's error handler reports chromedriver's "does not belong to the document" answer
    # for a page being torn down as a stale element too, so Selenium's own condition suffices.
    WebDriverWait(driver, timeout).until(EC.staleness_of(element))


def visible_link(driver, href):
    """The link to `href` a person can see; on a phone the header's menu is opened first."""
    for link in driver.find_elements(By.CSS_SELECTOR, f"a[href='{href}']"):
        if link.is_displayed():
            return link
    menus = [m for m in driver.find_elements(By.CSS_SELECTOR, "details.nav-menu > summary") if m.is_displayed()]
    if menus:
        menus[0].click()
        for link in driver.find_elements(By.CSS_SELECTOR, f"a[href='{href}']"):
            if link.is_displayed():
                return link
    raise AssertionError(f"no visible link to {href} on {driver.current_url}")


def follow(driver, href):
    link = visible_link(driver, href)
    scroll_to(driver, link)
    link.click()
    WebDriverWait(driver, 20).until(lambda d: path_of(d) == href.split("?")[0].split("#")[0])


def wait_for_url(driver, pattern, timeout=30):
    """Waits for a URL matching `pattern`; when none comes, says what the page shows instead."""
    try:
        WebDriverWait(driver, timeout).until(lambda d: re.search(pattern, d.current_url))
    except TimeoutException:
        alerts = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "[role=alert], .field-error") if e.is_displayed()]
        raise AssertionError(f"still at {driver.current_url}, not {pattern}: {alerts}") from None


def wait_for_build(driver, timeout=90):
    """Waits until the server page shows no running build and the server live. The page
    refreshes itself (or, with JavaScript, reloads) while a build runs; a server that was
    already live stays "Live" during the build of its next version."""
    deadline = time.time() + timeout
    while True:
        try:
            building = driver.find_elements(By.CSS_SELECTOR, "[data-building='true']")
            status = driver.find_element(By.ID, "server-status").text
            if not building and "Live" in status:
                return
        except WebDriverException:
            status = "(reloading)"
        assert time.time() < deadline, f"no live build within {timeout} s on {driver.current_url}: {status}"
        time.sleep(0.3)


# Today's server page is one long page; the tabbed one has a `nav[aria-label="Server"]`.
SECTION_ANCHORS = {"Overview": "endpoint-title", "Tools": "tools-title", "Playground": "playground-title",
                   "Logs": "calls-title", "Secrets": "secrets-title", "Versions": "versions-title",
                   "Settings": "settings-title"}


def open_server_section(driver, name):
    """Shows one section of a server's page: its tab where the page has tabs, otherwise
    the section on the long page, scrolled into view."""
    tabs = driver.find_elements(By.CSS_SELECTOR, "nav[aria-label='Server'] a")
    if tabs:
        tab = next((t for t in tabs if t.text.strip().lower().startswith(name.lower())), None)
        assert tab is not None, f"no {name} tab among {[t.text for t in tabs]}"
        scroll_to(driver, tab)
        tab.click()
        WebDriverWait(driver, 20).until(lambda d: any(
            t.get_attribute("aria-current") == "page" and t.text.strip().lower().startswith(name.lower())
            for t in d.find_elements(By.CSS_SELECTOR, "nav[aria-label='Server'] a")))
        return
    anchor = driver.find_element(By.ID, SECTION_ANCHORS[name])
    scroll_to(driver, anchor)

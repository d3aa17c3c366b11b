"""The web chat as visitors meet it: Debian's chromium, headless, on the example embassy page,
talking to the real Rasa through the project's socket.io channel."""

from __future__ import annotations

import gzip
import html
import http.server
import socket
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import socketio
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from bot.settings import ROOT
from tests.e2e.conftest import Assistant

ARTIFACTS = ROOT / "var" / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARABIC = range(0x0600, 0x0700)


def share(text: str, script: range) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(ord(c) in script for c in letters) / max(1, len(letters))


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    """Headless chromium through chromedriver, both from Debian (make test installs them)."""
    assert CHROMIUM.exists() and CHROMEDRIVER.exists(), "run `make test`: it installs chromium"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(30)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


class Page:
    """The example page with the widget, seen through its shadow root."""

    def __init__(
        self, driver: webdriver.Chrome, url: str, *, width: int = 1280, before_load: str = ""
    ) -> None:
        self.driver = driver
        # A new tab for each visitor: its sessionStorage (the widget's memory) starts empty.
        old_tabs = driver.window_handles
        driver.switch_to.new_window("tab")
        for handle in old_tabs:
            driver.switch_to.window(handle)
            driver.close()
        driver.switch_to.window(driver.window_handles[0])
        driver.set_window_size(width, 900)
        driver.get_log("browser")  # drop what earlier pages logged
        if before_load:
            driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": before_load})
        driver.get(url)
        self.wait(lambda _: self.host().get_attribute("data-ready") == "1")

    def wait(self, condition: Callable[[Any], Any], timeout: float = 60) -> Any:
        return WebDriverWait(self.driver, timeout, poll_frequency=0.2).until(condition)

    def host(self) -> WebElement:
        return self.driver.find_element(By.ID, "mw-chat")

    def find(self, selector: str) -> WebElement:
        return self.host().shadow_root.find_element(By.CSS_SELECTOR, selector)

    def find_all(self, selector: str) -> list[WebElement]:
        return self.host().shadow_root.find_elements(By.CSS_SELECTOR, selector)

    def open(self) -> None:
        if self.host().get_attribute("data-state") != "open":
            self.find(".mw-launcher").click()
        self.wait(lambda _: self.host().get_attribute("data-connection") == "connected")

    def bot_texts(self) -> list[str]:
        return [m.text for m in self.find_all(".mw-msg.mw-bot")]

    def ask(self, question: str) -> list[str]:
        """Type a question, press Enter, return the bot's new messages once they stop coming."""
        before = len(self.bot_texts())
        box = self.find(".mw-input")
        box.send_keys(question)
        box.send_keys(Keys.ENTER)
        self.wait(lambda _: len(self.bot_texts()) > before)
        return self.settle(before)

    def settle(self, before: int, quiet: float = 1.5) -> list[str]:
        count = -1
        while count != len(texts := self.bot_texts()):
            count = len(texts)
            time.sleep(quiet)
        return texts[before:]

    def console_errors(self) -> list[str]:
        return [e["message"] for e in self.driver.get_log("browser") if e["level"] == "SEVERE"]

    def screenshot(self, name: str) -> None:
        self.driver.save_screenshot(str(ARTIFACTS / f"webchat-{name}.png"))


def demo_url(assistant: Assistant, query: str = "") -> str:
    return f"http://localhost:{assistant.ports.web}/demo/{query}"


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_an_english_visitor_asks_and_reads_the_answer(
    browser: webdriver.Chrome, assistant: Assistant, width: int
) -> None:
    page = Page(browser, demo_url(assistant, "?lang=en"), width=width)
    page.open()
    # The privacy line is there before the first message.
    assert page.find(".mw-privacy").is_displayed() and page.bot_texts() == []
    answer = page.ask("Can my pension be paid abroad when I go back home?")
    assert any("Source" in text for text in answer), answer
    assert page.find(".mw-choice").is_displayed()  # related topics as buttons
    logo = page.find(".mw-logo")  # the organisation's logo, from its profile
    assert browser.execute_script("return arguments[0].naturalWidth", logo) > 0
    page.screenshot(f"english-{width}")
    if width == 360:
        panel = page.find(".mw-panel").rect
        assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 361
        assert browser.execute_script("return document.documentElement.scrollWidth") <= 360
    assert page.console_errors() == []


@pytest.mark.parametrize("width", [1280, 360], ids=["desktop", "phone"])
def test_an_arabic_visitor_reads_right_to_left(
    browser: webdriver.Chrome, assistant: Assistant, width: int
) -> None:
    page = Page(browser, demo_url(assistant, "?lang=ar"), width=width)
    page.open()
    assert page.find(".mw-panel").get_attribute("dir") == "rtl"
    answer = page.ask("كفيلي ما دفع راتبي من شهرين، وين اشتكي؟")
    assert share(" ".join(answer), ARABIC) > 0.5, answer
    bubble = page.find_all(".mw-msg.mw-bot")[-1]
    direction = browser.execute_script("return getComputedStyle(arguments[0]).direction", bubble)
    assert direction == "rtl"
    page.screenshot(f"arabic-{width}")
    assert page.console_errors() == []


def test_the_chat_works_with_the_keyboard_alone(
    browser: webdriver.Chrome, assistant: Assistant
) -> None:
    page = Page(browser, demo_url(assistant, "?lang=en"))

    def focused() -> WebElement | None:
        return browser.execute_script(
            "const r = document.getElementById('mw-chat').shadowRoot;"
            "return r ? r.activeElement : null;"
        )

    body = browser.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(15):  # Tab through the page until the chat's launcher has the focus
        browser.switch_to.active_element.send_keys(Keys.TAB)
        element = focused()
        if element is not None and "mw-launcher" in (element.get_attribute("class") or ""):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    page.wait(lambda _: "mw-input" in (focused().get_attribute("class") or ""))
    page.wait(lambda _: page.host().get_attribute("data-connection") == "connected")
    before = len(page.bot_texts())
    browser.switch_to.active_element.send_keys("How do I register for social security?")
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    page.wait(lambda _: len(page.bot_texts()) > before)
    page.settle(before)
    # Shift+Tab back from the input to the last answer's choices, and press one with Enter.
    for _ in range(10):
        browser.switch_to.active_element.send_keys(Keys.SHIFT, Keys.TAB)
        if "mw-choice" in (focused().get_attribute("class") or ""):
            break
    else:
        pytest.fail("the answer's buttons cannot be reached with the keyboard")
    before = len(page.bot_texts())
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    page.wait(lambda _: len(page.bot_texts()) > before)
    browser.switch_to.active_element.send_keys(Keys.ESCAPE)
    page.wait(lambda _: page.host().get_attribute("data-state") == "closed")
    assert "mw-launcher" in (focused().get_attribute("class") or "")
    page.screenshot("keyboard")
    assert page.console_errors() == []


def test_accessible_names_and_roles(browser: webdriver.Chrome, assistant: Assistant) -> None:
    page = Page(browser, demo_url(assistant, "?lang=en"))
    launcher = page.find(".mw-launcher")
    assert launcher.get_attribute("aria-expanded") == "false"
    assert launcher.accessible_name
    page.open()
    assert launcher.get_attribute("aria-expanded") == "true"
    assert page.find(".mw-panel").get_attribute("role") == "dialog"
    assert page.find(".mw-panel").accessible_name
    assert page.find(".mw-log").get_attribute("role") == "log"
    assert page.find(".mw-input").accessible_name
    assert page.find(".mw-send").accessible_name
    assert page.find(".mw-lang").accessible_name
    names = [o.text for o in page.find_all(".mw-lang option")]
    assert {"English", "العربية", "नेपाली", "español"} <= set(names)


def test_the_conversation_survives_a_reload(
    browser: webdriver.Chrome, assistant: Assistant
) -> None:
    page = Page(browser, demo_url(assistant, "?lang=en"))
    page.open()
    page.ask("What is a social security agreement?")
    seen = page.bot_texts()
    browser.refresh()
    page.wait(lambda _: page.host().get_attribute("data-ready") == "1")
    page.wait(lambda _: page.bot_texts()[: len(seen)] == seen)
    page.open()
    assert page.ask("thank you")
    assert page.console_errors() == []


def test_the_language_switcher_changes_the_answers(
    browser: webdriver.Chrome, assistant: Assistant
) -> None:
    page = Page(browser, demo_url(assistant, "?lang=en"))
    page.open()
    select = page.find(".mw-lang")
    before = len(page.bot_texts())
    select.find_element(By.CSS_SELECTOR, "option[value='ar']").click()
    page.wait(lambda _: page.find(".mw-panel").get_attribute("dir") == "rtl")
    page.wait(lambda _: len(page.bot_texts()) > before)  # greeted in Arabic
    assert share(page.settle(before)[0], ARABIC) > 0.5


def test_the_widget_is_light(assistant: Assistant) -> None:
    total = 0
    for path in ("/widget.js", "/widget.css", "/vendor/socket.io.min.js"):
        request = urllib.request.Request(
            f"http://localhost:{assistant.ports.web}{path}", headers={"Accept-Encoding": "gzip"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
            assert response.headers.get("Content-Encoding") == "gzip"
            assert gzip.decompress(body)
        total += len(body)
    print(f"\nwidget transferred: {total / 1024:.1f} KB gzipped (widget, styles, socket.io)")
    assert total < 60 * 1024


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def other_site(assistant: Assistant) -> Iterator[str]:
    """A page on an origin the profile does not allow, embedding the widget all the same."""
    page = (
        "<!doctype html><html><body><p>Another site</p>"
        f'<script src="http://localhost:{assistant.ports.web}/widget.js" '
        'data-profile="demo-np-qa" defer></script></body></html>'
    ).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *_args: Any) -> None:
            pass

    port = _free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()


def test_a_site_the_profile_does_not_allow_gets_no_chat(
    browser: webdriver.Chrome, assistant: Assistant, other_site: str
) -> None:
    browser.get(other_site)
    time.sleep(3)
    hosts = browser.find_elements(By.ID, "mw-chat")
    assert not hosts or hosts[0].get_attribute("data-ready") != "1"
    browser.save_screenshot(str(ARTIFACTS / "webchat-other-site.png"))


def test_the_socket_refuses_a_page_from_another_origin(assistant: Assistant) -> None:
    url = f"http://localhost:{assistant.ports.rasa}"
    allowed = socketio.Client(reconnection=False)
    allowed.connect(
        url,
        headers={"Origin": f"http://localhost:{assistant.ports.web}"},
        auth={"profile": "demo-np-qa"},
        transports=["polling"],
        socketio_path="/socket.io",
    )
    allowed.disconnect()
    for origin, profile in [
        ("https://evil.example", "demo-np-qa"),
        (f"http://localhost:{assistant.ports.web}", "no-such-profile"),
    ]:
        refused = socketio.Client(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect(
                url,
                headers={"Origin": origin},
                auth={"profile": profile},
                transports=["polling"],
                socketio_path="/socket.io",
            )


def test_the_embassy_contacts_come_from_its_profile_and_are_never_made_up(
    browser: webdriver.Chrome, assistant: Assistant
) -> None:
    page = Page(browser, demo_url(assistant, "?lang=en"))
    page.open()
    answer = "\n".join(page.ask("How can my embassy help me with a complaint?"))
    assert "Embassy of Nepal in Doha" in answer
    assert "not yet confirmed by staff" in answer


def test_the_embed_page_gives_the_snippet(assistant: Assistant) -> None:
    url = f"http://localhost:{assistant.ports.web}/embed?profile=demo-np-qa&lang=ne"
    with urllib.request.urlopen(url, timeout=10) as response:
        text = html.unescape(response.read().decode())
    assert 'data-profile="demo-np-qa"' in text and 'data-lang="ne"' in text


# Keeps a handle on the page's WebSockets, so the test can cut them as a network drop would.
RECORD_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  function Recorded(url, protocols) {
    const ws = new Native(url, protocols);
    window.__sockets.push(ws);
    return ws;
  }
  Recorded.prototype = Native.prototype;
  Object.assign(Recorded, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});
  window.WebSocket = Recorded;
})();
"""


def test_a_dropped_connection_is_announced_and_restored(
    browser: webdriver.Chrome, assistant: Assistant
) -> None:
    page = Page(browser, demo_url(assistant, "?lang=en"), before_load=RECORD_SOCKETS)
    page.open()
    page.ask("hello")
    assert browser.execute_script("return window.__sockets.length") >= 1
    browser.execute_script("window.__sockets.forEach((ws) => ws.close())")
    page.wait(lambda _: page.host().get_attribute("data-connection") == "reconnecting", 30)
    assert page.find(".mw-status").text  # says so
    page.wait(lambda _: page.host().get_attribute("data-connection") == "connected", 60)
    assert page.ask("thank you")
    assert page.console_errors() == []

"""The page in a real browser: Debian's headless Chromium driven by Selenium.

`dkim-analyzer serve` runs as a user runs it (a subprocess, DNS from the loopback server);
the browser pastes a fixture, submits it from the keyboard, reads the verdict and the
signature cards, switches language, and leaves a screenshot of each page in the test's
tmp folder. Nothing downloads a browser: the test uses /usr/bin/chromium and
/usr/bin/chromedriver (.ci/run installs them) and skips, saying so, without them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES, ROOT, run_cli
from tests.nanoserver import ZoneServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="no Chromium: install Debian's chromium and chromium-driver "
    "(apt-get install -y chromium chromium-driver; .ci/run does)",
)


@pytest.fixture
def browser() -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not fetch anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-dev-shm-usage",
                "--window-size=1100,1400", "--lang=en-US"):  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(dns_server: ZoneServer) -> Iterator[str]:
    """`dkim-analyzer serve` on a free loopback port; its URL."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "analyzer", "serve", "--port", "0",
         "--nameserver", dns_server.address, "--timeout", "0.5"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        assert "serving on http://127.0.0.1:" in line, line + (
            proc.stderr.read() if proc.stderr else ""
        )
        yield line.split()[3]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=20)


def _visible(driver: Any, css: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return [e for e in driver.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]


def _console_problems(driver: Any) -> list[str]:
    """Console errors (a CSP violation, a script error) in the browser's log."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]


def _requests(driver: Any) -> list[str]:
    """Every URL the browser asked for (Chrome's performance log, Network domain)."""
    urls = []
    for entry in driver.get_log("performance"):
        event = json.loads(entry["message"])["message"]
        if event["method"] == "Network.requestWillBeSent":
            urls.append(event["params"]["request"]["url"])
    return urls


def test_paste_submit_read_switch_language(
    browser: Any, served: str, dns_server: ZoneServer, tmp_path: Path
) -> None:
    nameserver = dns_server.address
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(served)
    browser.save_screenshot(str(tmp_path / "1-form.png"))
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    # Paste: the fixture's text into the labelled text area.
    case = FIXTURES / "ses-two-signatures" / "message.eml"
    message = case.read_text()
    area = browser.find_element(By.ID, "message")
    browser.execute_script("arguments[0].value = arguments[1];", area, message)
    area.send_keys(Keys.END)
    # Keyboard only: Tab from the text area to the submit button, Enter.
    keyboard = ActionChains(browser)
    for _ in range(10):
        if browser.switch_to.active_element.get_attribute("id") == "submit":
            break
        keyboard.send_keys(Keys.TAB).perform()
    assert browser.switch_to.active_element.get_attribute("id") == "submit"
    keyboard.send_keys(Keys.ENTER).perform()
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".answer")))
    browser.save_screenshot(str(tmp_path / "2-report-en.png"))

    [answer] = _visible(browser, ".answer")
    assert answer.text.startswith("PASS: ")
    assert "example.com" in answer.text
    cards = _visible(browser, "li[data-signature]")
    assert len(cards) == 2
    assert "d=example.com" in cards[0].text and "author" in cards[0].text
    assert "d=amazonses.com" in cards[1].text and "provider (benign)" in cards[1].text
    for card in cards:
        assert "pass" in card.find_element(By.CSS_SELECTOR, ".chip.result").text
    # The script ran (CSP allowed it): the copy and download buttons are shown.
    assert [b.text for b in _visible(browser, "button.action")] == ["Copy as text", "Download JSON"]
    # Download JSON: the file is what `check --format json` prints (the source aside).
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    _visible(browser, "button[data-download]")[0].click()
    saved = downloads / "dkim-analyzer.json"
    WebDriverWait(browser, 20).until(lambda _: saved.exists() and saved.stat().st_size > 0)
    check = run_cli("check", "--format", "json", "--nameserver", nameserver, str(case))
    assert saved.read_text() == check.stdout.replace(json.dumps(str(case)), '"<pasted>"')
    # Copy as text: the text report on the clipboard.
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": served.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})  # fmt: skip
    _visible(browser, "button[data-copy]")[0].click()
    WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "status").text)
    assert browser.find_element(By.ID, "status").text == "Copied to the clipboard."
    copied = browser.execute_async_script(
        "navigator.clipboard.readText().then(arguments[0], () => arguments[0](null));"
    )
    text = run_cli("check", "--no-color", "--nameserver", nameserver, str(case)).stdout
    assert copied == text.replace(str(case), "<pasted>")
    # Expandable evidence: the key's DNS answer, hop by hop.
    summary = cards[0].find_element(By.CSS_SELECTOR, "details.evidence summary")
    summary.send_keys(Keys.ENTER)
    assert "s2025._domainkey.example.com" in cards[0].text or "._domainkey" in cards[0].text

    # Switch language: the same report in Traditional Chinese, without asking again.
    browser.find_element(By.CSS_SELECTOR, "[data-set-lang='zh-TW']").click()
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "zh-TW"
    [answer] = _visible(browser, ".answer")
    assert answer.text.startswith("通過")
    cards = _visible(browser, "li[data-signature]")
    assert len(cards) == 2 and "寄件者本身" in cards[0].text
    assert [b.text for b in _visible(browser, "button.action")] == ["複製為文字", "下載 JSON"]
    assert _visible(browser, "#submit")[0].text == "檢查"
    browser.save_screenshot(str(tmp_path / "3-report-zh-TW.png"))
    assert not _console_problems(browser)
    # Only this server was asked (no font, script or image from elsewhere).
    assert all(u.startswith(served) for u in _requests(browser)), _requests(browser)


def test_upload_phone_width_and_zoom(browser: Any, served: str, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.set_window_size(390, 844)  # a phone; 200% zoom of 780 px is the same CSS width
    browser.get(served + "?lang=zh-TW")
    browser.find_element(By.ID, "file").send_keys(str(FIXTURES / "body-modified" / "message.eml"))
    browser.find_element(By.ID, "submit").click()
    WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".answer")))
    [answer] = _visible(browser, ".answer")
    assert answer.text.startswith("失敗")
    width = browser.execute_script(
        "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];"
    )
    assert width[0] <= width[1] + 1, width  # no sideways scrolling
    assert _visible(browser, "section.changes")  # the proven footer, side by side or stacked
    browser.save_screenshot(str(tmp_path / "4-phone-zh-TW.png"))
    assert not _console_problems(browser)


def test_scan_report_opens_from_disk_with_no_network_request(
    browser: Any, dns_server: ZoneServer, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By

    out = tmp_path / "report.html"
    paths = [str(FIXTURES / c / "message.eml") for c in ("plain", "body-modified", "key-nxdomain")]
    run = run_cli("scan", "-j", "1", "--nameserver", dns_server.address, "--format", "html",
                  "-o", str(out), *paths)  # fmt: skip
    assert run.exit_code == 1, run.stderr
    browser.get(out.as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "DKIM scan report"
    rows = browser.find_elements(By.CSS_SELECTOR, "#by-domain tr")
    assert rows and rows[0].find_element(By.CSS_SELECTOR, "td.n").text.isdigit()
    entry = browser.find_elements(By.CSS_SELECTOR, "details.msg")[1]
    entry.find_element(By.TAG_NAME, "summary").click()
    answer = entry.find_element(By.CSS_SELECTOR, ".answer")
    assert answer.is_displayed() and answer.text.startswith("FAIL: ")
    browser.save_screenshot(str(tmp_path / "5-scan-report.png"))
    assert [u for u in _requests(browser) if u != out.as_uri()] == []
    assert not _console_problems(browser)

"""A real headless browser (Debian's chromium, driven by selenium through chromedriver) uses the workbench and a document page.

Selenium, not playwright or pyppeteer: it is a PyPI package that drives the chromedriver Debian
ships beside chromium (`make browser` installs both), so no test tool downloads a browser of its own
and the tests stay in pytest with the server fixtures.
"""
from __future__ import annotations

import shutil

import pytest

BASE = "https://w3id.org/ungass-kg/"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("chromium and chromedriver are not installed (`make browser` installs them as root "
                    "with apt-get; this machine has no root or no apt)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_workbench_runs_an_example_and_shows_the_rows(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.ui import WebDriverWait
    browser.get(server.url + "workbench")
    Select(browser.find_element(By.ID, "example")).select_by_value("round-timeline")
    assert "ukg:IntersessionalMeeting" in browser.find_element(By.ID, "query").get_property("value")
    browser.find_element(By.ID, "run").click()
    WebDriverWait(browser, 20).until(lambda b: b.find_elements(By.CSS_SELECTOR, "table.results tbody tr"))
    headers = [th.text for th in browser.find_elements(By.CSS_SELECTOR, "table.results thead th")]
    rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
            for tr in browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")]
    assert len(rows) == 7
    numbers = [row[headers.index("number")] for row in rows]
    assert numbers == ["I", "II", "IV", "III", "V", "VII", "VI"]  # the order of discussion (¶7 … ¶77)
    assert rows[0][headers.index("date")] == "2017-09-26"
    # IRIs are links to this server's pages, and the query's URL can be shared.
    link = browser.find_element(By.CSS_SELECTOR, "table.results tbody a")
    assert link.get_attribute("href").startswith(server.url + "id/")
    assert "query=" in browser.current_url
    downloads = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#download-links a")]
    assert downloads == ["json", "xml", "csv", "tsv"]
    # The shared URL runs the same query by itself.
    browser.get(browser.current_url)
    WebDriverWait(browser, 20).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "table.results tbody tr")) == 7)


def test_document_page_shows_the_citation_picture(server, browser):
    from selenium.webdriver.common.by import By
    browser.get(server.url + "id/doc/a-res-s-30-1")
    assert browser.current_url == server.url + "page/id/doc/a-res-s-30-1"  # the 303 was followed
    picture = browser.find_element(By.CSS_SELECTOR, "svg.citation-network")
    assert picture.is_displayed() and picture.size["width"] > 200
    nodes = {node.get_attribute("data-iri"): node
             for node in picture.find_elements(By.CSS_SELECTOR, "a.node")}
    expected = {BASE + "id/doc/a-res-s-30-1", BASE + "id/doc/cnd-ungass-r3-summary", BASE + "id/doc/2030-agenda"}
    assert expected <= set(nodes), sorted(nodes)
    assert "current" in nodes[BASE + "id/doc/a-res-s-30-1"].get_attribute("class")
    assert len(picture.find_elements(By.CSS_SELECTOR, "path.edge")) >= 2
    browser.save_screenshot(str(server_screenshot_path()))


def server_screenshot_path():
    import tempfile
    from pathlib import Path
    return Path(tempfile.gettempdir()) / "ungass-kg-document-page.png"

"""A real headless browser (Debian's chromium, driven by selenium through chromedriver) walks what a person does.

Journeys: who sat on the Chapter III panel (from the home page, two clicks); search "naloxone" and "60/1";
run a library query in the editor and follow a result to its page; a shared editor link with a
`javascript:` IRI. Then every page template: axe-core (npm, `make web`) finds no WCAG 2.1 A/AA
violation, the page reflows at 320 px without sideways scrolling, and nothing is fetched from another
origin. Screenshots go to build/screenshots/ (git-ignored) so that anyone can look.

Selenium, not playwright or pyppeteer: it is a PyPI package that drives the chromedriver Debian
ships beside chromium (`make browser` installs both), so no test tool downloads a browser of its own.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build" / "yasgui.min.js"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
# One page of each template (and of each special section of the resource template).
TEMPLATES = {
    "home": "", "browse": "browse", "listing": "browse/ukg:ReportedStatement",
    "narrowed": "browse/ukg:Participation?chapter=https%3A%2F%2Fw3id.org%2Fungass-kg%2Fid%2Fdoc%2Fa-res-s-30-1%2Fchapter%2F3",
    "statement": "page/id/stmt/p19-4", "chapter": "page/id/doc/a-res-s-30-1/chapter/3",
    "document": "page/id/doc/a-res-s-30-1", "actor": "page/id/state/bel", "round": "page/id/event/cnd-ungass-r3",
    "panel": "page/id/event/cnd-ungass-r3-chapter-3-panel", "ontology": "ont", "search": "search?q=naloxone",
    "search-empty": "search?q=zzzxqj", "editor": "editor", "queries": "queries", "query": "queries/chapter-panel?chapter=3", "query-empty": "queries/chapter-panel?chapter=IX",
    "endpoint": "sparql", "void": ".well-known/void", "error": "page/id/nothing-here",
}


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
                 "--disable-dev-shm-usage", "--window-size=1280,900",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    if not (AXE.is_file() and YASGUI.is_file()):
        pytest.skip("axe-core and YASGUI are not installed under node_modules/ (`make web` installs them with npm)")
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    driver.set_page_load_timeout(30)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


def wait(browser, condition, seconds: float = 20):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, seconds).until(condition)


def css(browser, selector: str):
    from selenium.webdriver.common.by import By
    return browser.find_elements(By.CSS_SELECTOR, selector)


def click_link(browser, text: str) -> None:
    from selenium.webdriver.common.by import By
    browser.find_element(By.LINK_TEXT, text).click()


def test_who_sat_on_the_chapter_iii_panel_in_two_clicks(server, browser):
    browser.get(server.url)
    click_link(browser, "panel discussion")  # the home page's kinds link to their members
    click_link(browser, "Panel discussion on Chapter III")
    assert browser.find_element("tag name", "h1").text == "Panel discussion on Chapter III"
    rows = [[td.text for td in tr.find_elements("tag name", "td")] for tr in css(browser, "table.seats tbody tr")]
    who = {row[0] for row in rows}
    assert {"Nigeria", "Malaysia", "Estonia", "European Commission", "UNODC Organized Crime Branch"} <= who, rows
    assert any("expert panellist from Nigeria" in row[2] for row in rows)  # the seat's own words
    browser.get(server.url + TEMPLATES["chapter"])
    assert browser.find_element("tag name", "h1").text.startswith("Chapter III — Operational recommendations")
    browser.save_screenshot(str(SHOTS / "chapter.png"))
    browser.get(server.url)
    browser.save_screenshot(str(SHOTS / "home.png"))


def test_search_naloxone_finds_the_statements_with_their_paragraph(server, browser):
    browser.get(server.url)
    box = browser.find_element("id", "site-search")
    box.send_keys("naloxone")
    box.submit()
    wait(browser, lambda b: css(b, "li.hit"))
    hits = css(browser, "li.hit")
    statements = [h for h in hits if h.find_element("css selector", ".kind").text.lower() == "reported statement"]
    assert statements, [h.text for h in hits]
    for hit in statements:
        assert hit.find_element("css selector", "small.paragraphs a").text.startswith("¶ ")
        assert "naloxone" in hit.find_element("css selector", "mark").text.lower()
    browser.save_screenshot(str(SHOTS / "search.png"))


def test_search_60_1_leads_to_the_resolution_and_what_cites_it(server, browser):
    browser.get(server.url + "search?q=" + quote("60/1"))
    first = css(browser, "li.hit")[0]
    assert "60/1" in first.text
    first.find_element("css selector", "a").click()
    assert browser.find_element("tag name", "h1").text.startswith("Preparations for the sixty-second session")
    cited_by = [li.text for li in css(browser, "ul.cited-by li")]
    assert cited_by and all("60/1" in text or "Preparations" in text for text in cited_by), cited_by
    picture = css(browser, "svg.citation-network")[0]
    assert picture.is_displayed() and "60/1" in picture.text
    browser.get(server.url + TEMPLATES["document"])
    browser.save_screenshot(str(SHOTS / "document.png"))


def test_the_editor_runs_a_library_query_and_links_results_to_pages(server, browser):
    from selenium.webdriver.support.select import Select
    browser.get(server.url + "editor")
    wait(browser, lambda b: css(b, ".yasqe_queryButton"))
    Select(browser.find_element("id", "example")).select_by_value("round-timeline")
    wait(browser, lambda b: "IntersessionalMeeting" in b.execute_script(
        "return document.querySelector('.tabPanel.active .CodeMirror').CodeMirror.getValue()"))
    css(browser, ".tabPanel.active .yasqe_queryButton")[0].click()
    wait(browser, lambda b: len(css(b, ".tabPanel.active .yasr tbody tr")) == 7)
    hrefs = [a.get_attribute("href") for a in css(browser, ".tabPanel.active .yasr tbody a") if a.get_attribute("href")]
    ours = [h for h in hrefs if h.startswith(server.url + "id/")]
    assert ours and not [h for h in hrefs if h.startswith("https://w3id.org/ungass-kg/")], hrefs  # pages here
    links = [a for a in css(browser, ".tabPanel.active .yasr tbody a") if a.get_attribute("href") in ours]
    browser.save_screenshot(str(SHOTS / "editor.png"))
    target = links[0].get_attribute("href")
    browser.get(target)  # the table's links open in this window: follow one
    assert browser.current_url.startswith(server.url + "page/id/")
    assert browser.find_element("tag name", "h1").text


def test_a_shared_editor_link_runs_nothing_and_links_no_script(server, browser):
    query = 'SELECT ?x WHERE { BIND(IRI("javascript:alert(document.domain)") AS ?x) }'
    browser.get(server.url + "editor?query=" + quote(query))
    wait(browser, lambda b: css(b, ".yasqe_queryButton"))
    assert not css(browser, ".yasr tbody tr"), "a shared link must not run its query on load"
    assert "javascript:alert" in browser.execute_script(
        "return document.querySelector('.CodeMirror').CodeMirror.getValue()")
    css(browser, ".yasqe_queryButton")[0].click()
    wait(browser, lambda b: css(b, ".yasr tbody tr"))
    assert "javascript:alert(document.domain)" in css(browser, ".yasr tbody tr")[0].text
    hrefs = browser.execute_script("return Array.from(document.querySelectorAll('[href]')).map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h.strip().lower().startswith(("javascript:", "data:", "vbscript:"))], hrefs


def test_every_template_passes_axe_reflows_at_320px_and_stays_on_this_origin(server, browser):
    axe = AXE.read_text(encoding="utf-8")
    problems = []
    for name, path in TEMPLATES.items():
        browser.set_window_size(1280, 900)
        browser.get(server.url + path)
        if name == "editor":
            wait(browser, lambda b: css(b, ".yasqe_queryButton"))
        browser.execute_script(axe)
        found = browser.execute_async_script(
            "const done = arguments[0]; axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => done(r.violations.map("
            "v => v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))))")
        problems += [f"{name} (/{path}): {v}" for v in found]
        origin = server.url.rstrip("/")
        elsewhere = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(arguments[0]))",
            origin)
        problems += [f"{name}: fetched {url} from another origin" for url in elsewhere]
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": 320, "height": 640, "deviceScaleFactor": 1, "mobile": False})
        wide = browser.execute_script("return document.documentElement.scrollWidth")
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        if wide > 320:
            problems.append(f"{name}: {wide} px wide at a 320 px viewport (scrolls sideways)")
    assert not problems, "\n".join(problems)


def test_labels_in_other_languages_carry_lang_and_dir(server, browser):
    browser.get(server.url + TEMPLATES["actor"])
    arabic = css(browser, '[lang="ar"]')
    assert arabic and all(element.get_attribute("dir") == "rtl" for element in arabic)
    assert css(browser, '[lang="fr"]') and css(browser, '[lang="zh"]')


def test_focus_is_visible(server, browser):
    browser.get(server.url)
    link = css(browser, "header.site nav a")[0]
    browser.execute_script("arguments[0].focus()", link)
    from selenium.webdriver.common.keys import Keys
    link.send_keys(Keys.SHIFT + Keys.TAB)
    link.send_keys(Keys.TAB)
    style = browser.execute_script("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]")
    assert style[0] != "none" and style[1] != "0px", style

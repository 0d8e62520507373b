"""A crawler walks the whole site from the home page: every link answers, every page has the search box and names things as a person reads them.

Every HTML page reached from the home page (and from the listing pages it links to) is read: a link
that answers 4xx/5xx fails, and so does any visible link text or heading that is an IRI slug
(`stmt p19-4`, `citation p3-2`, `participation r3-ch3-panel-4`, `org unodc`, `para 44`…) or a bare
IRI of the dataset, which has a label or a derived one (server.pages.names). The IRI line at the
top of a page is a `<code>`, not a link or heading, and is where an identifier is the point.
"""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

import requests

LINK = re.compile(r'(?:href|src)="([^"]+)"')
MAX_PAGES = 6000  # bound: the site has about 1 500 resources (each an /id/ IRI and its /page/), and listings
BASE = "https://w3id.org/ungass-kg/"
# A slug as the old pages showed one: the last two segments of a dataset IRI ("stmt p19-4", "org unodc").
SLUG_OF = re.compile(r"/id/(?:[^/?#]+/)*([^/?#]+)/([^/?#]+)$")


class Visible(HTMLParser):
    """The text of each link and heading of a page (outside <code>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, list[str]]] = []
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("a", "h1", "h2", "h3", "h4", "th", "title"):
            self.open.append((tag, []))

    def handle_endtag(self, tag):
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                name, parts = self.open.pop(index)
                self.found.append((name, " ".join("".join(parts).split())))
                break

    def handle_data(self, data):
        for _, parts in self.open:
            parts.append(data)


def combined(url: str) -> bool:
    """A listing narrowed by two facets or more: every facet value is crawled alone, combinations are not."""
    return urlsplit(url).path.startswith("/browse/") and len([p for p in parse_qsl(urlsplit(url).query)
                                                               if p[0] != "page"]) > 1


def slug(url: str) -> str | None:
    """The slug the old pages showed for the resource at this URL (`/id/stmt/p19-4` -> "stmt p19-4")."""
    found = SLUG_OF.search(urlsplit(url).path)
    return f"{found[1]} {found[2]}" if found else None


def misnamed(page: str, slugs: set[str]) -> list[str]:
    """The links and headings of `page` whose text is one of `slugs` or a bare IRI of the dataset."""
    parser = Visible()
    parser.feed(page)
    return [f"<{tag}> {text!r}" for tag, text in parser.found if text in slugs or text.startswith(BASE)]


def test_every_page_answers_and_names_things_by_their_labels(server):
    origin = urlsplit(server.url).netloc
    start = [server.url, server.url + "browse"]
    seen, frontier, broken, pages = set(start), list(start), [], 0
    texts: dict[str, str] = {}
    session = requests.Session()

    def fetch(url: str) -> tuple[str, int, str, str]:
        response = session.get(url, timeout=30, headers={"Accept": "text/html"})
        kind = response.headers.get("Content-Type", "")
        return url, response.status_code, kind, response.text if kind.startswith("text/html") else ""

    with ThreadPoolExecutor(6) as pool:
        while frontier and pages < MAX_PAGES:
            batch, frontier = frontier, []
            for url, status, kind, text in pool.map(fetch, batch):
                pages += 1
                if status >= 400:
                    broken.append(f"{status} {url}")
                if text:
                    texts[url] = text
                for link in LINK.findall(text):
                    target = urldefrag(urljoin(url, unescape(link)))[0]
                    if urlsplit(target).netloc == origin and target not in seen and not combined(target):
                        seen.add(target)
                        frontier.append(target)
    every_slug = {slug(url) for url in seen} - {None}
    assert "stmt p19-4" in every_slug and "para 44" in every_slug
    slugs = [f"{url}: {problem}" for url, text in texts.items() for problem in misnamed(text, every_slug)]
    no_search = [url for url, text in texts.items() if 'role="search"' not in text]
    assert not no_search, f"{len(no_search)} pages without the search box, e.g. {no_search[:5]}"
    assert pages < MAX_PAGES, f"the crawl did not end within {MAX_PAGES} pages"
    assert pages > 1000, f"only {pages} pages reached from the home page"
    assert not slugs, f"{len(slugs)} slugs or bare IRIs shown as names:\n" + "\n".join(sorted(slugs)[:60])
    assert not broken, f"{len(broken)} broken links of {pages}:\n" + "\n".join(sorted(broken)[:50])


def test_the_slug_check_catches_what_the_old_pages_showed():
    old = ('<h1>stmt p19-4</h1><a href="/id/figure/p5-1">figure p5-1</a>'
           '<a href="/x">https://w3id.org/ungass-kg/id/org/unodc</a><p class="iri"><code>' + BASE + 'id/x</code></p>')
    slugs = {slug(BASE + "id/stmt/p19-4"), slug("http://127.0.0.1/id/figure/p5-1")}
    assert misnamed(old, slugs) == ["<h1> 'stmt p19-4'", "<a> 'figure p5-1'",
                                    "<a> 'https://w3id.org/ungass-kg/id/org/unodc'"]
    assert misnamed('<a href="/id/stmt/p19-4">¶ 19 · Naloxone was…</a><h2>citation phrase</h2>', slugs) == []

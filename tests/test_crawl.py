"""A crawler walks the whole site from the home page: every link answers, no 404, no 500 (loopback only)."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from urllib.parse import urldefrag, urljoin, urlsplit

import requests

LINK = re.compile(r'(?:href|src)="([^"]+)"')
MAX_PAGES = 5000  # bound: the site has about 1 500 resources (each an /id/ IRI and its /page/)


def test_every_link_from_the_home_page_answers(server):
    origin = urlsplit(server.url).netloc
    seen, frontier, broken, pages = {server.url}, [server.url], [], 0
    session = requests.Session()

    def fetch(url: str) -> tuple[str, int, str, str]:
        response = session.get(url, timeout=30)
        kind = response.headers.get("Content-Type", "")
        return url, response.status_code, kind, response.text if kind.startswith("text/html") else ""

    with ThreadPoolExecutor(8) as pool:
        while frontier and pages < MAX_PAGES:
            batch, frontier = frontier, []
            for url, status, kind, text in pool.map(fetch, batch):
                pages += 1
                if status >= 400:
                    broken.append(f"{status} {url}")
                for link in LINK.findall(text):
                    target = urldefrag(urljoin(url, unescape(link)))[0]
                    if urlsplit(target).netloc == origin and target not in seen:
                        seen.add(target)
                        frontier.append(target)
    assert pages < MAX_PAGES, f"the crawl did not end within {MAX_PAGES} pages"
    assert pages > 1000, f"only {pages} pages reached from the home page"
    assert not broken, f"{len(broken)} broken links of {pages}:\n" + "\n".join(sorted(broken)[:50])

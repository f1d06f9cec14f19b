"""axe-core (WCAG 2.1 A and AA rules) on every page of the demo that the analyst can reach.

The demo is built (30 leaders, answers, interviews, coded units), the analyst logs in through the
form, and every same-site link is followed breadth first — at most three pages of each kind (the
same path with numbers as N: three units, three interviews, three knowledge entries …) —
skipping downloads, the respondent's personal links and logout. axe-core is
the copy bundled in the ``axe-playwright-python`` wheel (no download at test time).
"""

from __future__ import annotations

import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.database_neutral, pytest.mark.django_db(transaction=True)]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_PAGES = 160
SKIP_PARTS = ("/log-ud/", "/s/", "/static/", "/admin/")
DOWNLOAD_ENDINGS = (".csv", ".xlsx", ".pdf", ".docx", ".qdc", ".qdpx", ".json", ".jsonl", ".html", ".txt", ".yaml")


def _axe_script() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def _family(path: str) -> str:
    """Pages of one kind share a template: /undersoegelser/N/kodning/enhed/N/, /viden/*/ …"""
    path = re.sub(r"/\d+(?=/)", "/N", path)
    return re.sub(r"^/viden/[^/]+/$", "/viden/*/", path)


def _wanted(url: str, origin: str) -> bool:
    parsed = urlparse(url)
    if f"{parsed.scheme}://{parsed.netloc}" != origin:
        return False
    path = parsed.path
    if any(part in path for part in SKIP_PARTS) or path.endswith(DOWNLOAD_ENDINGS):
        return False
    return "download" not in path and "hent" not in path and "eksport" not in path


def test_every_demo_page_passes_axe(demo_build, live_server, page):
    result = demo_build(size=30)
    # A page's first load in this process may fit a suggester or render a report: seconds on a
    # loaded machine. The crawl checks accessibility, not speed (bench/bench_demo_pages.py does).
    page.set_default_navigation_timeout(60_000)
    page.goto(live_server.url + "/konto/log-ind/")
    page.fill("#id_username", "analytiker")
    page.fill("#id_password", result.password)
    page.click("button[type=submit]")
    page.wait_for_url("**/undersoegelser/")

    axe = _axe_script()
    origin = live_server.url
    queue = deque([origin + "/undersoegelser/"])
    seen_paths: dict[str, int] = {}
    visited: set[str] = set()
    violations: list[str] = []
    while queue and len(visited) < MAX_PAGES:
        url = queue.popleft()
        if url in visited:
            continue
        visited.add(url)
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        page.evaluate(axe)
        found = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
        for v in found["violations"]:
            targets = "; ".join(" ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:3])
            violations.append(f"{url[len(origin):]}: {v['id']} ({len(v['nodes'])}) {targets}")
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            if not _wanted(href, origin) or href in visited:
                continue
            family = _family(urlparse(href).path)
            if href in queue or seen_paths.get(family, 0) >= 3:  # at most 3 pages of one kind
                continue
            seen_paths[family] = seen_paths.get(family, 0) + 1
            queue.append(href)
    print(f"axe: {len(visited)} pages of {len(seen_paths)} kinds")
    # The crawl must keep reaching the analyst's whole job, not only the knowledge base.
    for family in ("/undersoegelser/N/resultater/", "/undersoegelser/N/kodning/", "/undersoegelser/N/rapport/",
                   "/undersoegelser/N/rapport/dialog/", "/undersoegelser/N/interviews/", "/undersoegelser/N/opfoelgning/",
                   "/undersoegelser/N/spoergeskema/", "/organisation/", "/viden/dialogkort/bunke/"):
        assert family in seen_paths, family
    assert len(visited) >= 100, f"only {len(visited)} pages reached"
    assert violations == [], "\n".join(violations)

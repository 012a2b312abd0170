"""The portal in a real browser: search, filter, page, open an item, keyboard only, and axe-core on every page type.

The app runs under uvicorn on a free loopback port over an archive of every real
document; Debian's Chromium (/usr/bin/chromium, never a downloaded browser) is
driven by Playwright.  axe-core comes from ``tests/browser/node_modules`` (``npm
ci`` in ``tests/browser``, done by ``scripts/test``).  Screenshots of every step go
to ``tests/browser/shots/`` (gitignored) for a person to look at.  In CI a missing
Chromium or axe-core fails the run; locally those tests are skipped with the fix.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from referat.persons import person_key, slug

from .backends import in_ci

HERE = Path(__file__).resolve().parent / "browser"
SHOTS = HERE / "shots"
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


def _missing(what: str) -> None:
    message = f"{what} (./scripts/test installs it)"
    if in_ci():
        pytest.fail("CI needs the browser tests: " + message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def store(real_sqlite):  # the shared real archive (conftest)
    return real_sqlite


@pytest.fixture(scope="module")
def base_url(store: Any) -> Iterator[str]:
    """The portal served by uvicorn on a free loopback port, in a thread of this process."""
    import uvicorn

    from referat.web import create_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(store), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the portal did not start under uvicorn")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync"])
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any, base_url: str) -> Iterator[Any]:
    # axe-core is injected as an inline script, which the pages' policy (script-src 'none') refuses
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900}, locale="da-DK",
                                  bypass_csp=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    yield pg
    context.close()
    assert errors == [], f"JavaScript errors on the page: {errors}"


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def axe_violations(page: Any) -> list[str]:
    if not AXE.exists():
        _missing(f"axe-core is not installed at {AXE} (cd tests/browser && npm ci)")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate("tags => axe.run(document, {runOnly: tags})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]]


def _hits_heading(page: Any) -> str:
    return str(page.locator("#hits-h").inner_text())


def _total(page: Any) -> int:
    m = re.match(r"(\d+) resultat", _hits_heading(page))
    assert m, _hits_heading(page)
    return int(m.group(1))


def test_search_filter_page_and_open_an_item(page: Any) -> None:
    page.goto("/")
    page.fill("#q", "udvalget")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/soeg\?q=udvalget"))
    everything = _total(page)
    assert everything > 40 and page.locator("ol.hits > li").count() == 20
    shot(page, "flow-1-search")

    facet = page.locator("aside.facets ul.facet").first.locator("a").first
    municipality = facet.inner_text()
    facet.click()
    page.wait_for_url(re.compile(r"kommune="))
    filtered = _total(page)
    assert 20 < filtered < everything
    assert f"Kommune: {municipality}" in page.locator("ul.chips").inner_text()
    metas = page.locator("ol.hits p.meta").all_inner_texts()
    assert metas and all(m.startswith(municipality + " ·") for m in metas)
    shot(page, "flow-2-filtered")

    first_page_titles = page.locator("ol.hits h3 a").all_inner_texts()
    page.click("nav.pager a[rel=next]")
    page.wait_for_url(re.compile(r"side=2"))
    assert "side 2 af" in _hits_heading(page)
    second_page_titles = page.locator("ol.hits h3 a").all_inner_texts()
    assert second_page_titles and page.locator("ol.hits").get_attribute("start") == "21"
    assert second_page_titles != first_page_titles
    shot(page, "flow-3-page-2")

    link = page.locator("ol.hits h3 a").first
    title = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/moede/\d+/punkt/"))
    assert title in page.locator("h1").inner_text()
    assert municipality in page.locator("p.meta").first.inner_text()
    shot(page, "flow-4-item")


def _focused(page: Any) -> dict[str, Any]:
    return dict(page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
        return {tag: e.tagName, id: e.id, text: (e.textContent || '').trim(), href: e.getAttribute('href') || '',
                inHits: !!e.closest('ol.hits'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""))


def _tab_to(page: Any, wanted: Any, limit: int = 60) -> dict[str, Any]:
    """Press Tab until ``wanted(focused)`` holds; every stop on the way must show a visible focus outline."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        f = _focused(page)
        if f["tag"] in ("A", "INPUT", "BUTTON", "SELECT"):
            assert f["outline"] != "none" and f["width"] >= 2, f"no visible focus on {f}"
        if wanted(f):
            return f
    raise AssertionError(f"Tab never reached the element (last focus: {_focused(page)})")


def test_keyboard_only_search_and_open_an_item(page: Any) -> None:
    page.goto("/")
    skip = _tab_to(page, lambda f: True, 1)
    assert skip["text"] == "Spring til indhold"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"
    _tab_to(page, lambda f: f["id"] == "q")
    page.keyboard.type("budget")
    shot(page, "keyboard-1-front-focus")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/soeg\?q=budget"))
    hit = _tab_to(page, lambda f: f["inHits"] and "/punkt/" in f["href"])
    shot(page, "keyboard-2-hit-focus")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(hit["href"]) + "$"))
    assert hit["text"] in page.locator("h1").inner_text()
    # the breadcrumb back to the meeting is reachable too
    crumb = _tab_to(page, lambda f: re.fullmatch(r"/moede/\d+", f["href"]) is not None)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(re.escape(crumb["href"]) + "$"))
    assert page.locator("h1").inner_text().startswith(("Referat", "Dagsorden"))


def _page_types(store: Any) -> list[tuple[str, str]]:
    """One URL of every page type, chosen from the archive (meetings with participants, a closed item)."""
    meetings = store.meetings()
    with_people = next(m for m in meetings if store.get(m.id).meeting.participants)
    record = store.get(with_people.id).meeting
    public = next(i for i in record.items if i.public and i.sections)
    closed = next(((m.id, i.number) for m in meetings for i in store.get(m.id).meeting.items if not i.public),
                  None)
    committee = f"/kommune/{slug(record.municipality)}/udvalg/{slug(record.committee)}"
    pages = [("front", "/"), ("search-empty", "/soeg"), ("search", "/soeg?q=budget"),
             ("search-filtered", "/soeg?q=budget&kommune=Aarhus&sorter=dato"),
             ("meeting", f"/moede/{with_people.id}"), ("item", f"/moede/{with_people.id}/punkt/{public.number}"),
             ("committee", committee), ("person", "/person/" + person_key(record.municipality,
                                                                           record.participants[0].person.name)),
             ("not-found", "/moede/999999"), ("bad-request", "/soeg?q=x&side=abc"),
             ("municipalities", "/kommuner"), ("municipality", f"/kommune/{slug(record.municipality)}"),
             ("municipality-people", f"/kommune/{slug(record.municipality)}/personer"),
             ("calendar", "/kalender?fra=2025-09-01"), ("calendar-empty", "/kalender"),
             ("search-browse", f"/soeg?kommune={quote(record.municipality)}"),
             ("search-person", "/soeg?q=" + quote(record.participants[0].person.name))]
    if closed:
        pages.append(("item-closed", f"/moede/{closed[0]}/punkt/{closed[1]}"))
    # a budget table: header row over an amounts column, labelled rows (th scope=row)
    table = next(((m.id, i.number) for m in meetings for i in store.get(m.id).meeting.items
                  if i.public and any(t.header_rows for s in i.sections for t in s.tables)), None)
    assert table is not None, "the corpus has budget tables (Ballerup item 6)"
    pages.append(("item-table", f"/moede/{table[0]}/punkt/{table[1]}"))
    return pages


def test_every_page_type_has_zero_axe_violations(page: Any, store: Any) -> None:
    failures = {}
    for name, url in _page_types(store):
        response = page.goto(url)
        assert response is not None and response.status < 500, (name, url)
        assert page.locator("html").get_attribute("lang") == "da"
        assert page.locator("h1").count() == 1, f"{name} needs exactly one h1"
        shot(page, f"page-{name}")
        if violations := axe_violations(page):
            failures[f"{name} {url}"] = violations
    assert failures == {}


def test_axe_reports_a_planted_violation(page: Any) -> None:
    """The axe hookup really checks: an image without alt text and an unlabelled field are reported."""
    page.goto("/")
    page.evaluate("""() => { const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend', '<img src="/static/x.png"><input type="text">'); }""")
    found = " ".join(axe_violations(page))
    assert "image-alt" in found and "label" in found


@pytest.mark.parametrize("width", [320, 390])
def test_every_page_type_fits_a_phone(browser: Any, base_url: str, store: Any, width: int) -> None:
    """No page is wider than a phone: long compounds wrap, tables scroll within themselves (and take the
    keyboard), and the first hit of a search comes before the facets, which wait behind a control."""
    context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 800}, locale="da-DK")
    page = context.new_page()
    try:
        too_wide = {}
        for name, url in _page_types(store):
            page.goto(url)
            widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if widths[0] > widths[1]:
                too_wide[name] = widths
            for region in page.locator("div.scroll").all():
                assert region.get_attribute("tabindex") == "0" and region.get_attribute("aria-label"), name
            if width == 390:
                shot(page, f"phone-{name}")
        assert too_wide == {}, f"pages wider than {width} px (scrollWidth, innerWidth): {too_wide}"

        page.goto("/soeg?q=budget")
        first_hit = page.locator("ol.hits > li").first.bounding_box()
        assert first_hit is not None
        assert not page.locator("aside.facets ul.facet a").first.is_visible()
        summary = page.locator("details.facet-box > summary")
        summary.click()
        facet = page.locator("aside.facets ul.facet a").first
        assert facet.is_visible()
        box = facet.bounding_box()
        assert box is not None and first_hit["y"] < 800 and summary.bounding_box() is not None
        if width == 390:
            shot(page, "phone-search-facets-open")
    finally:
        context.close()


def test_printed_pages_leave_out_the_site_around_them(page: Any, store: Any) -> None:
    """The print style sheet: no header search form, menu, facets or pager; the content and its tables stay."""
    page.emulate_media(media="print")
    page.goto("/soeg?q=udvalget")
    assert page.locator("ol.hits > li").first.is_visible()
    for hidden in ("form.big", "aside.facets", "nav.pager", "header nav.top"):
        assert not page.locator(hidden).first.is_visible(), hidden
    meeting = next(m for m in store.meetings() if store.get(m.id).meeting.participants)
    page.goto(f"/moede/{meeting.id}")
    assert not page.locator("header form.mini").is_visible() and page.locator("h1").is_visible()
    assert page.locator("table.items").is_visible()
    shot(page, "print-meeting")

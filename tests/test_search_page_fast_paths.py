"""The shortcuts a results page takes must give exactly what the long way gives.

A search page no longer counts matches in the ranked search (the facets' outcome
buckets give the total), builds snippets from a per-query word judgement and one
regular expression instead of walking every token, reuses compiled queries and a
search's facets across its pages, and encodes its ~100 facet links from
pre-encoded pieces, and writes its hits in Python.  Each shortcut is checked against the long way over the real
documents, on both backends; and ``referat serve --workers 2`` really serves.
"""

from __future__ import annotations

import itertools
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

import pytest

with warnings.catch_warnings():  # starlette nudges towards httpx2; httpx works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from referat.search import snippets
from referat.search.analyzer import WORD
from referat.search.query import parse
from referat.store.base import SearchFilters
from referat.web import create_app
from referat.web.params import SearchParams, url_piece

QUERIES = ["udvalget", "budget", "indstillingen OR beslutning", "skole trivsel", "beskæftigelsesindsats", "ældre",
           "strat*", '"taget til efterretning"', "10,86 mio", "kommune -budget", "Børn OR unge", "2013", "økonomi"]


@pytest.fixture(scope="module")
def store(real_store):  # the shared real archive of each backend (conftest)
    return real_store


def test_facet_total_is_the_match_count(store):
    some = store.search(parse("udvalget"), limit=1, count=True).hits[0]
    filters = [SearchFilters(), SearchFilters(municipality=some.municipality),
               SearchFilters(municipality=some.municipality, committee=some.committee),
               SearchFilters(outcome="approved")]
    checked = 0
    for q, f in itertools.product(QUERIES, filters):
        counted = store.search(parse(q), f, limit=1, count=True).total
        assert store.facets(parse(q), f).total == counted, (q, f)
        checked += counted > 0
    assert checked > 10  # the pairs are not all empty


def test_search_page_total_and_paging(store):
    client = TestClient(create_app(store))
    for q in QUERIES:
        counted = store.search(parse(q), limit=1, count=True).total
        j = client.get("/soeg.json", params={"q": q}).json()
        assert j["total"] == counted
        assert len(j["hits"]) == min(counted, j["page_size"])
        if counted > j["page_size"]:  # page 2 reuses page 1's facets and shows the next hits
            j2 = client.get("/soeg.json", params={"q": q, "side": 2}).json()
            assert j2["facets"] == j["facets"] and j2["total"] == counted
            assert not {h["url"] for h in j2["hits"]} & {h["url"] for h in j["hits"]}
    pages = -(-store.search(parse("udvalget"), limit=1, count=True).total // j["page_size"])
    assert client.get("/soeg", params={"q": "udvalget", "side": pages + 1}).status_code == 404


def test_snippet_word_spans_match_walking_the_tokens(store):
    texts = [s.text for m in store.meetings() for item in store.get(m.id).meeting.items for s in item.sections]
    assert len(texts) > 100
    compared = 0
    for q in QUERIES:
        query = parse(q)
        matcher = snippets._Matcher(query)
        for text in texts:
            flat = " ".join(text.split())
            walked = {m.span() for m in WORD.finditer(flat) if matcher.judge(m.group(0).lower())}
            assert snippets._word_spans(flat, snippets._matcher(query)) == walked, (q, flat[:80])
            compared += bool(walked)
    assert compared > 200


def test_search_links_equal_plain_encoding():
    values = {"q": ["skole", "æble & ø=?", "", "a+b c"], "municipality": [None, "Høje-Taastrup"],
              "committee": [None, "Børn & Unge"], "year": [None, 2020], "outcome": [None, "approved"],
              "kle": [None, "00.01"], "person": [None, "Anja Holtze (A)"], "sort": ["relevans", "dato"], "page": [1, 3]}
    keys = list(values)
    for i, combo in enumerate(itertools.product(*values.values())):
        if i % 7:  # a spread sample of the 1,536 combinations
            continue
        p = SearchParams(**dict(zip(keys, combo, strict=False)))
        for change in ({}, {"municipality": None}, {"year": 2019}, {"page": 2}, {"person": "Ø (Å)"}):
            expected = dict(change)
            expected.setdefault("page", 1)
            assert p.url("/soeg.atom", **change) == f"/soeg.atom?{urlencode(replace(p, **expected).pairs())}"
        for attr, value in (("municipality", "Ærø & Co"), ("year", 2019), ("person", "Ø (Å)"), ("kle", "00.01"),
                            ("committee", "Børn"), ("outcome", "noted")):
            head, tail = p.url_around(attr)  # a facet block's links: one head and tail around each value
            assert head + url_piece(attr, value) + tail == p.url(**{attr: value})


#: the template loop ``views.hit_list`` replaced, kept here as the long way
HIT_LOOP = """{% from "_outcome.html" import badge %}
    {% for h in hits %}
      <li>
        <h3><a href="{{ h.url }}">{{ h.title }}</a></h3>
        <p class="meta"><a href="{{ h.municipality|municipality_url }}">{{ h.municipality }}</a> · <a href="{{ h.municipality|committee_url(h.committee) }}">{{ h.committee }}</a> · <a href="{{ h.meeting_url }}">møde {{ h.start|fromiso|dadate }}</a> · punkt {{ h.number }} {{ badge(h.outcome) }}</p>
        {% if h.public %}<p class="snippet">{{ h.snippet|marks }}</p>{% else %}<p class="closed">{{ closed }}</p>{% endif %}
      </li>
    {% endfor %}
"""  # noqa: E501 (the template as it was)


def test_hit_list_equals_the_template_loop(store):
    from referat.web import views
    from referat.web.app import _environment

    loop = _environment().from_string(HIT_LOOP)
    odd = {"item_id": 1, "meeting_id": 2, "url": "/moede/2/punkt/3<a>", "meeting_url": "/moede/2", "score": 1.0,
           "municipality": "Ærø & Co", "committee": 'Børn "og" <Unge>', "start": None, "number": "3<a>",
           "title": "A & B <script>", "outcome": None, "public": True, "snippet": "‹x› & <y>"}
    pages = [[odd, dict(odd, public=False, snippet=views.CLOSED, outcome="noted", start="2024-03-01T17:00:00")]]
    for q in QUERIES:
        pages.append([views.hit(h) for h in store.search(parse(q), limit=20).hits])
    assert sum(len(p) for p in pages) > 100
    def tags(html: str) -> str:  # the same markup, whatever the white space between tags
        return re.sub(r">\s+<", "><", html).strip()

    for hits in pages:
        assert tags(str(views.hit_list(hits))) == tags(loop.render(hits=hits))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("workers, access_log", [("2", True), ("1", False)])
def test_serve_with_two_workers(tmp_path, workers, access_log):
    root = Path(__file__).resolve().parent.parent
    shared = Path(os.environ.get("REFERAT_SHARED", root.parent / "shared"))
    db = tmp_path / "a.db"
    cli = [str(Path(sys.executable).with_name("referat")), "--db", str(db)]
    subprocess.run(cli + ["import", str(next((shared / "seeds").glob("*.txt")))], check=True, capture_output=True)
    port = _free_port()
    flags = ["--workers", workers] + ([] if access_log else ["--no-access-log"])
    proc = subprocess.Popen(cli + ["serve", "--port", str(port), *flags], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                body = urllib.request.urlopen(f"http://127.0.0.1:{port}/soeg.json?q=udvalget", timeout=5).read()
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.3)
        assert b'"total"' in body
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert out.count("Started server process") == int(workers), out  # worker processes, each its own store
    assert ("GET /soeg.json?q=udvalget" in out) is access_log, out  # a line per request, or none


def test_remembered_snippets_are_the_snippets(store, monkeypatch):
    """A store's snippets by (item id, query) are exactly ``snippet``'s, made once, and bounded."""
    memo = snippets.ItemSnippets(size=3)
    made = []
    real = snippets.snippet
    monkeypatch.setattr(snippets, "snippet", lambda text, query: made.append(1) or real(text, query))
    hits = store.search(parse("udvalget"), limit=5).hits
    texts = {h.item_id: " ".join(s.text for s in store.get(h.meeting_id).meeting.items[0].sections) for h in hits}
    query = parse("udvalget")
    made.clear()  # (the store's own search made some)
    for item_id, text in list(texts.items())[:3]:
        assert memo(item_id, text, query) == real(text, query)
        assert memo(item_id, text, query) == real(text, query)
    assert len(made) == 3  # each once
    other = parse("tiltrådte")  # (its own name: the store's search below is for "udvalget" again)
    assert memo(hits[0].item_id, "Udvalget tiltrådte.", other) == real("Udvalget tiltrådte.", other)
    assert len(memo.made) == 3  # the oldest gave way
    assert [h.snippet for h in store.search(query, limit=5).hits] == [h.snippet for h in hits]  # the store's own

"""Every answer carries the security headers (issue 13): a strict Content-Security-Policy, no framing, no
referrer to other sites, no type sniffing; and nothing the pages need is blocked by that policy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from referat.parse import importer
from referat.store import open_store
from referat.web.app import create_app

from .conftest import SHARED

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"
TEMPLATES = Path(__file__).resolve().parent.parent / "src" / "referat" / "web" / "templates"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("headers") / "a.db"))
    store.save(importer.parse_file(SEED))
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        c.meeting_id = store.meetings()[0].id
        yield c
    store.close()


def _pages(meeting_id: int) -> list[str]:
    return ["/", "/index.json", "/soeg?q=budget", "/soeg.json?q=budget", "/soeg.atom?q=budget",
            f"/moede/{meeting_id}", f"/moede/{meeting_id}.json", f"/moede/{meeting_id}/punkt/1",
            "/oparl/v1", "/openapi.json", "/static/style.css", "/log-ind", "/findes-ikke", "/moede/999999",
            "/soeg?q=budget&aar=abc", "/moeder.ics"]


def test_every_page_carries_the_security_headers(client):
    for path in _pages(client.meeting_id):
        r = client.get(path)
        assert r.status_code < 500, (path, r.status_code)
        policy = r.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in policy and "script-src 'none'" in policy, (path, policy)
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy, path
        assert r.headers.get("x-frame-options") == "DENY", path
        assert r.headers.get("referrer-policy") == "same-origin", path
        assert r.headers.get("x-content-type-options") == "nosniff", path


def test_a_post_and_a_refused_method_carry_them_too(client):
    for r in (client.post("/log-ind", data={}), client.post("/soeg")):
        assert r.headers.get("x-frame-options") == "DENY" and "content-security-policy" in r.headers


def test_the_rendered_minutes_keep_their_inline_print_style_and_nothing_else(client):
    r = client.get(f"/moede/{client.meeting_id}/referat.html")
    assert r.status_code == 200 and "<style>" in r.text
    policy = r.headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "script" not in policy
    assert r.headers.get("x-frame-options") == "DENY"


def test_no_template_needs_what_the_policy_forbids():
    """Inline scripts, event handlers and style attributes would be blocked by the page policy."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text("utf-8")
        assert not re.search(r"<script|\son[a-z]+=|\sstyle=|<style|<iframe|<object", text, re.I), path.name


def test_a_pdf_gets_the_headers_but_no_page_policy_that_would_block_the_viewer(client):
    r = client.get(f"/moede/{client.meeting_id}/referat.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert "content-security-policy" not in r.headers
    assert r.headers["x-frame-options"] == "DENY" and r.headers["x-content-type-options"] == "nosniff"

"""Small inputs that gave a 500 (issue 13): a blank or tab year, Unicode digits in ids, and an attachment
whose name is not Latin-1.  Each is now a 4xx with a Danish message, or the file with an RFC 5987 name."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from referat.parse import importer
from referat.store import open_store
from referat.web.app import create_app

from .conftest import SHARED
from .council_setup import FAST_HASHER, build, clock, where  # noqa: F401 (fixtures)

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    store = open_store(str(tmp_path_factory.mktemp("small") / "a.db"))
    store.save(importer.parse_file(SEED))
    with TestClient(create_app(store), raise_server_exceptions=False) as c:
        yield c
    store.close()


@pytest.mark.parametrize("path", ["/soeg", "/soeg.json", "/soeg.atom", "/soeg/eksport.csv", "/soeg/eksport.json"])
@pytest.mark.parametrize("year", ["%20", "%09", "%20%20"])
def test_a_blank_year_is_no_year(client, path, year):
    r = client.get(f"{path}?q=budget&aar={year}")
    assert r.status_code == 200, r.text[:300]


@pytest.mark.parametrize("year", ["²⁰²³", "２０２３", "٢٠٢٣"])
def test_a_year_in_unicode_digits_is_refused_in_danish(client, year):
    r = client.get(f"/soeg?q=budget&aar={quote(year)}")
    assert r.status_code == 400 and "helt tal" in r.text


@pytest.mark.parametrize("path", ["/oparl/v1/meeting/²", "/oparl/v1/meeting/１", "/oparl/v1/agendaitem/1/²",
                                  "/moede/²", "/moede/²/punkt/1", "/moede/²/referat.pdf", "/oparl/v1/bodies?page=²"])
def test_unicode_digits_in_an_id_are_not_found(client, path):
    r = client.get(quote(path, safe="/?="))
    assert r.status_code in (400, 404), (r.status_code, r.text[:300])
    assert "Traceback" not in r.text


@pytest.mark.parametrize("name", ["文件.pdf", "Ĳ-rapport.pdf", 'a"b;c.pdf', "æøå.pdf"])
def test_an_attachment_with_any_name_downloads_with_its_name(where, clock, name):
    from referat.council import Council

    store = open_store(where)
    council = Council(where, store=store, clock=clock, hasher=FAST_HASHER)
    try:
        setup = build(council)
        item = setup.item("1")
        council.add_attachment(setup.secretary, item.id, "Bilag", name, b"%PDF-1.4 x", media_type="application/pdf")
        attachment = council.meeting(setup.secretary, setup.meeting.id).item("1").attachments[0]
        council.set_password(setup.secretary, setup.secretary.id, "sekretær-kode-2")
        client = TestClient(create_app(store, council), follow_redirects=False)
        form = client.get("/log-ind")
        csrf = re.search(r'name="csrf" value="([^"]*)"', form.text).group(1)
        assert client.post("/log-ind", data={"csrf": csrf, "username": "sek",
                                             "password": "sekretær-kode-2"}).status_code == 303
        r = client.get(f"/sekretariat/bilag/{attachment.id}")
        assert r.status_code == 200 and r.content == b"%PDF-1.4 x"
        header = r.headers["content-disposition"]
        assert header.startswith("attachment; filename=\"") and header.isascii()
        assert f"filename*=UTF-8''{quote(name, safe='')}" in header
        fallback = header.split('filename="')[1].split('"')[0]
        assert fallback and '"' not in fallback and ";" not in fallback
    finally:
        council.close()
        store.close()

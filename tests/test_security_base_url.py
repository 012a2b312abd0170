"""Absolute URLs come from the configured public address, never from the Host header (issue 13): OParl
ids, Atom ids and links, iCal UIDs and the search export, with and without the page cache."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from referat.cli import main
from referat.errors import ConfigError
from referat.parse import importer
from referat.settings import Settings
from referat.store import open_store
from referat.web.app import create_app
from referat.web.urls import FALLBACK, public_root

from .conftest import SHARED

SEED = SHARED / "seeds" / "000_0c62e176ebc4d76a.txt"
BASE = "https://referater.example.dk/arkiv"
EVIL = "evil.example"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = open_store(str(tmp_path_factory.mktemp("base") / "a.db"))
    s.save(importer.parse_file(SEED))
    yield s
    s.close()


def _paths(store) -> list[str]:
    m = store.meetings()[0]
    committee = f"/kommune/{m.municipality}/udvalg/{m.committee}"
    return ["/oparl/v1", "/oparl/v1/bodies", f"/oparl/v1/meeting/{m.id}", "/soeg.atom?q=budget",
            "/moeder.ics", committee + ".atom", committee + ".ics", "/soeg/eksport.json?q=budget",
            "/soeg/eksport.csv?q=budget"]


@pytest.mark.parametrize("cache", [True, False])
def test_a_hostile_host_header_never_reaches_an_absolute_url(store, cache):
    app = create_app(store, settings=Settings.from_env(base_url=BASE, cache=cache))
    evil = TestClient(app, base_url=f"http://{EVIL}")
    honest = TestClient(app, base_url="http://127.0.0.1:8000")
    for path in _paths(store):
        first = evil.get(path, headers={"X-Forwarded-Host": EVIL, "Forwarded": f"host={EVIL}"})
        assert first.status_code == 200, (path, first.text[:200])
        assert EVIL not in first.text, path
        later = honest.get(path)
        assert EVIL not in later.text and "127.0.0.1" not in later.text, path
    system = honest.get("/oparl/v1").json()
    assert system["id"] == BASE + "/oparl/v1/system" or system["id"].startswith(BASE + "/oparl/v1")
    assert f"<id>{BASE}/soeg.atom?q=budget</id>" in honest.get("/soeg.atom?q=budget").text
    assert "@referater.example.dk" in honest.get("/moeder.ics").text


def test_unconfigured_the_fallback_is_used_not_the_host(store):
    app = create_app(store, settings=Settings.from_env(environ={}))
    r = TestClient(app, base_url=f"http://{EVIL}").get("/oparl/v1")
    assert r.status_code == 200 and EVIL not in r.text and FALLBACK + "/oparl/v1" in r.text


@pytest.mark.parametrize("bad", ["ftp://x", "https://", "https://host/?q=1", "https://host/#x", "https://ho st/",
                                 'https://host/"><script>'])
def test_a_bad_base_url_is_a_config_error(bad):
    with pytest.raises(ConfigError):
        public_root(bad)


def test_serve_refuses_a_bad_base_url_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "a.db"), "serve", "--base-url", "https://host/?x=1"])
    assert result.exit_code != 0
    assert "base URL" in result.output and "Traceback" not in result.output


def test_session_cookies_are_secure_when_the_public_address_is_https(tmp_path):
    import re

    from referat.council import SYSTEM, Council

    from .council_setup import FAST_HASHER

    where = str(tmp_path / "c.db")
    store = open_store(where)
    council = Council(where, store=store, hasher=FAST_HASHER)
    try:
        council.create_user(SYSTEM, "anna", "Anna Andersen", "member", "rigtig-kode-1")
        for base, secure in ((BASE, True), ("http://127.0.0.1:8000", False)):
            app = create_app(store, council, settings=Settings.from_env(base_url=base))
            client = TestClient(app, base_url="http://127.0.0.1:8000", follow_redirects=False)  # TLS ended before us
            form = client.get("/log-ind")
            cookie = next(c for c in form.headers.get_list("set-cookie") if c.startswith("referat_login="))
            assert ("Secure" in cookie) == secure, (base, cookie)
            if not secure:  # (over plain http a client keeps no Secure cookie: the login itself only here)
                csrf = re.search(r'name="csrf" value="([^"]*)"', form.text).group(1)
                r = client.post("/log-ind", data={"csrf": csrf, "username": "anna", "password": "rigtig-kode-1"})
                cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("referat_session="))
                assert "Secure" not in cookie
    finally:
        council.close()
        store.close()

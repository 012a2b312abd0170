"""The secretariat's and members' screens over the Council library, through HTTP, on both backends:
login, sessions, CSRF, who may see what, optimistic locking, quorum, approval, corrections, and that the
public portal never shows a closed item's content after publication."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from starlette.testclient import TestClient

from referat.council import Council
from referat.store import open_store
from referat.web import create_app

from .council_setup import FAST_HASHER, Setup, build, clock, where  # noqa: F401 (fixtures)

SECRET = "HEMMELIGT-INDHOLD"  # in the closed item's text (council_setup)
PASSWORDS = {"sek": "sekretær-kode"}


@dataclass
class Site:
    setup: Setup
    council: Council
    app: object

    def client(self) -> TestClient:
        return TestClient(self.app, follow_redirects=False)


@pytest.fixture
def site(where, clock) -> Iterator[Site]:  # noqa: F811
    store = open_store(where)
    council = Council(where, store=store, clock=clock, hasher=FAST_HASHER)
    setup = build(council)
    for name, user in setup.users.items():
        PASSWORDS[user.username] = f"kode-{name.lower()}-1"
        council.set_password(setup.secretary, user.id, PASSWORDS[user.username])
    yield Site(setup, council, create_app(store, council))
    council.close()
    store.close()


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]*)"', html)
    assert m, "no CSRF field in the form"
    return m.group(1)


def login(client: TestClient, username: str, password: str | None = None):
    form = client.get("/log-ind")
    assert form.status_code == 200
    return client.post("/log-ind", data={"csrf": csrf_of(form.text), "username": username,
                                         "password": password or PASSWORDS[username]})


def logged_in(site: Site, username: str) -> tuple[TestClient, str]:
    client = site.client()
    r = login(client, username)
    assert r.status_code == 303, r.text
    page = client.get(r.headers["location"])
    assert page.status_code == 200
    return client, csrf_of(page.text)


# -- login, sessions, CSRF ------------------------------------------------------------------------

def test_login_sets_a_safe_session_cookie_and_lands_on_the_users_screen(site):
    client = site.client()
    r = login(client, "sek")
    assert r.status_code == 303 and r.headers["location"] == "/sekretariat/"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("referat_session="))
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http in the test; https sets it (below)
    member = site.client()
    assert login(member, "anna").headers["location"] == "/mine-moeder/"


def test_cookie_is_secure_over_https(site):
    client = TestClient(site.app, base_url="https://testserver", follow_redirects=False)
    r = login(client, "sek")
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("referat_session="))
    assert "Secure" in cookie


def test_wrong_password_and_unknown_user_get_the_same_danish_message(site):
    wrong = login(site.client(), "sek", "forkert-kode")
    nobody = login(site.client(), "ingen-saadan", "forkert-kode")
    for r in (wrong, nobody):
        assert r.status_code == 401
        assert "Forkert brugernavn eller adgangskode." in r.text
        assert "referat_session=" not in r.headers.get("set-cookie", "")
    assert wrong.text.replace('value="sek"', "").count("Forkert") == nobody.text.replace(
        'value="ingen-saadan"', "").count("Forkert")


def test_login_form_post_without_its_token_is_refused(site):
    client = site.client()
    r = client.post("/log-ind", data={"username": "sek", "password": PASSWORDS["sek"]})
    assert r.status_code == 403 and "referat_session=" not in r.headers.get("set-cookie", "")


def test_logout_ends_the_session_in_the_database(site):
    client, csrf = logged_in(site, "sek")
    token = client.cookies.get("referat_session")
    assert site.council.session_user(token) is not None
    r = client.post("/log-ud", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"].startswith("/log-ind")
    assert site.council.session_user(token) is None
    again = site.client()
    again.cookies.set("referat_session", token)
    assert again.get("/sekretariat/").status_code == 303  # back to the login form


@pytest.mark.parametrize("csrf", [None, "", "0" * 64])
def test_post_without_the_sessions_csrf_token_is_403_and_changes_nothing(site, csrf):
    client, _ = logged_in(site, "sek")
    data = {"username": "ny", "name": "Ny Bruger", "role": "member", "password": "en-god-kode"}
    if csrf is not None:
        data["csrf"] = csrf
    r = client.post("/sekretariat/brugere", data=data)
    assert r.status_code == 403 and "Formularen" in r.text and 'lang="da"' in r.text
    assert "ny" not in [u.username for u in site.council.users(site.setup.secretary)]


def test_csrf_token_of_another_session_is_refused(site):
    client, _ = logged_in(site, "sek")
    _, other = logged_in(site, "sek")
    r = client.post("/sekretariat/brugere", data={"csrf": other, "username": "ny", "name": "Ny", "role": "member"})
    assert r.status_code == 403


def test_anonymous_visitor_is_sent_to_login_and_members_and_citizens_get_403(site):
    anon = site.client()
    r = anon.get("/sekretariat/udvalg")
    assert r.status_code == 303 and r.headers["location"] == "/log-ind?naeste=/sekretariat/udvalg"
    member, _ = logged_in(site, "anna")
    r = member.get("/sekretariat/udvalg")
    assert r.status_code == 403 and "Adgang nægtet" in r.text
    site.council.create_user(site.setup.secretary, "borger", "Bo Borger", "public", "borger-kode")
    PASSWORDS["borger"] = "borger-kode"
    citizen, _ = logged_in(site, "borger")
    assert citizen.get("/sekretariat/brugere").status_code == 403


def test_secretary_creates_a_user_and_committee_and_seats_a_member(site):
    client, csrf = logged_in(site, "sek")
    r = client.post("/sekretariat/brugere", data={"csrf": csrf, "username": "hans", "name": "Hans Hansen",
                                                   "role": "member", "password": "hans-kode-1"})
    assert r.status_code == 303
    r = client.post("/sekretariat/udvalg", data={"csrf": csrf, "municipality": "Ballerup", "name": "Kulturudvalget"})
    assert r.status_code == 303
    cid = int(r.headers["location"].split("/")[-1].split("?")[0])
    page = client.get(r.headers["location"])
    assert "Tidligere behandling" in page.text  # Ballerup's own template, not Albertslund's
    hans = site.council.user("hans")
    r = client.post(f"/sekretariat/udvalg/{cid}/medlemmer", data={
        "csrf": csrf, "user_id": str(hans.id), "role": "chair", "party": "a", "term_from": "2022-01-01",
        "term_to": "2025-12-31"})
    assert r.status_code == 303
    members = site.council.members(site.setup.secretary, cid)
    assert [(m.name, m.role, m.party, str(m.term_to)) for m in members] == [("Hans Hansen", "chair", "A", "2025-12-31")]
    # a term that ends before it starts is refused in Danish, nothing added
    r = client.post(f"/sekretariat/udvalg/{cid}/medlemmer", data={
        "csrf": csrf, "user_id": str(site.setup.users["Anna"].id), "role": "member", "term_from": "2024-01-01",
        "term_to": "2023-01-01"})
    assert r.status_code == 422 and "Perioden slutter" in r.text
    assert len(site.council.members(site.setup.secretary, cid)) == 1
